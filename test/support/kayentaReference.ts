/**
 * A reference re-implementation of Kayenta's NetflixACAJudge (kayenta-judge: NetflixACAJudge,
 * MannWhitneyClassifier, IQRDetector, EffectSizes, WeightedSumScorer, ThresholdScoreClassifier; kayenta-mannwhitney)
 * that reads a Kayenta canary config JSON as Kayenta does, written apart from Vigil's Kayenta mode (no shared
 * code: its own ranks, R-7 percentiles, normal quantile and root finder), so that a
 * test comparing the two checks both the import and the judge. Kayenta adds random noise when both sides are
 * constant; this reference refuses such data instead (the test's data never is).
 */

/** The parts of a Kayenta canary config (JSON) that NetflixACAJudge reads. */
export interface KayentaConfigJson {
  metrics: KayentaMetricJson[];
  classifier: { groupWeights?: Record<string, number>; scoreThresholds: { pass: number; marginal: number } };
}

interface KayentaMetricJson {
  name: string;
  groups?: string[];
  analysisConfigurations?: {
    canary?: {
      direction?: string;
      nanStrategy?: string;
      critical?: boolean;
      mustHaveData?: boolean;
      muted?: boolean;
      effectSize?: {
        measure?: string;
        allowedIncrease?: number;
        allowedDecrease?: number;
        criticalIncrease?: number;
        criticalDecrease?: number;
      };
      outliers?: { strategy?: string; outlierFactor?: number };
    };
  };
}

export type Label = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFailMetric';

export interface ReferenceMetric {
  name: string;
  classification: Label;
  critical: boolean;
  muted: boolean;
  groups: string[];
}

export interface ReferenceResult {
  score: number;
  classification: 'Pass' | 'Marginal' | 'Fail';
  metrics: ReferenceMetric[];
}

/** Average ranks (1-based) of `values`, and the sizes of their groups of ties. */
function ranks(values: number[]): { r: number[]; ties: number[] } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(values.length);
  const ties: number[] = [];
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j + 2) / 2;
    ties.push(j - i + 1);
    i = j + 1;
  }
  return { r, ties };
}

/** R-7 percentile (p in 0..100), as commons-math Percentile with EstimationType.R_7. */
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * (p / 100);
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error below 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = p < 0.5 ? p : 1 - p;
  let x: number;
  if (q < 0.02425) {
    const t = Math.sqrt(-2 * Math.log(q));
    x =
      (((((c[0]! * t + c[1]!) * t + c[2]!) * t + c[3]!) * t + c[4]!) * t + c[5]!) /
      ((((d[0]! * t + d[1]!) * t + d[2]!) * t + d[3]!) * t + 1);
  } else {
    const t = q - 0.5;
    const r = t * t;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * t) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  return p < 0.5 ? x : -x;
}

/** Kayenta's wilcoxonDiff: the continuity-corrected, tie-corrected rank statistic of x - mu against y, minus zq. */
function wilcoxonDiff(mu: number, zq: number, x: number[], y: number[]): number {
  const n = x.length;
  const m = y.length;
  const { r, ties } = ranks([...x.map((v) => v - mu), ...y]);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += r[i]!;
  const dz = sum - (n * (n + 1)) / 2 - (n * m) / 2;
  const correction = Math.sign(dz) * 0.5;
  const tieSum = ties.reduce((a, t) => a + t ** 3 - t, 0);
  const sigma = Math.sqrt(((n * m) / 12) * (n + m + 1 - tieSum / ((n + m) * (n + m - 1))));
  if (sigma === 0) throw new Error('all observations tied');
  return (dz - correction) / sigma - zq;
}

/**
 * Brent's zeroin (R's R_zeroin2, which Kayenta's BrentSolver ports) with Kayenta's absolute tolerance 1e-4.
 * The statistic is a step function of mu, so where the data are tied the root it stops at (within the
 * tolerance of a jump) decides High or Low: only the same algorithm reproduces Kayenta there.
 */
