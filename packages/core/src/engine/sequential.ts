/**
 * Anytime-valid early decisions. The engine looks at the data after every poll; a fixed-sample test
 * applied at every look would inflate false alarms far above its nominal level. These tests are e-processes
 * (nonnegative supermartingales under the null), so by Ville's inequality the probability that they EVER
 * cross 1/alpha, at any poll, is at most alpha, however often we look.
 *
 * - Mean of paired differences: the normal-mixture sequential probability ratio test (mSPRT) of
 *   Robbins (1970), as used for always-valid A/B testing by Johari, Koomen, Pekelis & Walsh,
 *   "Always Valid Inference: Continuous Monitoring of A/B Tests", Operations Research 70(3), 2022.
 *   The per-minute difference between the canary and the baseline removes the signal both share.
 * - Counts (errors): under the null the canary's share of events is p0 (by instances or traffic); a mixture
 *   of likelihood ratios against larger shares is a test martingale in the sequence of events (Ramdas,
 *   Grünwald, Vovk & Shafer, "Game-theoretic statistics and safe anytime-valid inference",
 *   Statistical Science 38(4), 2023).
 */

export interface MsprtResult {
  /** Observations used. */
  n: number;
  mean: number;
  /** log of the mixture likelihood ratio (the e-value). */
  logE: number;
  /** Anytime-valid confidence sequence for the mean at level 1 - alpha. */
  lower: number;
  upper: number;
  reject: boolean;
}

/**
 * Normal-mixture mSPRT for H0: mean = 0. The mixing distribution is an equal-weight mixture of N(0, tau^2)
 * over `taus` (default: tau, 2 tau, 4 tau, 8 tau), so that small and large effects are both found quickly; an
 * average of e-processes is an e-process. sigma^2 is the sample variance of the observations (floored), a
 * plug-in that keeps the error close to nominal once n is moderate, which is why callers wait for a few
 * observations before acting on it. The confidence sequence is that of the smallest tau (the widest).
 */
export function msprt(values: number[], options: { alpha: number; tau: number; taus?: number[]; minVariance?: number }): MsprtResult {
  const xs = values.filter(Number.isFinite);
  const n = xs.length;
  if (n < 2) return { n, mean: xs[0] ?? 0, logE: 0, lower: -Infinity, upper: Infinity, reject: false };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = Math.max(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1), options.minVariance ?? 1e-12);
  const taus = options.taus ?? [1, 2, 4, 8].map((k) => k * options.tau);
  const logs = taus.map((tau) => {
    const v = variance + n * tau * tau;
    return 0.5 * Math.log(variance / v) + (n * n * tau * tau * mean * mean) / (2 * variance * v);
  });
  const top = Math.max(...logs);
  const logE = top + Math.log(logs.reduce((a, l) => a + Math.exp(l - top), 0) / logs.length);
  const tau2 = options.tau ** 2;
  const v = variance + n * tau2;
  // Where the smallest-tau component alone stays below 1/(alpha * k): the mixture is then below 1/alpha.
  const bound = Math.log(taus.length / options.alpha);
  const halfWidth = Math.sqrt(((2 * variance * v) / (n * n * tau2)) * (bound + 0.5 * Math.log(v / variance)));
  return { n, mean, logE, lower: mean - halfWidth, upper: mean + halfWidth, reject: logE >= Math.log(1 / options.alpha) };
}

export interface CountTestResult {
  canary: number;
  total: number;
  /** Share of events expected from the canary under the null. */
  p0: number;
  logE: number;
  reject: boolean;
}

/**
 * One-sided e-process for "the canary produces more than its share of events": given `total` events of which
 * `canary` came from the canary, an equal-weight mixture of likelihood ratios Binomial(p1)/Binomial(p0) over
 * alternatives p1 = r * p0 with r in `ratios`. Each ratio is a test martingale in the sequence of events, so
 * their average is one too, and every alternative lies above p0: only an excess counts as evidence.
 */
export function countExcessTest(
  canary: number,
  total: number,
  p0: number,
  options: { alpha: number; ratios?: number[] },
): CountTestResult {
  const ratios = (options.ratios ?? [1.5, 2, 3, 5])
    .map((r) => Math.min(r * p0, 1 - 1e-9))
    .filter((p1) => p1 > p0);
  const logs = ratios.map(
    (p1) => canary * Math.log(p1 / p0) + (total - canary) * Math.log((1 - p1) / (1 - p0)),
  );
  const top = Math.max(...logs);
  const logE =
    logs.length === 0 ? 0 : top + Math.log(logs.reduce((a, l) => a + Math.exp(l - top), 0) / logs.length);
  return { canary, total, p0, logE, reject: logE >= Math.log(1 / options.alpha) };
}
