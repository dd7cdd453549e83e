/**
 * The sequential judge of a run's early decisions: turns a metric's data so far into anytime-valid evidence
 * (the tests of sequential.ts), which may stop a run before its end without inflating false alarms.
 */
import { readsAsCounts } from '../judges/rate.ts';
import type { MetricData, MetricSeries } from '../model/metric.ts';
import type { JudgeResult } from '../model/verdict.ts';
import { bettingTest, countExcessTest, msprt } from './sequential.ts';

/**
 * Anytime-valid evidence of a regression in one metric: for error counts (whole numbers of a count or unknown
 * unit, see `readsAsCounts`), the canary's share of events vs its share of instances; otherwise (error ratios
 * too) the per-minute canary-minus-baseline difference relative to the baseline level, which removes the
 * signal both groups share.
 */
export function sequentialEvidence(d: MetricData, minChange: number, alpha: number): JudgeResult | undefined {
  const dir = d.definition.direction;
  if (d.definition.kind === 'error' && readsAsCounts(d)) {
    const sum = (ss: MetricSeries[]) =>
      ss.reduce((a, s) => a + s.points.reduce((b, p) => b + (Number.isFinite(p.v) ? p.v : 0), 0), 0);
    const c = sum(d.canary);
    const b = sum(d.baseline);
    const p0 = d.canary.length / (d.canary.length + d.baseline.length);
    if (dir === 'lower-is-worse') return undefined;
    const t = countExcessTest(Math.round(c), Math.round(b + c), p0, { alpha });
    if (!t.reject) return undefined;
    return {
      judge: 'sequential',
      outcome: 'fail',
      classification: 'high',
      risk: 1 - Math.exp(-t.logE),
      explanation: `the canary produced ${Math.round(c)} of ${Math.round(b + c)} events where its share of instances is ${(p0 * 100).toFixed(0)}% (anytime-valid e-value ${Math.exp(t.logE).toExponential(2)} >= ${(1 / alpha).toFixed(0)})`,
      evidence: { canaryEvents: c, baselineEvents: b, expectedShare: p0, eValue: Math.exp(t.logE), alpha },
    };
  }
  const byMinute = (ss: MetricSeries[]) => {
    const acc = new Map<number, number[]>();
    for (const s of ss)
      for (const p of s.points) if (Number.isFinite(p.v)) acc.set(p.t, [...(acc.get(p.t) ?? []), p.v]);
    return acc;
  };
  const base = byMinute(d.baseline);
  const can = byMinute(d.canary);
  const meanOf = (vs: number[]) => vs.reduce((a, v) => a + v, 0) / vs.length;
  const levels = [...base.values()].map((vs) => Math.abs(meanOf(vs))).sort((a, b) => a - b);
  const level = levels[Math.floor(levels.length / 2)] ?? 0;
  if (level === 0) return undefined;
  const minutes = [...can.keys()].filter((t) => base.has(t)).sort((a, b) => a - b);
  const diffs = minutes.map((t) => (meanOf(can.get(t)!) - meanOf(base.get(t)!)) / level);
  // Within each minute, the share of canary-baseline pairs where the canary is higher, centred: free of any
  // assumption on the noise, and blind to outliers.
  const wins = minutes.map((t) => {
    const cs = can.get(t)!;
    const bs = base.get(t)!;
    let u = 0;
    for (const c of cs) for (const b of bs) u += c > b ? 1 : c === b ? 0.5 : 0;
    return u / (cs.length * bs.length) - 0.5;
  });
  // Two tests share alpha (Bonferroni), as do the two sides of a `both` metric.
  const sides: (1 | -1)[] = dir === 'higher-is-worse' ? [1] : dir === 'lower-is-worse' ? [-1] : [1, -1];
  const a = alpha / (2 * sides.length);
  const t = msprt(diffs, { alpha: a });
  for (const side of sides) {
    const bet = bettingTest(
      wins.map((w) => side * w),
      { alpha: a },
    );
    const harmful = side * t.mean >= minChange;
    if (!harmful || !(bet.reject || (t.reject && side * t.mean > 0))) continue;
    const byT = t.reject && side * t.mean > 0;
    const logE = byT ? t.logE : bet.logE;
    const interval = byT ? msprt(diffs, { alpha: a, interval: true }) : undefined;
    const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
    const how = byT
      ? `sequential t-test, anytime-valid 1-alpha interval ${pct(interval!.lower ?? -Infinity)} to ${pct(interval!.upper ?? Infinity)}`
      : `the canary was higher in ${((bet.mean * side + 0.5) * 100).toFixed(0)}% of within-minute comparisons; test by betting`;
    return {
      judge: 'sequential',
      outcome: 'fail',
      classification: side > 0 ? 'high' : 'low',
      risk: 1 - Math.exp(-logE),
      explanation: `the canary differs from the baseline minute by minute by ${pct(t.mean)} on average over ${t.n} minutes (${how}; e-value ${Math.exp(logE).toExponential(2)} >= ${(1 / a).toFixed(0)})`,
      evidence: {
        meanRelativeDifference: t.mean,
        lower: interval?.lower ?? null,
        upper: interval?.upper ?? null,
        minutes: t.n,
        test: byT ? 'sequential t-test' : 'betting on within-minute ranks',
        eValue: Math.exp(logE),
        alpha: a,
      },
    };
  }
  return undefined;
}