function zeroin(ax: number, bx: number, fa0: number, fb0: number, f: (mu: number) => number): number {
  const EPS = 2.220446049250313e-16;
  const TOL = 1e-4;
  let [a, b, fa, fb] = [ax, bx, fa0, fb0];
  let [c, fc] = [a, fa];
  if (fa === 0) return a;
  if (fb === 0) return b;
  for (let it = 0; it <= 1000; it++) {
    const prev = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      [a, b, c] = [b, c, b];
      [fa, fb, fc] = [fb, fc, fb];
    }
    const tolAct = 2 * EPS * Math.abs(b) + TOL / 2;
    let step = (c - b) / 2;
    if (Math.abs(step) <= tolAct || fb === 0) return b;
    if (Math.abs(prev) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      const cb = c - b;
      let p: number;
      let q: number;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        const qa = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1));
        q = (qa - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prev * q) / 2)) step = p / q;
    }
    if (Math.abs(step) < tolAct) step = step > 0 ? tolAct : -tolAct;
    [a, fa] = [b, fb];
    b += step;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) [c, fc] = [a, fa];
  }
  return b;
}

/** A confidence bound: an end of the range when the statistic does not cross there, else zeroin. */
function bound(lo: number, hi: number, f: (mu: number) => number): number {
  const flo = f(lo);
  const fhi = f(hi);
  if (flo <= 0) return lo;
  if (fhi >= 0) return hi;
  return zeroin(lo, hi, flo, fhi, f);
}

