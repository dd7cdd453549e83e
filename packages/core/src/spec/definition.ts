/**
 * The spec -> model mapping: a validated spec metric as the `MetricDefinition` the judgment reads, with its
 * unit canonical and its rule limits resolved into numbers in that unit.
 */
import type { FailFastRule, IgnoreRule, MetricDefinition } from '../model/metric.ts';
import { type LimitValue, resolveLimit } from '../units/limit.ts';
import { parseUnit } from '../units/unit.ts';
import type { KayentaScoringOptions } from '../judgment/options.ts';
import type { MetricSpec, Spec } from './schema.ts';

/** The judged metric definition of a spec metric. */
export function definitionOf(m: MetricSpec): MetricDefinition {
  return {
    name: m.name,
    kind: m.kind,
    direction: m.direction,
    ...(m.unit ? { unit: parseUnit(m.unit)?.symbol ?? m.unit, unitSource: 'spec' as const } : {}),
    weight: m.weight,
    critical: m.critical,
    muted: m.muted,
    ...(m.sensitivity ? { sensitivity: m.sensitivity } : {}),
    ...(m.ignore || m.failFast
      ? {
          thresholds: {
            ...(m.ignore ? { ignore: m.ignore.map((r) => resolvedIgnore(r, m.unit)) } : {}),
            ...(m.failFast ? { failFast: m.failFast.map((r) => resolvedFailFast(r, m.unit)) } : {}),
          },
        }
      : {}),
    ...(m.trafficMetric ? { trafficMetric: m.trafficMetric } : {}),
    ...(m.group ? { group: m.group } : {}),
    ...(m.kayenta ? { kayenta: m.kayenta } : {}),
  };
}

/** A limit of a validated spec as a number (see `resolveLimit`; `validateSpec` has reported any error). */
function limitOf(v: LimitValue, unit: string | undefined, relative: boolean): number {
  const r = resolveLimit(v, unit, relative);
  if ('error' in r) throw new Error(r.error);
  return r.value;
}

function resolvedIgnore(
  r: MetricSpec['ignore'] extends (infer T)[] | undefined ? T : never,
  unit?: string,
): IgnoreRule {
  if (r.type === 'relative') return { type: 'relative', maxDeviation: limitOf(r.maxDeviation, unit, true) };
  return {
    type: 'absolute',
    ...(r.lower !== undefined ? { lower: limitOf(r.lower, unit, false) } : {}),
    ...(r.upper !== undefined ? { upper: limitOf(r.upper, unit, false) } : {}),
  };
}

function resolvedFailFast(
  r: MetricSpec['failFast'] extends (infer T)[] | undefined ? T : never,
  unit?: string,
): FailFastRule {
  const relative = r.type === 'relative';
  const rule: FailFastRule = { type: r.type, when: r.when };
  if (r.count !== undefined) rule.count = r.count;
  if (r.above !== undefined) rule.above = limitOf(r.above, unit, relative);
  if (r.below !== undefined) rule.below = limitOf(r.below, unit, relative);
  return rule;
}

/** The Kayenta scoring options of a spec's policy (pass and marginal scores, group weights), when it sets any. */
export function kayentaScoringOf(policy: Spec['policy']): { kayenta?: KayentaScoringOptions } {
  const k: KayentaScoringOptions = {
    ...(policy.passScore !== undefined ? { passThreshold: policy.passScore } : {}),
    ...(policy.marginalScore !== undefined ? { marginalThreshold: policy.marginalScore } : {}),
    ...(policy.groupWeights ? { groupWeights: policy.groupWeights } : {}),
  };
  return Object.keys(k).length > 0 ? { kayenta: k } : {};
}
