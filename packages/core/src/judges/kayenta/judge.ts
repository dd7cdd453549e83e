/**
 * Kayenta mode as one of Vigil's judges: a metric definition's settings in Kayenta's terms, the classifier's
 * result in Vigil's JudgeResult shape, and the judge factory.
 */
import type { Direction, MetricData, MetricDefinition, MetricSeries } from '../../model/metric.ts';
import type { JudgeResult } from '../../model/verdict.ts';
import type { Judge, JudgeContext } from '../judge.ts';
import { type KayentaMetricConfig, type KayentaMetricResult, kayentaClassifyMetric } from './classifier.ts';

/** Vigil's direction in Kayenta's terms. */
export function kayentaDirection(direction: Direction): 'increase' | 'decrease' | 'either' {
  if (direction === 'higher-is-worse') return 'increase';
  if (direction === 'lower-is-worse') return 'decrease';
  return 'either';
}

/**
 * A Kayenta metric config from a Vigil metric definition: its direction, critical, muted, group(s) (default
 * `default`) and Kayenta settings (NaN strategy, outliers, mustHaveData, effect sizes).
 */
export function kayentaConfigFromDefinition(def: MetricDefinition): KayentaMetricConfig {
  const groups = def.group === undefined ? ['default'] : Array.isArray(def.group) ? def.group : [def.group];
  return {
    ...def.kayenta,
    name: def.name,
    groups,
    direction: kayentaDirection(def.direction),
    critical: def.critical ?? false,
    muted: def.muted ?? false,
  };
}

/** Every point's value, in series order, NaN included: Kayenta pools the instances and its NaN strategy decides. */
function rawValues(series: MetricSeries[]): number[] {
  const out: number[] = [];
  for (const s of series) for (const p of s.points) out.push(p.v);
  return out;
}

/** Classifies one metric's data (all baseline points against all canary points) with Kayenta's settings. */
export function kayentaClassifyData(data: MetricData, config: KayentaMetricConfig): KayentaMetricResult {
  return kayentaClassifyMetric(rawValues(data.baseline), rawValues(data.canary), config);
}

const fmt = (x: number | null): string => (x === null ? 'n/a' : String(Number(x.toPrecision(3))));

/** A Kayenta result in Vigil's JudgeResult shape. */
export function kayentaToJudgeResult(r: KayentaMetricResult): JudgeResult {
  const c = r.classification;
  const outcome: JudgeResult['outcome'] =
    c === 'Pass' ? 'pass' : c === 'High' || c === 'Low' || c === 'NodataFailMetric' ? 'fail' : 'no-data';
  const classification: JudgeResult['classification'] =
    c === 'Pass' ? 'pass' : c === 'High' ? 'high' : c === 'Low' ? 'low' : c === 'Error' ? 'error' : 'nodata';
  const risk = outcome === 'fail' ? (r.critical ? 1 : 0.9) : 0;
  let explanation: string;
  if (r.estimate !== null && r.lower !== null && r.upper !== null && r.bounds) {
    const where =
      c === 'High'
        ? `lies entirely above the tolerance band +${fmt(r.bounds[1])}`
        : c === 'Low'
          ? `lies entirely below the tolerance band ${fmt(r.bounds[0])}`
          : `is not clear of the tolerance band [${fmt(r.bounds[0])}, ${fmt(r.bounds[1])}] in a failing direction, or the effect size is within the allowed range`;
    explanation =
      `Kayenta ${c}${r.critical ? ' (critical)' : ''}: the 98% interval of the shift canary - baseline ` +
      `[${fmt(r.lower)}, ${fmt(r.upper)}] (estimate ${fmt(r.estimate)}) ${where}; mean ratio ${fmt(r.ratio)}` +
      `${r.effectSize !== null && r.effectSize !== r.ratio ? `, effect size ${fmt(r.effectSize)}` : ''}.`;
  } else {
    explanation = `Kayenta ${c}${r.critical ? ' (critical)' : ''}: ${r.reason ?? 'no difference to test'} (${r.canaryCount} canary, ${r.baselineCount} baseline points).`;
  }
  return {
    judge: 'kayenta',
    outcome,
    risk,
    classification,
    explanation,
    evidence: {
      kayentaClassification: c,
      reason: r.reason,
      critical: r.critical,
      ratio: r.ratio,
      effectSize: r.effectSize,
      estimate: r.estimate,
      ciLower: r.lower,
      ciUpper: r.upper,
      boundLower: r.bounds ? r.bounds[0] : null,
      boundUpper: r.bounds ? r.bounds[1] : null,
      nCanary: r.canaryCount,
      nBaseline: r.baselineCount,
      canaryMean: r.canaryMean,
      baselineMean: r.baselineMean,
    },
  };
}

/**
 * A Kayenta judge with extra Kayenta settings (effect sizes, NaN strategy, outliers, mustHaveData) on top of
 * what the metric definition says (direction, critical, muted, group). Sensitivity does not apply: Kayenta
 * has none, and the point of this mode is Kayenta's verdicts.
 */
export function createKayentaJudge(overrides: Partial<KayentaMetricConfig> = {}): Judge {
  return (data: MetricData, _ctx: JudgeContext): JudgeResult => {
    const config = { ...kayentaConfigFromDefinition(data.definition), ...overrides };
    return kayentaToJudgeResult(kayentaClassifyData(data, config));
  };
}

/** Kayenta's NetflixACAJudge per metric, pooling all baseline and all canary points. */
export const kayentaJudge: Judge = createKayentaJudge();
