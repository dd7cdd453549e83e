/**
 * Infinities are values. `histogram_quantile` returns `+Inf` when latency lands in the top bucket: the worst
 * latency there is, not a gap. The other judges read finite values only, so this judge counts the points
 * that were infinite in the metric's worse direction on each side and asks whether the canary reports them
 * more often than the baseline (Fisher's exact test, one-sided). Without a baseline (threshold strategy) any
 * such point in the canary fails: nothing is worse.
 */
import type { MetricData, MetricSeries } from '../model/metric.ts';
import type { JudgeResult } from '../model/verdict.ts';
import { logGamma } from '../stats/distributions.ts';
import type { JudgeContext } from './judge.ts';

/** The worse-direction infinities and the non-NaN points of one side. */
function countInfinities(side: MetricSeries[], worse: (v: number) => boolean): { k: number; n: number } {
  let k = 0;
  let n = 0;
  for (const s of side)
    for (const p of s.points) {
      if (Number.isNaN(p.v)) continue;
      n++;
      if (worse(p.v)) k++;
    }
  return { k, n };
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** One-sided Fisher exact p-value: P(X >= kc), X hypergeometric (population nc + nb, kc + kb marked, nc drawn). */
export function fisherGreater(kc: number, nc: number, kb: number, nb: number): number {
  const total = nc + nb;
  const marked = kc + kb;
  const hi = Math.min(nc, marked);
  const denom = logChoose(total, nc);
  let p = 0;
  for (let x = kc; x <= hi; x++)
    p += Math.exp(logChoose(marked, x) + logChoose(total - marked, nc - x) - denom);
  return Math.min(1, p);
}

/** Undefined when the canary has no worse-direction infinity (then this judge has nothing to say). */
export function infinityJudge(
  data: MetricData,
  ctx: JudgeContext,
  options: { withBaseline: boolean },
): JudgeResult | undefined {
  const dir = data.definition.direction;
  const worse = (v: number) =>
    (v === Number.POSITIVE_INFINITY && dir !== 'lower-is-worse') ||
    (v === Number.NEGATIVE_INFINITY && dir !== 'higher-is-worse');
  const c = countInfinities(data.canary, worse);
  if (c.k === 0) return undefined;
  const sign = dir === 'lower-is-worse' ? '-Inf' : '+Inf';
  const { alpha, warnFactor } = ctx.settings;
  if (!options.withBaseline) {
    return {
      judge: 'infinity',
      outcome: 'fail',
      risk: 1,
      classification: dir === 'lower-is-worse' ? 'low' : 'high',
      explanation: `the canary reported ${sign} (worse than any finite value) in ${c.k} of ${c.n} points`,
      evidence: { canaryInfinite: c.k, canaryPoints: c.n },
    };
  }
  const b = countInfinities(data.baseline, worse);
  const p = fisherGreater(c.k, c.n, b.k, b.n);
  const share = (x: { k: number; n: number }) =>
    `${x.k} of ${x.n} points (${Math.round((100 * x.k) / Math.max(1, x.n))}%)`;
  const outcome =
    p < alpha ? 'fail' : p < alpha * warnFactor || c.k / c.n > b.k / Math.max(1, b.n) ? 'warn' : 'pass';
  return {
    judge: 'infinity',
    outcome,
    risk: outcome === 'pass' ? 0 : 1 - p,
    classification: outcome === 'pass' ? 'pass' : dir === 'lower-is-worse' ? 'low' : 'high',
    explanation: `the canary reported ${sign} (worse than any finite value) in ${share(c)}, the baseline in ${share(b)} (Fisher's exact test, p = ${p.toPrecision(2)})`,
    evidence: {
      canaryInfinite: c.k,
      canaryPoints: c.n,
      baselineInfinite: b.k,
      baselinePoints: b.n,
      p,
      alpha,
    },
    test: { p, alpha },
  };
}
