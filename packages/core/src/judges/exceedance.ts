import { normalSf } from '../stats/distributions.ts';
import type { CellFrame } from './frame.ts';
import { type JudgeBuffers, judgeBuffers } from './buffers.ts';
import { MIN_TAIL_POINTS, pooledTail, sideTails } from './residualTails.ts';
import { tailQuantile, take, type UpperTail } from './select.ts';

/**
 * Two tail tests for what the score-based tail test misses (see distribution.ts):
 * - {@link upperTailCountTest}: how many canary points lie above high pooled quantiles. Counts, not sizes, so
 *   the trace's own rare giant values (heavy-tailed noise) cannot drown a shift of a few percent of the points.
 * - {@link exceedanceTest}: how many canary points lie beyond the baseline's maximum, and how far. A handful of
 *   spikes far outside anything the baseline showed (4 spikes of ~30 sd in 180 points).
 */

/**
 * Residuals closer than this count as equal. A residual is a difference of values, and the same data rescaled
 * (x 1000 for seconds to milliseconds) rounds differently in the last bits, relative to the values' own
 * magnitude; that must not turn a tie at a threshold into an exceedance (the verdict must not depend on the
 * unit). 1e-12 of the largest value is far above rounding (1e-16) and far below any real difference.
 */
export function tieTolerance(f: CellFrame): number {
  return 1e-12 * f.maxAbs;
}

/** Pooled quantiles whose exceedances the count test compares (Bonferroni over them). */
export const COUNT_QUANTILES = [0.9, 0.95, 0.975, 0.99] as const;

/** Result of a tail count: the smallest p-value over the quantiles (Bonferroni-adjusted) and where it was. */
export interface TailCount {
  p: number;
  /** Pooled quantile (0.9 = 90th percentile) of the harmful residuals where the evidence was strongest. */
  quantile: number;
  threshold: number;
  canaryAbove: number;
  baselineAbove: number;
}

/**
 * Canary vs baseline counts of harmful residuals above the pooled 90th, 95th, 97.5th and 99th percentiles,
 * each compared within cells by the stratified permutation test of 0/1 scores (label-free, so valid whatever
 * the noise; the same test as scoreTestOfFrame, all four thresholds in one pass over the cells); the smallest
 * p-value times the number of quantiles (Bonferroni). Null when too few points.
 */
export function upperTailCountTest(
  f: CellFrame,
  residuals: Float64Array,
  work: JudgeBuffers = judgeBuffers(),
  pooled?: UpperTail,
): TailCount | null {
  const n = residuals.length;
  if (n < 20) return null;
  const Q = COUNT_QUANTILES.length;
  const tol = tieTolerance(f);
  const thresholds = new Float64Array(Q);
  // The pooled residuals' upper tail (`pooled` when the caller took it, at a level at most the lowest
  // quantile) gives every quantile (type 7, as quantileInPlace) by index.
  const tail = pooled ?? pooledTail(residuals, COUNT_QUANTILES[0], work);
  thresholds[0] = tailQuantile(tail, COUNT_QUANTILES[0]!);
  const first = Math.floor((n - 1) * COUNT_QUANTILES[0]!);
  const top = tail.top.subarray(first - tail.first);
  for (let q = 1; q < Q; q++) {
    const h = (n - 1) * COUNT_QUANTILES[q]! - first;
    const lo = Math.floor(h);
    thresholds[q] = lo + 1 < top.length ? top[lo]! + (h - lo) * (top[lo + 1]! - top[lo]!) : top[lo]!;
  }
  const num = new Float64Array(Q);
  const varSum = new Float64Array(Q);
  const above = new Int32Array(Q);
  const aboveC = new Int32Array(Q);
  const totalC = new Int32Array(Q);
  const totalB = new Int32Array(Q);
  const cut = new Float64Array(Q);
  for (let q = 0; q < Q; q++) cut[q] = thresholds[q]! + tol;
  const lowest = cut[0]!;
  for (let c = 0; c < f.cells; c++) {
    const from = f.start[c]!;
    const to = f.start[c + 1]!;
    const N = to - from;
    const mb = f.nb[c]!;
    const nc = N - mb;
    // Nine in ten residuals lie below the lowest threshold and count nowhere: one comparison each. A cell
    // without any residual above it adds nothing to any sum.
    let hits = 0;
    for (let i = from; i < to; i++) {
      const r = residuals[i]!;
      if (!(r > lowest)) continue;
      if (hits++ === 0)
        for (let q = 0; q < Q; q++) {
          above[q] = 0;
          aboveC[q] = 0;
        }
      const canary = f.side[i] === 1;
      for (let q = 0; q < Q && r > cut[q]!; q++) {
        above[q]!++;
        if (canary) aboveC[q]!++;
      }
    }
    if (hits === 0) continue;
    for (let q = 0; q < Q; q++) {
      const a = above[q]!;
      totalC[q]! += aboveC[q]!;
      totalB[q]! += a - aboveC[q]!;
      if (a === 0 || a === N) continue;
      // 0/1 scores: sum of squared deviations a (1 - a / N); canary sum aboveC against its mean nc a / N.
      num[q]! += aboveC[q]! - (nc * a) / N;
      varSum[q]! += ((mb * nc) / (N * (N - 1))) * a * (1 - a / N);
    }
  }
  let best: TailCount | null = null;
  for (let q = 0; q < Q; q++) {
    if (varSum[q]! <= 0) continue;
    const p = Math.min(1, normalSf(num[q]! / Math.sqrt(varSum[q]!)) * Q);
    if (!best || p < best.p) {
      best = {
        p,
        quantile: COUNT_QUANTILES[q]!,
        threshold: thresholds[q]!,
        canaryAbove: totalC[q]!,
        baselineAbove: totalB[q]!,
      };
    }
  }
  return best;
}