/** Kayenta's Mann-Whitney confidence interval (x - y) and Hodges-Lehmann estimate. */
function mannWhitney(
  x: number[],
  y: number[],
  confidence: number,
): { lower: number; upper: number; estimate: number } {
  const lo = Math.min(...x) - Math.max(...y);
  const hi = Math.max(...x) - Math.min(...y);
  const z = normalQuantile((1 - confidence) / 2);
  return {
    lower: bound(lo, hi, (mu) => wilcoxonDiff(mu, -z, x, y)),
    upper: bound(lo, hi, (mu) => wilcoxonDiff(mu, z, x, y)),
    estimate: zeroin(lo, hi, wilcoxonDiff(lo, 0, x, y), wilcoxonDiff(hi, 0, x, y), (mu) =>
      wilcoxonDiff(mu, 0, x, y),
    ),
  };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

function meanRatio(control: number[], experiment: number[]): number {
  const c = mean(control);
  const e = mean(experiment);
  return c === 0 || e === 0 ? Number.NaN : e / c;
}

function cles(control: number[], experiment: number[]): number {
  const m = experiment.length;
  const { r } = ranks([...experiment, ...control]);
  const r1 = r.slice(0, m).reduce((a, b) => a + b, 0);
  return (2 * r1 - m * (m + 1)) / (2 * control.length * m);
}

function classify(config: KayentaMetricJson, control0: number[], experiment0: number[]): ReferenceMetric {
  const c = config.analysisConfigurations?.canary ?? {};
  const direction = c.direction ?? 'either';
  const nan = c.nanStrategy === 'replace' ? 'replace' : 'remove';
  const critical = c.critical === true;
  const required = c.mustHaveData === true;
  const measure = c.effectSize?.measure ?? 'meanRatio';
  const def = measure === 'cles' ? 0.5 : 1;
  const allowedIncrease = c.effectSize?.allowedIncrease ?? def;
  const allowedDecrease = c.effectSize?.allowedDecrease ?? def;
  const criticalIncrease = c.effectSize?.criticalIncrease ?? def;
  const criticalDecrease = c.effectSize?.criticalDecrease ?? def;
  const transform = (v: number[]) => {
    const clean =
      nan === 'remove' ? v.filter((x) => !Number.isNaN(x)) : v.map((x) => (Number.isNaN(x) ? 0 : x));
    if (c.outliers?.strategy !== 'remove' || clean.length === 0) return clean;
    const factor = c.outliers.outlierFactor ?? 3;
    const p25 = percentile(clean, 25);
    const p75 = percentile(clean, 75);
    const lower = Math.min(percentile(clean, 1), p25 - factor * (p75 - p25));
    const upper = Math.max(percentile(clean, 99), p75 + factor * (p75 - p25));
    return clean.filter((x) => !(x > upper || x < lower));
  };
  const control = transform(control0);
  const experiment = transform(experiment0);
  const out = (classification: Label, isCritical: boolean): ReferenceMetric => ({
    name: config.name,
    classification,
    critical: isCritical,
    muted: c.muted === true,
    groups: config.groups ?? [],
  });
  if (experiment.length === 0 || control.length === 0) {
    if (nan !== 'remove') return out('Pass', false);
    return required && !critical ? out('NodataFailMetric', false) : out('Nodata', critical);
  }
  const sorted = (v: number[]) => [...v].sort((a, b) => a - b).join(',');
  if (sorted(experiment) === sorted(control)) return out('Pass', false);
  if (new Set([...experiment, ...control]).size === 1) return out('Pass', false);
  if (new Set(experiment).size === 1 && new Set(control).size === 1)
    throw new Error('both sides constant: Kayenta adds random noise, which a reference cannot reproduce');
  const mw = mannWhitney(experiment, control, 0.98);
  const bound = 0.25 * Math.abs(mw.estimate);
  const effect = measure === 'cles' ? cles(control, experiment) : meanRatio(control, experiment);
  const high =
    (direction === 'increase' || direction === 'either') &&
    mw.lower > bound &&
    (Number.isNaN(effect) || effect >= allowedIncrease);
  const low =
    (direction === 'decrease' || direction === 'either') &&
    mw.upper < -bound &&
    (Number.isNaN(effect) || effect <= allowedDecrease);
  const label: Label = high ? 'High' : low ? 'Low' : 'Pass';
  const criticalFail =
    critical &&
    ((label === 'High' && (Number.isNaN(effect) || effect >= criticalIncrease)) ||
      (label === 'Low' && (Number.isNaN(effect) || effect <= criticalDecrease)));
  return out(label, criticalFail);
}

/** Precision.round(x, 2) for x >= 0: half-up on the decimal form. */
function round2(x: number): number {
  return Number(`${Math.round(Number(`${x}e2`))}e-2`);
}

/**
 * Judges one canary as Kayenta would: `values[name]` holds each metric's control and experiment points (NaN
 * allowed); the thresholds come from the config's classifier.scoreThresholds.
 */
export function kayentaReference(
  config: KayentaConfigJson,
  values: Record<string, { control: number[]; experiment: number[] }>,
): ReferenceResult {
  const metrics = config.metrics.map((m) => classify(m, values[m.name]!.control, values[m.name]!.experiment));
  const scored = metrics.filter((m) => !m.muted);
  const weights: Record<string, number> = config.classifier.groupWeights ?? {};
  const groups = new Map<string, Label[]>();
  for (const m of scored)
    for (const g of m.groups) groups.set(g, [...(groups.get(g) ?? []), m.classification]);
  let score: number;
  if (scored.some((m) => m.critical && m.classification !== 'Pass')) score = 0;
  else if ((scored.filter((m) => m.classification === 'Nodata').length / scored.length) * 100 >= 50)
    score = 0;
  else {
    const unweighted = [...groups.keys()].filter((g) => !(g in weights));
    const share =
      unweighted.length > 0
        ? (100 - Object.values(weights).reduce((a, b) => a + b, 0)) / unweighted.length
        : 0;
    let sum = 0;
    for (const [g, labels] of groups) {
      const pass = labels.filter((l) => l === 'Pass').length;
      const total = labels.filter((l) => l !== 'Nodata').length;
      sum += (total === 0 ? 100 : (pass / total) * 100) * ((weights[g] ?? share) / 100);
    }
    score = round2(sum);
  }
  const t = config.classifier.scoreThresholds;
  return {
    score,
    classification: score >= t.pass ? 'Pass' : score >= t.marginal ? 'Marginal' : 'Fail',
    metrics,
  };
}
