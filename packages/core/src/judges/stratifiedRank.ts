import { normalSf } from '../stats/distributions.ts';

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
  let num = 0;
  let varSum = 0;
  let higher = 0;
  let pairs = 0;
  const scores: number[] = [];
  const all: { v: number; c: boolean }[] = [];
  for (const s of strata) {
    const m = s.b.length;
    const n = s.c.length;
    if (m === 0 || n === 0) continue;
    all.length = 0;
    for (const v of s.b) all.push({ v, c: false });
    for (const v of s.c) all.push({ v, c: true });
    all.sort((x, y) => x.v - y.v);
    const N = m + n;
    let w = 0;
    let tie = 0;
    for (let i = 0; i < N; ) {
      let j = i + 1;
      while (j < N && all[j]!.v === all[i]!.v) j++;
      const rank = (i + 1 + j) / 2;
      const t = j - i;
      if (t > 1) tie += t * t * t - t;
      for (let k = i; k < j; k++) if (all[k]!.c) w += rank;
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
  const p =
    alternative === 'greater'
      ? normalSf(z)
      : alternative === 'less'
        ? normalSf(-z)
        : Math.min(1, 2 * normalSf(Math.abs(z)));
  return { z, p, strata: scores.length, scores, probabilityHigher: higher / pairs };
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
): { z: number; p: number; strata: number } {
  let num = 0;
  let varSum = 0;
  let used = 0;
  for (const s of strata) {
    const m = s.b.length;
    const n = s.c.length;
    const N = m + n;
    if (m === 0 || n === 0) continue;
    let sum = 0;
    let sumC = 0;
    for (const a of s.b) sum += a;
    for (const a of s.c) {
      sum += a;
      sumC += a;
    }
    const mean = sum / N;
    let ss = 0;
    for (const a of s.b) ss += (a - mean) * (a - mean);
    for (const a of s.c) ss += (a - mean) * (a - mean);
    if (ss === 0) continue;
    num += sumC - n * mean;
    varSum += ((m * n) / (N * (N - 1))) * ss;
    used++;
  }
  if (varSum === 0) return { z: 0, p: 1, strata: 0 };
  const z = num / Math.sqrt(varSum);
  const p =
    alternative === 'greater'
      ? normalSf(z)
      : alternative === 'less'
        ? normalSf(-z)
        : Math.min(1, 2 * normalSf(Math.abs(z)));
  return { z, p, strata: used };
}
