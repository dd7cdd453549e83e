/**
 * Kayenta's MannWhitneyClassifier (spinnaker/kayenta, kayenta-judge), re-implemented from its documented
 * behaviour: per metric, the transforms (NaN strategy, optional IQR outlier removal), then a Mann-Whitney
 * confidence interval (98%) for the shift canary - baseline and its Hodges-Lehmann estimate. The canary is
 * `High` when the whole interval lies above a tolerance band of 0.25 x |estimate| around 0 and the effect size
 * reaches `allowedIncrease`; `Low` symmetrically. Critical metrics fail the whole canary when the effect also
 * reaches the critical threshold.
 */
import { mean, sortAscending } from '../../stats/describe.ts';
import { hodgesLehmann } from '../../stats/hodgesLehmann.ts';
import { rankAverage } from '../../stats/ranks.ts';
import type { KayentaEffectSize, KayentaMetricSettings } from '../../model/metric.ts';
import { jitterConstant, kayentaTransform } from './transforms.ts';

/** Kayenta's metric classification labels. */
export type KayentaClassification = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFailMetric' | 'Error';

/** Effect-size thresholds, Kayenta `analysisConfigurations.canary.effectSize` (see model/metric.ts). */
export type KayentaEffectSizeConfig = KayentaEffectSize;

/**
 * One metric's Kayenta settings: the fields of a Kayenta canary config's `metrics[].analysisConfigurations.canary`
 * plus `metrics[].name` and `metrics[].groups`. Every field is optional and defaults as in Kayenta.
 */
export interface KayentaMetricConfig extends KayentaMetricSettings {
  /** Kayenta `metrics[].name`, used in reasons. */
  name?: string;
  /** Kayenta `metrics[].groups`: the groups whose score this metric counts in. A metric in no group counts in none. */
  groups?: string[];
  /** Kayenta `canary.direction`: which change is bad, `increase`, `decrease` or `either` (default). */
  direction?: 'increase' | 'decrease' | 'either';
  /** Kayenta `canary.critical`: a failing critical metric makes the canary score 0. */
  critical?: boolean;
  /** Kayenta `canary.muted`: classified and shown, left out of the score. */
  muted?: boolean;
  /** Confidence level of the interval. NetflixACAJudge fixes it at 0.98; change it only to explore. */
  confidenceLevel?: number;
  /** Tolerance band as a fraction of |estimate|. NetflixACAJudge fixes it at 0.25. */
  tolerance?: number;
}

/** The classification of one metric, with the numbers it rests on. */
export interface KayentaMetricResult {
  name: string;
  classification: KayentaClassification;
  /** Why it is not a plain pass (Kayenta's classificationReason); null on a plain pass. */
  reason: string | null;
  /** True when this result fails the canary outright (critical High/Low beyond the critical effect, critical Nodata). */
  critical: boolean;
  muted: boolean;
  groups: string[];
  /** Mean ratio canary / baseline (Kayenta's `ratio`); null when a mean is 0. 1 on the early passes, as Kayenta. */
  ratio: number | null;
  /** The configured effect-size measure's value; null when not computed. */
  effectSize: number | null;
  /** Hodges-Lehmann shift canary - baseline (Kayenta's estimate, continuity-corrected root). */
  estimate: number | null;
  /** Confidence interval of the shift. */
  lower: number | null;
  upper: number | null;
  /** The tolerance band [-t |estimate|, +t |estimate|]. */
  bounds: [number, number] | null;
  /** Points used after NaN and outlier handling. */
  canaryCount: number;
  baselineCount: number;
  canaryMean: number | null;
  baselineMean: number | null;
}

function meanRatio(baseline: number[], canary: number[]): number {
  const b = mean(baseline);
  const c = mean(canary);
  return b === 0 || c === 0 ? Number.NaN : c / b;
}

/** P(canary > baseline) with ties counting one half (Vargha-Delaney A). */
function cles(baseline: number[], canary: number[]): number {
  const m = canary.length;
  const n = baseline.length;
  const { ranks } = rankAverage(canary.concat(baseline));
  let r1 = 0;
  for (let i = 0; i < m; i++) r1 += ranks[i] as number;
  return (2 * r1 - m * (m + 1)) / (2 * n * m);
}

function sameMultiset(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  const sa = sortAscending(a);
  const sb = sortAscending(b);
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return false;
  return true;
}

function distinctCount(values: number[]): number {
  return new Set(values).size;
}

