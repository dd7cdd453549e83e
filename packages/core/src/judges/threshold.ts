import type { FailFastRule, IgnoreRule, MetricData } from '../model/metric.ts';
import { finiteValues } from './align.ts';
import { pct } from './decide.ts';
import type { Judge } from './judge.ts';
import { notApplicable } from './notApplicable.ts';
import { formatQuantity } from '../units/unit.ts';

/** A fail-fast rule that fired, with where and why. */
export interface FailFastHit {
  rule: FailFastRule;
  /** Index of the rule in `thresholds.failFast`. */
  index: number;
  instance: string;
  /** Timestamp (epoch ms) of the breach that made the rule fire. */
  t: number;
  value: number;
  /** Breaches of this instance counted by the rule when it fired (total or consecutive). */
  breaches: number;
  /** Which limit the firing point crossed. */
  side: 'above' | 'below';
  explanation: string;
}

/**
 * Evaluates the metric's fail-fast rules on whatever canary data has arrived so far; the engine calls it on
 * partial data to stop a verification early. `after` counts breaches per canary instance in total,
 * `consecutive` counts them in a row per instance (a gap, NaN, breaks the run). `relative` compares each
 * canary point with the baseline mean of the same timestamp (the overall baseline mean when that timestamp
 * has no baseline value). Returns the first rule to fire in time order, or null.
 */
export function evaluateFailFast(data: MetricData): FailFastHit | null {
  const rules = data.definition.thresholds?.failFast ?? [];
  if (rules.length === 0) return null;
  const byTime = baselineMeanByTime(data);
  const all = finiteValues(data.baseline);
  const overall = all.length > 0 ? all.reduce((a, b) => a + b, 0) / all.length : Number.NaN;
  let best: FailFastHit | null = null;
  rules.forEach((rule, index) => {
    validateRule(rule, index);
    const need = rule.when === 'immediately' ? 1 : Math.max(1, rule.count ?? 1);
    for (const s of data.canary) {
      let total = 0;
      let run = 0;
      for (const p of s.points) {
        // An infinity is a value beyond every limit (+Inf latency breaches any `above`); NaN is a gap.
        if (Number.isNaN(p.v)) {
          run = 0;
          continue;
        }
        const ref = byTime.get(p.t) ?? overall;
        const breach = breaches(rule, p.v, ref);
        if (breach === null) {
          run = 0;
          continue;
        }
        total++;
        run++;
        const count = rule.when === 'consecutive' ? run : total;
        if (count >= need) {
          if (!best || p.t < best.t) {
            best = {
              rule,
              index,
              instance: s.instance,
              t: p.t,
              value: p.v,
              breaches: count,
              side: breach,
              explanation: describeHit(rule, s.instance, p.v, ref, count, data.definition.unit),
            };
          }
          break;
        }
      }
    }
  });
  return best;
}

function validateRule(rule: FailFastRule, index: number): void {
  if (rule.above === undefined && rule.below === undefined) {
    throw new Error(`thresholds.failFast[${index}]: give "above" or "below" (or both)`);
  }
  if (rule.when !== 'immediately' && !(Number.isInteger(rule.count) && (rule.count ?? 0) >= 1)) {
    throw new Error(`thresholds.failFast[${index}].count: "${rule.when}" needs a whole count >= 1`);
  }
}

/** Which limit of the rule the value crosses, or null. */
function breaches(rule: FailFastRule, v: number, ref: number): 'above' | 'below' | null {
  let hi = rule.above;
  let lo = rule.below;
  if (rule.type === 'relative') {
    if (!Number.isFinite(ref)) return null;
    const span = Math.abs(ref);
    hi = hi === undefined ? undefined : ref + hi * span;
    lo = lo === undefined ? undefined : ref - lo * span;
  }
  if (hi !== undefined && v > hi) return 'above';
  if (lo !== undefined && v < lo) return 'below';
  return null;
}

function describeHit(
  rule: FailFastRule,
  instance: string,
  v: number,
  ref: number,
  count: number,
  unit?: string,
): string {
  const q = (x: number) => formatQuantity(x, unit);
  const limit =
    rule.type === 'absolute'
      ? [
          rule.above !== undefined ? `above ${q(rule.above)}` : '',
          rule.below !== undefined ? `below ${q(rule.below)}` : '',
        ]
          .filter(Boolean)
          .join(' or ')
      : [
          rule.above !== undefined ? `more than ${pct(rule.above)} above` : '',
          rule.below !== undefined ? `more than ${pct(-rule.below)} below` : '',
        ]
          .filter(Boolean)
          .join(' or ') + ` the baseline (${q(ref)})`;
  const when =
    rule.when === 'immediately' ? '' : rule.when === 'after' ? ` ${count} times` : ` ${count} times in a row`;
  return `fail-fast: canary ${instance} was ${limit}${when} (last value ${q(v)})`;
}

