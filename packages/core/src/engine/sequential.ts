/**
 * Anytime-valid early decisions. The engine looks at the data after every poll; a fixed-sample test
 * applied at every look would inflate false alarms far above its nominal level. These tests are e-processes
 * (nonnegative supermartingales under the null), so by Ville's inequality the probability that they EVER
 * cross 1/alpha, at any poll, is at most alpha, however often we look.
 *
 * - Mean of paired differences: a mixture sequential t-test (see `msprt`), the unknown-variance form of the
 *   mSPRT of Robbins (1970) used for always-valid A/B testing by Johari, Koomen, Pekelis & Walsh,
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
  /**
   * Anytime-valid confidence sequence for the mean at level 1 - alpha (infinite while too few observations
   * could ever reject); computed when the test rejects or when asked for.
   */
  lower?: number;
  upper?: number;
  reject: boolean;
}

/**
 * Sequential t-test for H0: mean = 0 with the variance unknown: the Bayes factor of a normal prior
 * N(0, tau^2) on the standardised effect mean/sd, with the scale-invariant prior on the variance (Rouder,
 * Speckman, Sun, Morey & Iverson 2009, eq. 1 with a normal prior). It depends on the data only through the
 * t-statistic, and for each n it is a test martingale for the filtration of the maximal invariants, so it is
 * anytime-valid without knowing sigma (Pérez-Ortiz, Lardy, de Heide & Grünwald, "E-statistics, group
 * invariance and anytime-valid testing", Annals of Statistics 2024). `taus` default to 0.25, 0.5, 1 and 2:
 * an equal-weight average of e-processes is one too, and it finds small and large effects alike. The interval
 * is the set of means that the same test would not reject (computed by bisection).
 */
export function msprt(
  values: number[],
  options: { alpha: number; taus?: number[]; interval?: boolean },
): MsprtResult {
  const xs = values.filter(Number.isFinite);
  const n = xs.length;
  const mean = n > 0 ? xs.reduce((a, b) => a + b, 0) / n : 0;
  if (n < 3) return { n, mean, logE: 0, reject: false };
  const ss = xs.reduce((a, b) => a + (b - mean) ** 2, 0);
  const taus = options.taus ?? [0.25, 0.5, 1, 2];
  const threshold = Math.log(1 / options.alpha);
  const logEAt = (mu: number) => tMixtureLogE(n, mean - mu, ss, taus);
  const logE = logEAt(0);
  const sd = Math.sqrt(ss / (n - 1));
  const edge = (dir: 1 | -1): number => {
    let inside = mean;
    let outside = mean + dir * Math.max(sd, Math.abs(mean), 1e-12);
    for (let i = 0; i < 60 && logEAt(outside) < threshold; i++) outside = mean + (outside - mean) * 2;
    if (logEAt(outside) < threshold) return dir * Number.POSITIVE_INFINITY;
    for (let i = 0; i < 50; i++) {
      const mid = (inside + outside) / 2;
      if (logEAt(mid) < threshold) inside = mid;
      else outside = mid;
    }
    return inside;
  };
  const reject = logE >= threshold;
  if (!(options.interval ?? reject)) return { n, mean, logE, reject };
  return { n, mean, logE, lower: edge(-1), upper: edge(1), reject };
}

/** log of the average over taus of the t-statistic Bayes factor; `diff` is mean minus the tested mean. */
function tMixtureLogE(n: number, diff: number, ssAroundMean: number, taus: number[]): number {
  const nu = n - 1;
  if (ssAroundMean <= 0) return diff === 0 ? 0 : Number.POSITIVE_INFINITY;
  const t2 = (diff * diff * n * nu) / ssAroundMean;
  const logs = taus.map((tau) => {
    const g = 1 + n * tau * tau;
    return -0.5 * Math.log(g) + ((nu + 1) / 2) * (Math.log1p(t2 / nu) - Math.log1p(t2 / (nu * g)));
  });
  const top = Math.max(...logs);
  return top + Math.log(logs.reduce((a, l) => a + Math.exp(l - top), 0) / logs.length);
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

export interface BettingResult {
  n: number;
  /** Mean of the bounded observations. */
  mean: number;
  logE: number;
  reject: boolean;
}

/**
 * One-sided test by betting that bounded observations in [-1/2, 1/2] have a conditional mean above 0
 * (Waudby-Smith & Ramdas, "Estimating means of bounded random variables by betting", JRSS-B 86(1), 2024):
 * the wealth of betting a fixed fraction lambda of it on every observation is a test martingale when the
 * mean is at most 0, for any distribution; an equal-weight mixture over several lambdas is one too. Exact,
 * with no assumption on the shape of the noise.
 */
export function bettingTest(values: number[], options: { alpha: number; lambdas?: number[] }): BettingResult {
  const lambdas = options.lambdas ?? [0.25, 0.5, 1, 1.5];
  const logs = lambdas.map(() => 0);
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const d = Math.max(-0.5, Math.min(0.5, v));
    sum += d;
    n++;
    lambdas.forEach((l, i) => {
      logs[i]! += Math.log1p(l * d);
    });
  }
  const top = Math.max(...logs);
  const logE = top + Math.log(logs.reduce((a, l) => a + Math.exp(l - top), 0) / logs.length);
  return { n, mean: n > 0 ? sum / n : 0, logE, reject: logE >= Math.log(1 / options.alpha) };
}