const nullOr = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Classifies one metric as Kayenta's NetflixACAJudge does. `baseline` and `canary` are the raw values
 * (NaN allowed: the NaN strategy decides).
 */
export function kayentaClassifyMetric(
  baseline: number[],
  canary: number[],
  config: KayentaMetricConfig = {},
): KayentaMetricResult {
  const name = config.name ?? 'metric';
  const direction = config.direction ?? 'either';
  const nanStrategy = config.nanStrategy ?? 'remove';
  const critical = config.critical ?? false;
  const mustHaveData = config.mustHaveData ?? false;
  const measure = config.effectSize?.measure ?? 'meanRatio';
  const defaultEffect = measure === 'cles' ? 0.5 : 1.0;
  const allowedIncrease = config.effectSize?.allowedIncrease ?? defaultEffect;
  const allowedDecrease = config.effectSize?.allowedDecrease ?? defaultEffect;
  const criticalIncrease = config.effectSize?.criticalIncrease ?? defaultEffect;
  const criticalDecrease = config.effectSize?.criticalDecrease ?? defaultEffect;
  const confidenceLevel = config.confidenceLevel ?? 0.98;
  const tolerance = config.tolerance ?? 0.25;

  const control = kayentaTransform(baseline, nanStrategy, config.outliers);
  const experiment = kayentaTransform(canary, nanStrategy, config.outliers);

  const result: KayentaMetricResult = {
    name,
    classification: 'Pass',
    reason: null,
    critical: false,
    muted: config.muted ?? false,
    groups: config.groups ?? [],
    ratio: 1,
    effectSize: null,
    estimate: null,
    lower: null,
    upper: null,
    bounds: null,
    canaryCount: experiment.length,
    baselineCount: control.length,
    canaryMean: experiment.length ? mean(experiment) : null,
    baselineMean: control.length ? mean(control) : null,
  };

  if (experiment.length === 0 || control.length === 0) {
    if (nanStrategy === 'replace') return result;
    const reason = `Missing data for ${name}`;
    if (mustHaveData && !critical) return { ...result, classification: 'NodataFailMetric', reason };
    return { ...result, classification: 'Nodata', reason, critical };
  }
  if (sameMultiset(experiment, control)) {
    return { ...result, reason: 'The Canary and Baseline data are identical' };
  }
  if (distinctCount(experiment.concat(control)) === 1) return result;

  try {
    // Both sides constant: Kayenta jitters each by Gaussian noise of 1e-5 x its value so ranks can break ties.
    const jitter = distinctCount(experiment) === 1 && distinctCount(control) === 1;
    const exp = jitter ? jitterConstant(experiment, 0x5eed01) : experiment;
    const ctl = jitter ? jitterConstant(control, 0x5eed02) : control;
    const hl = hodgesLehmann(exp, ctl, { confidence: confidenceLevel, correct: true, correctEstimate: true });
    const deviation = meanRatio(ctl, exp);
    const effect = measure === 'cles' ? cles(ctl, exp) : deviation;
    const criticalValue = tolerance * Math.abs(hl.estimate);
    const bounds: [number, number] = [-criticalValue, criticalValue];
    const effectUnknown = Number.isNaN(effect);
    const isHigh =
      (direction === 'increase' || direction === 'either') &&
      hl.lower > bounds[1] &&
      (effectUnknown || effect >= allowedIncrease);
    const isLow =
      (direction === 'decrease' || direction === 'either') &&
      hl.upper < bounds[0] &&
      (effectUnknown || effect <= allowedDecrease);
    const base: KayentaMetricResult = {
      ...result,
      ratio: nullOr(deviation),
      effectSize: nullOr(effect),
      estimate: hl.estimate,
      lower: hl.lower,
      upper: hl.upper,
      bounds,
      canaryMean: mean(exp),
      baselineMean: mean(ctl),
    };
    if (isHigh) {
      const isCritical = critical && (effectUnknown || effect >= criticalIncrease);
      const reason = isCritical
        ? `The metric ${name} was classified as High (Critical)`
        : `${name} was classified as High`;
      return { ...base, classification: 'High', reason, critical: isCritical };
    }
    if (isLow) {
      const isCritical = critical && (effectUnknown || effect <= criticalDecrease);
      const reason = isCritical
        ? `The metric ${name} was classified as Low (Critical)`
        : `${name} was classified as Low`;
      return { ...base, classification: 'Low', reason, critical: isCritical };
    }
    return base;
  } catch (e) {
    return {
      ...result,
      classification: 'Error',
      reason: `Metric Classification Failed: ${(e as Error).message}`,
    };
  }
}