/** Counts of canary exceedances the exceedance test looks at (Bonferroni over them). */
export const EXCEEDANCE_COUNTS = [3, 4, 6, 8, 12, 16] as const;

/**
 * Tail index of the Pareto tail assumed beyond the baseline's maximum: P(X > M + d w | X > M) = (1 + d)^-0.8,
 * heavier than any noise with a finite mean, so that the size of an exceedance counts only when it lies far
 * beyond the baseline's top width w. The index trades power on a few huge spikes against false fails on
 * noise with rare giant values that the baseline happened not to draw (which no test can tell from spikes):
 * on 12,000 A/A bench cases an index of 1 failed 3-4x the test's level on such traces, 0.8 about 1.4x, 0.7
 * at the level but with half the power on 4 spikes of 30 sd in 180 points (see docs/engine.md).
 */
export const EXCEEDANCE_TAIL_INDEX = 0.8;

/**
 * Baseline quantile that, with the baseline's maximum, anchors the tail: the top width is M - q95. Read from
 * the baseline's shared residual tail, so it may not lie below residualTails.ts SIDE_TAIL_LEVEL.
 */
export const EXCEEDANCE_ANCHOR = 0.95;

/** Result of the exceedance test. */
export interface Exceedance {
  p: number;
  /** Canary residuals beyond the baseline's largest residual. */
  beyond: number;
  /** The count k whose evidence was strongest (0 when none), and the k-th largest canary residual. */
  k: number;
  kthResidual: number;
  baselineMax: number;
  /** The baseline's top width: its largest residual minus its 95th percentile (0: no tail model). */
  width: number;
}

/**
 * Exceedances beyond the baseline's maximum M. Under no change the residuals of both sides are exchangeable,
 * so the number K of canary residuals above every baseline residual has the exact law
 * P(K >= j) = C(n_c, j) / C(N, j) (the j largest of N all canary). Beyond M the sizes are scored against a
 * Pareto tail anchored at the baseline's own top (M and its 95th percentile u, width w = M - u): an exceedance
 * d widths beyond M has tail probability g = (1 + d)^-index given that it exceeds M. For each k in
 * EXCEEDANCE_COUNTS up to K, with g_k the value of the k-th largest canary residual,
 * p_k = sum_j P(K = j) P(Binomial(j, g_k) >= k): at least k exceedances that far out. The smallest p_k times
 * the number of counts tried (Bonferroni) is the p-value. Without a usable width (fewer than three distinct
 * baseline values above u) every g is 1 and the test is the exact exchangeability test alone. Under no change
 * the count law is exact; the sizes' law holds when the noise beyond the baseline's maximum is no heavier
 * than the assumed tail.
 */
