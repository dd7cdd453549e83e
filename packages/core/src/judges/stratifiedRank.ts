import { normalSf } from '../stats/distributions.ts';
import { type CellFrame, frameOfCells } from './frame.ts';

/** Values of both sides observed together (one minute), compared only with each other. */
export interface Stratum {
  b: number[];
  c: number[];
}

/** Result of the stratified rank-sum test. */
export interface StratifiedRankResult {
  /** Standardised statistic: positive when the canary ranks high. */
  z: number;
  p: number;
  /** Strata that contributed (both sides present, not all values tied). */
  strata: number;
  /** Per contributing stratum: (W - E[W]) / sd, in stratum order, for serial-correlation checks. */
  scores: number[];
  /** Share of canary-baseline pairs within strata where the canary is higher (ties count half). */
  probabilityHigher: number;
}

/**
 * Van Elteren's stratified Wilcoxon rank-sum test: the canary's rank sum within each stratum, centred and
 * summed over strata with van Elteren's weights 1/(N+1), against its exact permutation mean and
 * tie-corrected variance. Comparing values only within a minute removes the signal the sides share, while
 * every instance's value still counts (unlike a test of per-minute means). Normal approximation.
 */
export function stratifiedRankSum(
  strata: Stratum[],
  alternative: 'greater' | 'less' | 'two-sided',
): StratifiedRankResult {
  return rankSumOfFrame(frameOfCells(strata), alternative);
}

/** {@link stratifiedRankSum} of a frame's cells, ranked from the frame's sorted cells. */
export function rankSumOfFrame(
  f: CellFrame,
  alternative: 'greater' | 'less' | 'two-sided',
): StratifiedRankResult {
  let num = 0;
  let varSum = 0;
  let higher = 0;
  let pairs = 0;
  const scores: number[] = [];
  const { sorted, labels } = f;
  for (let c = 0; c < f.cells; c++) {
    const from = f.start[c]!;
    const N = f.start[c + 1]! - from;
    const m = f.nb[c]!;
    const n = N - m;
    let w = 0;
    let tie = 0;
    for (let i = 0; i < N; ) {
      const x = sorted[from + i]!;
      let j = i + 1;
      while (j < N && sorted[from + j] === x) j++;
      const rank = (i + 1 + j) / 2;
      const t = j - i;
      if (t > 1) tie += t * t * t - t;
      // The label (1 canary, 0 baseline) as a factor, not a branch: the sides interleave at random, and
      // adding rank x 0 leaves w exactly as it was.
      for (let k = i; k < j; k++) w += rank * labels[from + k]!;
      i = j;
    }
    const e = (n * (N + 1)) / 2;
    const v = ((m * n) / 12) * (N + 1 - tie / (N * (N - 1)));
    if (v <= 0) continue;
    const weight = 1 / (N + 1);
    num += weight * (w - e);
    varSum += weight * weight * v;
    scores.push((w - e) / Math.sqrt(v));
    higher += w - (n * (n + 1)) / 2;
    pairs += m * n;
  }
  if (varSum === 0) return { z: 0, p: 1, strata: 0, scores, probabilityHigher: 0.5 };
  const z = num / Math.sqrt(varSum);
  return { z, p: tailP(z, alternative), strata: scores.length, scores, probabilityHigher: higher / pairs };
}

function tailP(z: number, alternative: 'greater' | 'less' | 'two-sided'): number {
  return alternative === 'greater'
    ? normalSf(z)
    : alternative === 'less'
      ? normalSf(-z)
      : Math.min(1, 2 * normalSf(Math.abs(z)));
}

/**
 * Stratified permutation test with arbitrary scores: the canary's score sum within each stratum against
 * its exact mean and variance under random relabelling of the stratum's values (sampling without
 * replacement), summed over strata, normal approximation. The scores must not depend on the labels (e.g.
 * squared deviations from the stratum's pooled mean), which makes the test valid whatever the noise; one
 * dominant score inflates its own variance, so a lone outlier can never look significant.
 */
export function stratifiedScoreTest(
  strata: Stratum[],
  alternative: 'greater' | 'less' | 'two-sided',
  score: (x: number, stratum: number) => number = (x) => x,
): { z: number; p: number; strata: number } {
  const f = frameOfCells(strata);
  const scores = new Float64Array(f.values.length);
  for (let c = 0; c < f.cells; c++)
    for (let i = f.start[c]!; i < f.start[c + 1]!; i++) scores[i] = score(f.values[i]!, c);
  return scoreTestOfFrame(f, scores, alternative);
}

/**
 * {@link stratifiedScoreTest} with the scores given per value of the frame (`scores[i]` belongs to
 * `f.values[i]`), so callers compute them in one flat loop.
 */
export function scoreTestOfFrame(
  f: CellFrame,
  scores: Float64Array,
  alternative: 'greater' | 'less' | 'two-sided',
): { z: number; p: number; strata: number } {
  let num = 0;
  let varSum = 0;
  let used = 0;
  for (let c = 0; c < f.cells; c++) {
    const from = f.start[c]!;
    const to = f.start[c + 1]!;
    const N = to - from;
    const m = f.nb[c]!;
    const n = N - m;
    let sum = 0;
    let sumC = 0;
    for (let i = from; i < to; i++) sum += scores[i]!;
    for (let i = from + m; i < to; i++) sumC += scores[i]!;
    const mean = sum / N;
    // Two passes: the one-pass sum of squares loses digits to cancellation on large scores.
    let ss = 0;
    let sq = 0;
    for (let i = from; i < to; i++) {
      const a = scores[i]!;
      ss += (a - mean) * (a - mean);
      sq += a * a;
    }
    if (ss <= 1e-12 * sq) continue;
    num += sumC - n * mean;
    varSum += ((m * n) / (N * (N - 1))) * ss;
    used++;
  }
  if (varSum === 0) return { z: 0, p: 1, strata: 0 };
  const z = num / Math.sqrt(varSum);
  return { z, p: tailP(z, alternative), strata: used };
}
