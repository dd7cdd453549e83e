/**
 * Hodges-Lehmann location shift x - y with its confidence interval, computed exactly as R's
 * `wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE)` computes them: the interval ends and
 * the estimate are roots of the standardised rank-sum statistic of (x - d, y) as a function of the shift d,
 * found with R's `uniroot` (Brent's zeroin, tol 1e-4). Kayenta's judge uses the same construction, so this is
 * what a Kayenta user's numbers are.
 */
import { normalQuantile } from './distributions.ts';
import { mergedRankSum, sortedCopy } from './ranks.ts';

/** Options of {@link hodgesLehmann}. */
export interface HodgesLehmannOptions {
  /** Two-sided confidence level of the interval, in (0, 1). Default 0.95. */
  confidence?: number;
  /** Continuity correction while inverting the test for the interval (R's `correct`). Default true. */
  correct?: boolean;
  /**
   * Also apply the continuity correction when solving for the point estimate. R does not (default false);
   * Kayenta's MannWhitney does, so its Kayenta-compatible mode sets this to reproduce Kayenta's estimate.
   */
  correctEstimate?: boolean;
}

/** Result of {@link hodgesLehmann}. */
export interface HodgesLehmannResult {
  /** Estimated shift of x relative to y (x - y). */
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
}

const ROOT_TOLERANCE = 1e-4;
const MAX_ITERATIONS = 1000;
const DBL_EPSILON = 2.220446049250313e-16;

/**
 * Brent's root finder exactly as R's `R_zeroin2` (which `uniroot` calls): same steps, same tolerance
 * arithmetic, so it lands on the same point of a step function as R does.
 */
function zeroin(
  f: (x: number) => number,
  ax: number,
  bx: number,
  fax: number,
  fbx: number,
  tol: number,
): number {
  let a = ax;
  let b = bx;
  let fa = fax;
  let fb = fbx;
  let c = a;
  let fc = fa;
  if (fa === 0) return a;
  if (fb === 0) return b;
  for (let it = 0; it <= MAX_ITERATIONS; it++) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * DBL_EPSILON * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;
    if (Math.abs(newStep) <= tolAct || fb === 0) return b;
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const cb = c - b;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        const qq = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qq * (qq - t1) - (b - a) * (t1 - 1));
        q = (qq - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2)) newStep = p / q;
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}

/**
 * Standardised, centred rank-sum statistic of (x - d, y), for x and y sorted ascending, with R's tie and
 * optional continuity correction.
 */
function standardisedRankSum(xs: Float64Array, ys: Float64Array, d: number, withCorrection: boolean): number {
  const nx = xs.length;
  const ny = ys.length;
  const n = nx + ny;
  const { rankSumX, tieTerm } = mergedRankSum(xs, ys, d);
  const dz = rankSumX - (nx * (nx + 1)) / 2 - (nx * ny) / 2;
  const correction = withCorrection ? Math.sign(dz) * 0.5 : 0;
  const sigma = Math.sqrt(((nx * ny) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0)
    throw new RangeError(
      'hodgesLehmann: cannot compute a confidence interval when all observations are tied',
    );
  return (dz - correction) / sigma;
}

/**
 * Hodges-Lehmann shift estimate of x - y and its confidence interval (normal approximation with tie and
 * continuity correction, interval by inverting the test). Inputs must be free of NaN.
 */
export function hodgesLehmann(
  x: number[],
  y: number[],
  opts: HodgesLehmannOptions = {},
): HodgesLehmannResult {
  const confidence = opts.confidence ?? 0.95;
  const correct = opts.correct ?? true;
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`hodgesLehmann: confidence must lie strictly between 0 and 1, got ${confidence}`);
  const nx = x.length;
  const ny = y.length;
  if (nx === 0 || ny === 0) throw new RangeError('hodgesLehmann: x and y must each hold at least one value');
  for (const v of x)
    if (!Number.isFinite(v)) throw new RangeError('hodgesLehmann: x and y must hold finite numbers only');
  for (const v of y)
    if (!Number.isFinite(v)) throw new RangeError('hodgesLehmann: x and y must hold finite numbers only');
  // Shifting x by d keeps its order, so one sort up front lets every evaluation rank (x - d, y) by a merge.
  const xs = sortedCopy(x);
  const ys = sortedCopy(y);

  // Module-level so V8 optimises it once, not once per call (a fresh closure would run interpreted).
  const wdiff = (d: number, zq: number, withCorrection: boolean): number =>
    standardisedRankSum(xs, ys, d, withCorrection) - zq;

  const xMin = xs[0] as number;
  const xMax = xs[nx - 1] as number;
  const yMin = ys[0] as number;
  const yMax = ys[ny - 1] as number;
  const muMin = xMin - yMax;
  const muMax = xMax - yMin;

  // Both samples constant: every shift but one leaves the data fully ordered, and at that one every
  // observation ties, where R stops with an error. The shift is then known exactly.
  if (xMin === xMax && yMin === yMax) return { estimate: muMin, lower: muMin, upper: muMin, confidence };

  // R's uniroot tolerance (1e-4) is absolute: on data in seconds (shifts of 1e-4 and less) it stops far from
  // the root, and the interval can even exclude the estimate. Relative to the search range below 1, so a
  // verdict does not depend on the unit; unchanged (R's) for ranges of 1 and more.
  const tol = ROOT_TOLERANCE * Math.min(1, muMax - muMin);
  const root = (zq: number): number => {
    // In extreme cases the interval end is the end of the search range (R does the same).
    const fLower = wdiff(muMin, zq, correct);
    const fUpper = wdiff(muMax, zq, correct);
    if (fLower <= 0) return muMin;
    if (fUpper >= 0) return muMax;
    return zeroin((d) => wdiff(d, zq, correct), muMin, muMax, fLower, fUpper, tol);
  };

  const alpha = 1 - confidence;
  const lower = root(-normalQuantile(alpha / 2));
  const upper = root(normalQuantile(alpha / 2));
  // R drops the continuity correction for the point estimate: it is the root of the centred statistic.
  const f0 = (d: number) => wdiff(d, 0, opts.correctEstimate ?? false);
  const fLo = f0(muMin);
  const fHi = f0(muMax);
  const estimate = fLo * fHi > 0 ? (fLo <= 0 ? muMin : muMax) : zeroin(f0, muMin, muMax, fLo, fHi, tol);
  return { estimate, lower, upper, confidence };
}
