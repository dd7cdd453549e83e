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
  for (const s of strata) {
    const m = s.b.length;
    const n = s.c.length;
    if (m === 0 || n === 0) continue;
    const N = m + n;
    const { values, canary } = sortStratum(s, N);
    let w = 0;
    let tie = 0;
    for (let i = 0; i < N; ) {
      let j = i + 1;
      while (j < N && values[j] === values[i]) j++;
      const rank = (i + 1 + j) / 2;
      const t = j - i;
      if (t > 1) tie += t * t * t - t;
      for (let k = i; k < j; k++) if (canary[k] === 1) w += rank;
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

let sortValues = new Float64Array(64);
let sortLabels = new Uint8Array(64);

/**
 * The stratum's values ascending with their side (1 = canary), in reused buffers: insertion sort, since a
 * stratum holds one minute's few instances and the judgment ranks thousands of them.
 */
function sortStratum(s: Stratum, N: number): { values: Float64Array; canary: Uint8Array } {
  if (N > sortValues.length) {
    sortValues = new Float64Array(N * 2);
    sortLabels = new Uint8Array(N * 2);
  }
  const values = sortValues;
  const canary = sortLabels;
  if (N <= 64) {
    const m = s.b.length;
    for (let k = 0; k < N; k++) {
      const v = k < m ? s.b[k]! : s.c[k - m]!;
      const label = k < m ? 0 : 1;
      let j = k - 1;
      while (j >= 0 && values[j]! > v) {
        values[j + 1] = values[j]!;
        canary[j + 1] = canary[j]!;
        j--;
      }
      values[j + 1] = v;
      canary[j + 1] = label;
    }
  } else {
    const idx = Array.from({ length: N }, (_, i) => i);
    const all = [...s.b, ...s.c];
    idx.sort((a, b) => all[a]! - all[b]!);
    idx.forEach((i, r) => {
      values[r] = all[i]!;
      canary[r] = i >= s.b.length ? 1 : 0;
    });
  }
  return { values, canary };
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
  // Scores go to one flat array first: the score function is called once per value, and the loops below
  // stay monomorphic however many kinds of score the callers use.
  let total = 0;
  for (const st of strata) total += st.b.length + st.c.length;
  const scores = new Float64Array(total);
  let k = 0;
  for (let si = 0; si < strata.length; si++) {
    const st = strata[si]!;
    for (const x of st.b) scores[k++] = score(x, si);
    for (const x of st.c) scores[k++] = score(x, si);
  }
  let num = 0;
  let varSum = 0;
  let used = 0;
  let start = 0;
  for (const st of strata) {
    const m = st.b.length;
    const n = st.c.length;
    const N = m + n;
    const from = start;
    start += N;
    if (m === 0 || n === 0) continue;
    let sum = 0;
    let sumC = 0;
    for (let i = from; i < from + N; i++) sum += scores[i]!;
    for (let i = from + m; i < from + N; i++) sumC += scores[i]!;
    const mean = sum / N;
    // Two passes: the one-pass sum of squares loses digits to cancellation on large scores.
    let ss = 0;
    let sq = 0;
    for (let i = from; i < from + N; i++) {
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
