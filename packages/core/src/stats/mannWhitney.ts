/**
 * Mann-Whitney U test (Wilcoxon rank-sum) with the semantics of scipy 1.10.1 `scipy.stats.mannwhitneyu`,
 * so results can be checked against it number for number.
 */
import type { Alternative } from './distributions.ts';
import { normalSf } from './distributions.ts';
import { mergedRankSum, sortedCopy } from './ranks.ts';

/** Options of {@link mannWhitneyU}. */
export interface MannWhitneyOptions {
  /** `greater`: x tends to be larger than y. Default `two-sided`. */
  alternative?: Alternative;
  /**
   * `exact`: the permutation distribution of U (ignores ties, as scipy does); `asymptotic`: normal
   * approximation with tie correction; `auto` (default): exact when one sample has at most 8 values and
   * there are no ties, asymptotic otherwise (scipy 1.10.1's rule).
   */
  method?: 'auto' | 'exact' | 'asymptotic';
  /** Continuity correction of the normal approximation (default true). */
  continuity?: boolean;
}

/** Result of {@link mannWhitneyU}. */
export interface MannWhitneyResult {
  /** U statistic of x: the number of pairs (x_i, y_j) with x_i > y_j, ties counting one half. */
  u: number;
  p: number;
  /** Standardised statistic, for the asymptotic method. */
  z?: number;
  method: 'exact' | 'asymptotic';
}

/**
 * Counts c[k] = number of arrangements with U = k, for k = 0..kMax, of samples of sizes m and n: the
 * coefficients of the Gaussian binomial [m+n choose m]_q, built as prod_{i=1..m} (1 - q^{n+i}) / (1 - q^i).
 * Each step keeps only non-negative coefficients up to kMax, and every subtraction removes a term at most
 * as large as what remains below the mode, so the relative error stays near k * eps.
 */
function uCounts(m: number, n: number, kMax: number): { counts: Float64Array; logScale: number } {
  const c = new Float64Array(kMax + 1);
  c[0] = 1;
  let logScale = 0;
  for (let i = 1; i <= m; i++) {
    const shift = n + i;
    for (let k = kMax; k >= shift; k--) c[k] = (c[k] as number) - (c[k - shift] as number);
    let max = 0;
    for (let k = i; k <= kMax; k++) {
      const v = (c[k] as number) + (c[k - i] as number);
      c[k] = v;
      if (v > max) max = v;
    }
    // Counts grow like C(m+n, m); rescale before they overflow (the recursion is linear).
    if (max > 1e250) {
      for (let k = 0; k <= kMax; k++) c[k] = (c[k] as number) * 1e-250;
      logScale += 250 * Math.LN10;
    }
  }
  return { counts: c, logScale };
}

/** ln C(a, b) without overflow. */
function logBinomial(a: number, b: number): number {
  let s = 0;
  const k = Math.min(b, a - b);
  for (let i = 1; i <= k; i++) s += Math.log((a - k + i) / i);
  return s;
}

/** P(U >= u) under H0 for integer u, exact; sums the lower tail of the symmetric distribution. */
export function mannWhitneyExactSf(u: number, m: number, n: number): number {
  const k = m * n - u; // P(U >= u) = P(U <= mn - u) by symmetry
  if (k < 0) return 0;
  if (k >= m * n) return 1;
  const { counts, logScale } = uCounts(Math.min(m, n), Math.max(m, n), k);
  let total = 0;
  for (let i = 0; i <= k; i++) total += counts[i] as number;
  return Math.exp(Math.log(total) + logScale - logBinomial(m + n, m));
}

/**
 * Mann-Whitney U test of x against y. NaN values are not allowed (remove them first: what a NaN means is
 * the caller's decision).
 */
export function mannWhitneyU(x: number[], y: number[], opts: MannWhitneyOptions = {}): MannWhitneyResult {
  const alternative = opts.alternative ?? 'two-sided';
  const continuity = opts.continuity ?? true;
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('mannWhitneyU: x and y must each hold at least one value');
  const xs = sortedCopy(x);
  const ys = sortedCopy(y);
  // A typed-array sort puts NaN last.
  if (Number.isNaN(xs[n1 - 1]) || Number.isNaN(ys[n2 - 1]))
    throw new RangeError('mannWhitneyU: x and y must not contain NaN; remove NaN values first');
  const { rankSumX: r1, tieTerm } = mergedRankSum(xs, ys);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  let u: number;
  let factor = 1;
  if (alternative === 'greater') u = u1;
  else if (alternative === 'less') u = u2;
  else {
    u = Math.max(u1, u2);
    factor = 2;
  }
  let method = opts.method ?? 'auto';
  if (method === 'auto') method = (n1 > 8 && n2 > 8) || tieTerm > 0 ? 'asymptotic' : 'exact';
  if (method === 'exact') {
    const p = Math.min(1, Math.max(0, factor * mannWhitneyExactSf(Math.trunc(u), n1, n2)));
    return { u: u1, p, method };
  }
  const n = n1 + n2;
  const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  let numerator = u - (n1 * n2) / 2;
  // scipy always uses the survival function, so the correction always subtracts 0.5.
  if (continuity) numerator -= 0.5;
  const z = numerator / s;
  const p = Math.min(1, Math.max(0, factor * normalSf(z)));
  return { u: u1, p, z, method };
}