export function exceedanceTest(
  f: CellFrame,
  residuals: Float64Array,
  work: JudgeBuffers = judgeBuffers(),
  baseline?: UpperTail,
): Exceedance | null {
  const n = residuals.length;
  let nb = 0;
  for (let c = 0; c < f.cells; c++) nb += f.nb[c]!;
  const nc = n - nb;
  if (nb < MIN_TAIL_POINTS || nc < MIN_TAIL_POINTS) return null;
  // The baseline residuals' upper tail (`baseline` when the caller took it, from SIDE_TAIL_LEVEL, which is
  // the anchor) holds the anchor quantile, the values above it, and the maximum as its last value.
  const bt = baseline ?? sideTails(f, residuals, work)!.baseline;
  const m = bt.top[bt.top.length - 1]!;
  const u = tailQuantile(bt, EXCEEDANCE_ANCHOR);
  // The distinct values above the anchor quantile.
  const tail = bt.top.subarray(Math.floor((nb - 1) * EXCEEDANCE_ANCHOR) + 1 - bt.first);
  let distinct = 0;
  const near = tieTolerance(f);
  for (let i = 0; i < tail.length; i++)
    if (tail[i]! > u + near && (i === 0 || tail[i]! > tail[i - 1]! + near)) distinct++;
  const tol = near;
  const width = distinct >= 3 && m - u > tol ? m - u : 0;
  let beyond = 0;
  const over = take(work.exceedanceCanary, nc);
  const limit = m + tol;
  // Each cell's canary residuals follow its baseline ones.
  for (let c = 0; c < f.cells; c++)
    for (let i = f.start[c]! + f.nb[c]!; i < f.start[c + 1]!; i++)
      if (residuals[i]! > limit) over[beyond++] = residuals[i]!;
  const result: Exceedance = { p: 1, beyond, k: 0, kthResidual: Number.NaN, baselineMax: m, width };
  if (beyond < EXCEEDANCE_COUNTS[0]) return result;
  const top = over.subarray(0, beyond).sort().reverse();
  for (const k of EXCEEDANCE_COUNTS) {
    if (k > beyond) break;
    const x = top[k - 1]!;
    const g = width > 0 ? (1 + (x - m) / width) ** -EXCEEDANCE_TAIL_INDEX : 1;
    const p = Math.min(1, exceedanceP(k, g, nc, n) * EXCEEDANCE_COUNTS.length);
    if (p < result.p) {
      result.p = p;
      result.k = k;
      result.kthResidual = x;
    }
  }
  return result;
}

/**
 * P(at least k of the canary's exceedances beyond the baseline maximum have tail probability <= g), with
 * K ~ the exact exchangeable law (nc canary of n values) and each exceedance's g uniform given K.
 */
export function exceedanceP(k: number, g: number, nc: number, n: number): number {
  // h = P(K >= j), from P(K >= j + 1) = P(K >= j) (nc - j) / (n - j).
  let h = 1;
  for (let j = 0; j < k; j++) h *= (nc - j) / (n - j);
  let p = 0;
  for (let j = k; j <= nc && h > 1e-300; j++) {
    const next = (h * (nc - j)) / (n - j);
    p += (h - next) * (g >= 1 ? 1 : binomialUpper(k, j, g));
    if (h < 1e-18 * p) break;
    h = next;
  }
  return p;
}

/**
 * P(Binomial(j, g) >= k) for the small k and j of the exceedance test, summed upwards from the k-th term (no
 * cancellation however small it is), without the incomplete beta function the general binomialSf needs.
 */
export function binomialUpper(k: number, j: number, g: number): number {
  if (k <= 0) return 1;
  if (k > j || g <= 0) return 0;
  // C(j, k) by a product: k is at most 16 here.
  let logTerm = k * Math.log(g) + (j - k) * Math.log1p(-g);
  for (let i = 0; i < k; i++) logTerm += Math.log((j - i) / (i + 1));
  let term = Math.exp(logTerm);
  let sum = term;
  const odds = g / (1 - g);
  for (let i = k; i < j && term > 1e-17 * sum; i++) {
    term *= ((j - i) / (i + 1)) * odds;
    sum += term;
  }
  return Math.min(1, sum);
}