function baselineMeanByTime(data: MetricData): Map<number, number> {
  const sums = new Map<number, { s: number; n: number }>();
  for (const s of data.baseline)
    for (const p of s.points) {
      if (!Number.isFinite(p.v)) continue;
      const e = sums.get(p.t);
      if (e) {
        e.s += p.v;
        e.n++;
      } else sums.set(p.t, { s: p.v, n: 1 });
    }
  const out = new Map<number, number>();
  for (const [t, e] of sums) out.set(t, e.s / e.n);
  return out;
}

/**
 * Which ignore rule takes the metric out of judgment, if any: `absolute` when every canary value lies in
 * [lower, upper]; `relative` when the canary mean deviates from the baseline mean by at most `maxDeviation`.
 */
export function matchIgnoreRule(data: MetricData): { rule: IgnoreRule; explanation: string } | null {
  const rules = data.definition.thresholds?.ignore ?? [];
  const c = finiteValues(data.canary);
  if (c.length === 0) return null;
  const q = (x: number) => formatQuantity(x, data.definition.unit);
  for (const [i, rule] of rules.entries()) {
    if (rule.type === 'absolute') {
      if (rule.lower === undefined && rule.upper === undefined) {
        throw new Error(`thresholds.ignore[${i}]: an absolute ignore rule needs "lower" or "upper"`);
      }
      const lo = rule.lower ?? Number.NEGATIVE_INFINITY;
      const hi = rule.upper ?? Number.POSITIVE_INFINITY;
      if (c.every((v) => v >= lo && v <= hi)) {
        return { rule, explanation: `ignored: every canary value lies within [${q(lo)}, ${q(hi)}]` };
      }
    } else {
      if (!(rule.maxDeviation >= 0)) {
        throw new Error(`thresholds.ignore[${i}].maxDeviation: give a fraction >= 0, e.g. 0.1 for 10%`);
      }
      const b = finiteValues(data.baseline);
      if (b.length === 0) continue;
      const mb = b.reduce((a, x) => a + x, 0) / b.length;
      const mc = c.reduce((a, x) => a + x, 0) / c.length;
      const dev = mb !== 0 ? Math.abs(mc - mb) / Math.abs(mb) : mc === mb ? 0 : Number.POSITIVE_INFINITY;
      if (dev <= rule.maxDeviation) {
        return {
          rule,
          explanation: `ignored: canary mean ${q(mc)} is within ${pct(rule.maxDeviation).slice(1)} of the baseline mean ${q(mb)} (${pct(dev).slice(1)})`,
        };
      }
    }
  }
  return null;
}

/**
 * Threshold judge: fail-fast rules fail the metric outright; an ignore rule that matches passes it and
 * takes it out of the statistical judgment (evidence `ignored: true`).
 */
export const thresholdJudge: Judge = (data) => {
  const t = data.definition.thresholds;
  if (!t || ((t.failFast?.length ?? 0) === 0 && (t.ignore?.length ?? 0) === 0)) {
    return notApplicable('threshold', 'no threshold rules');
  }
  const hit = evaluateFailFast(data);
  if (hit) {
    return {
      judge: 'threshold',
      outcome: 'fail',
      risk: 1,
      classification: hit.side === 'above' ? 'high' : 'low',
      explanation: hit.explanation,
      evidence: {
        failFast: true,
        rule: hit.index,
        instance: hit.instance,
        t: hit.t,
        value: hit.value,
        breaches: hit.breaches,
      },
    };
  }
  const ignore = matchIgnoreRule(data);
  if (ignore) {
    return {
      judge: 'threshold',
      outcome: 'pass',
      risk: 0,
      classification: 'pass',
      explanation: ignore.explanation,
      evidence: { ignored: true, failFast: false },
    };
  }
  return {
    judge: 'threshold',
    outcome: 'pass',
    risk: 0,
    classification: 'pass',
    explanation: 'no threshold rule fired',
    evidence: { ignored: false, failFast: false },
  };
};
