/**
 * Kayenta-compatible mode: the metric classification and scoring of Kayenta's NetflixACAJudge
 * (spinnaker/kayenta, kayenta-judge), re-implemented from its documented behaviour so that a team moving a
 * Kayenta canary config to Vigil gets the same verdicts.
 *
 * Per metric (MannWhitneyClassifier): NaN handling, optional IQR outlier removal, then a Mann-Whitney
 * confidence interval (98%) for the shift canary - baseline and its Hodges-Lehmann estimate. The canary is
 * `High` when the whole interval lies above a tolerance band of 0.25 x |estimate| around 0 and the effect size
 * reaches `allowedIncrease`; `Low` symmetrically. Critical metrics fail the whole canary when the effect
 * also reaches the critical threshold.
 * Scoring (WeightedSumScorer + ThresholdScoreClassifier): per group, the share of passing metrics; the score
 * is the group-weighted sum; any critical failure, or >= 50% `Nodata`, makes it 0; then Pass / Marginal / Fail
 * by the pass and marginal thresholds. Muted metrics are classified but left out of the score.
 *
 * One deliberate difference: where Kayenta adds random Gaussian noise (both sides each a single repeated
 * value), this adds the same noise from a fixed-seed generator, so verdicts are reproducible.
 */
import type { Direction, MetricData, MetricDefinition, MetricSeries } from '../model/metric.ts';
import type { JudgeResult } from '../model/verdict.ts';
import { mean, quantile, sortAscending } from '../stats/describe.ts';
import { hodgesLehmann } from '../stats/hodgesLehmann.ts';
import { rankAverage } from '../stats/ranks.ts';
import type { Judge, JudgeContext } from './judge.ts';
import { seededRandom } from '../random.ts';

/** Kayenta's metric classification labels. */
export type KayentaClassification = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFailMetric' | 'Error';

/**
 * Effect-size thresholds, Kayenta `analysisConfigurations.canary.effectSize`. With `measure: meanRatio`
 * the effect is mean(canary) / mean(baseline) (defaults 1.0); with `cles` it is P(canary > baseline)
 * (defaults 0.5). When the effect cannot be computed (a mean of 0), the thresholds are ignored, as in Kayenta.
 */
export interface KayentaEffectSizeConfig {
  /** Kayenta `effectSize.measure`: `meanRatio` (default) or `cles`. */
  measure?: 'meanRatio' | 'cles';
  /** Kayenta `effectSize.allowedIncrease`: a `High` needs an effect >= this. */
  allowedIncrease?: number;
  /** Kayenta `effectSize.allowedDecrease`: a `Low` needs an effect <= this. */
  allowedDecrease?: number;
  /** Kayenta `effectSize.criticalIncrease`: a critical metric's `High` fails the canary when effect >= this. */
  criticalIncrease?: number;
  /** Kayenta `effectSize.criticalDecrease`: a critical metric's `Low` fails the canary when effect <= this. */
  criticalDecrease?: number;
}

/**
 * One metric's Kayenta settings: the fields of a Kayenta canary config's `metrics[].analysisConfigurations.canary`
 * plus `metrics[].name` and `metrics[].groups`. Every field is optional and defaults as in Kayenta.
 */
export interface KayentaMetricConfig {
  /** Kayenta `metrics[].name`, used in reasons. */
  name?: string;
  /** Kayenta `metrics[].groups`: the groups whose score this metric counts in. A metric in no group counts in none. */
  groups?: string[];
  /** Kayenta `canary.direction`: which change is bad, `increase`, `decrease` or `either` (default). */
  direction?: 'increase' | 'decrease' | 'either';
  /** Kayenta `canary.nanStrategy`: `remove` (default) drops NaN points; `replace` turns them into 0. */
  nanStrategy?: 'remove' | 'replace';
  /**
   * Kayenta `canary.outliers`: `strategy: remove` drops points outside
   * [min(p1, Q1 - factor IQR), max(p99, Q3 + factor IQR)] on each side; `keep` (default) keeps them.
   * `outlierFactor` defaults to 3.
   */
  outliers?: { strategy?: 'remove' | 'keep'; outlierFactor?: number };
  /** Kayenta `canary.critical`: a failing critical metric makes the canary score 0. */
  critical?: boolean;
  /** Kayenta `canary.mustHaveData`: missing data is a failing `NodataFailMetric` instead of a neutral `Nodata`. */
  mustHaveData?: boolean;
  /** Kayenta `canary.muted`: classified and shown, left out of the score. */
  muted?: boolean;
  /** Kayenta `canary.effectSize`. */
  effectSize?: KayentaEffectSizeConfig;
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

/** Scoring settings: Kayenta's `classifier.groupWeights` and `scoreThresholds`. */
export interface KayentaScoreConfig {
  /**
   * Kayenta `classifier.groupWeights`: weight (in percent) per group name. Groups without a weight share what
   * is left of 100 equally.
   */
  groupWeights?: Record<string, number>;
  /** Kayenta `scoreThresholds.pass`: a score >= this passes. Default 75. */
  passThreshold?: number;
  /** Kayenta `scoreThresholds.marginal`: a score >= this (and below pass) is Marginal, below it Fail. Default 50. */
  marginalThreshold?: number;
}

/** Score of one group. */
export interface KayentaGroupScore {
  name: string;
  /** Percentage of Pass among Pass, High, Low and NodataFailMetric; 0 when the group had none of these. */
  score: number;
  /** True when no metric of the group had a Pass/High/Low/NodataFailMetric result (counts as 100 in the total). */
  noData: boolean;
  counts: Partial<Record<KayentaClassification, number>>;
}

/** The canary's score and classification. */
export interface KayentaScoreResult {
  /** 0..100, rounded to two decimals half-up as Kayenta does. */
  score: number;
  classification: 'Pass' | 'Marginal' | 'Fail';
  /** Why the score was forced to 0, when it was. */
  reason: string | null;
  groups: KayentaGroupScore[];
  /** Metrics scored (muted ones left out). */
  scoredMetrics: number;
}

const NODATA_THRESHOLD_PERCENT = 50;

/** Deterministic Gaussian noise (mulberry32 + Box-Muller), standing in for Kayenta's random noise. */
function gaussianNoise(n: number, stdev: number, seed: number): number[] {
  const next = seededRandom(seed);
  const out: number[] = [];
  while (out.length < n) {
    const u1 = next() || 1e-12;
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1));
    out.push(r * Math.cos(2 * Math.PI * u2) * stdev);
    if (out.length < n) out.push(r * Math.sin(2 * Math.PI * u2) * stdev);
  }
  return out;
}

/** Kayenta's IQRDetector with reduced sensitivity: keeps points inside the wider of the IQR and p1/p99 fences. */
function removeOutliers(values: number[], factor: number): number[] {
  if (values.length === 0) return values;
  const s = sortAscending(values);
  const p25 = quantile(s, 0.25);
  const p75 = quantile(s, 0.75);
  const iqr = p75 - p25;
  const lower = Math.min(quantile(s, 0.01), p25 - factor * iqr);
  const upper = Math.max(quantile(s, 0.99), p75 + factor * iqr);
  return values.filter((v) => !(v > upper || v < lower));
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

  const transform = (values: number[]): number[] => {
    const clean =
      nanStrategy === 'remove'
        ? values.filter((v) => !Number.isNaN(v))
        : values.map((v) => (Number.isNaN(v) ? 0 : v));
    return config.outliers?.strategy === 'remove'
      ? removeOutliers(clean, config.outliers.outlierFactor ?? 3)
      : clean;
  };
  const control = transform(baseline);
  const experiment = transform(canary);

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
    const exp = jitter
      ? gaussianNoise(experiment.length, (experiment[0] as number) * 1e-5, 0x5eed01).map(
          (e, i) => (experiment[i] as number) + e,
        )
      : experiment;
    const ctl = jitter
      ? gaussianNoise(control.length, (control[0] as number) * 1e-5, 0x5eed02).map(
          (e, i) => (control[i] as number) + e,
        )
      : control;
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

/** Apache commons Precision.round(x, 2): decimal half-up on the shortest decimal form of x. */
function roundHalfUp2(x: number): number {
  if (!Number.isFinite(x)) return x;
  const sign = x < 0 ? -1 : 1;
  const s = String(Math.abs(x));
  if (s.includes('e')) return Math.abs(x) < 1 ? 0 : x;
  const [int, frac = ''] = s.split('.') as [string, string?];
  const padded = (frac + '000').slice(0, 3);
  let cents = Number(int) * 100 + Number(padded.slice(0, 2));
  if (Number(padded[2]) >= 5) cents += 1;
  return (sign * cents) / 100;
}

/** Scores the metric results of one canary as Kayenta's WeightedSumScorer and ThresholdScoreClassifier do. */
export function kayentaScore(
  results: KayentaMetricResult[],
  config: KayentaScoreConfig = {},
): KayentaScoreResult {
  const passThreshold = config.passThreshold ?? 75;
  const marginalThreshold = config.marginalThreshold ?? 50;
  const weights = config.groupWeights ?? {};
  const scored = results.filter((r) => !r.muted);

  const byGroup = new Map<string, KayentaClassification[]>();
  for (const r of scored) {
    for (const g of r.groups) {
      const list = byGroup.get(g) ?? [];
      list.push(r.classification);
      byGroup.set(g, list);
    }
  }
  const groups: KayentaGroupScore[] = [...byGroup.entries()].map(([name, labels]) => {
    const counts: Partial<Record<KayentaClassification, number>> = {};
    for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
    const pass = counts.Pass ?? 0;
    const total = pass + (counts.High ?? 0) + (counts.Low ?? 0) + (counts.NodataFailMetric ?? 0);
    return { name, score: total === 0 ? 0 : (pass / total) * 100, noData: total === 0, counts };
  });

  const classify = (score: number, reason: string | null): KayentaScoreResult => ({
    score,
    classification: score >= passThreshold ? 'Pass' : score >= marginalThreshold ? 'Marginal' : 'Fail',
    reason,
    groups,
    scoredMetrics: scored.length,
  });

  const criticalFailure = scored.find((r) => r.critical && r.classification !== 'Pass');
  if (criticalFailure) return classify(0, `Canary Failed: ${criticalFailure.reason ?? criticalFailure.name}`);
  const nodata = scored.filter((r) => r.classification === 'Nodata').length;
  if (scored.length > 0 && (nodata / scored.length) * 100 >= NODATA_THRESHOLD_PERCENT) {
    return classify(0, `Canary Failed: ${NODATA_THRESHOLD_PERCENT}% or more metrics returned NODATA`);
  }
  const weightSum = Object.values(weights).reduce((a, b) => a + b, 0);
  const unweighted = groups.filter((g) => !(g.name in weights)).length;
  const sharedWeight = unweighted > 0 ? (100 - weightSum) / unweighted : 0;
  let summary = 0;
  for (const g of groups) {
    const effective = g.noData ? 100 : g.score;
    const w = weights[g.name] ?? sharedWeight;
    summary += effective * (w / 100);
  }
  return classify(roundHalfUp2(summary), null);
}

/** Vigil's direction in Kayenta's terms. */
export function kayentaDirection(direction: Direction): 'increase' | 'decrease' | 'either' {
  if (direction === 'higher-is-worse') return 'increase';
  if (direction === 'lower-is-worse') return 'decrease';
  return 'either';
}

/** A Kayenta metric config from a Vigil metric definition (group defaults to `default`). */
export function kayentaConfigFromDefinition(def: MetricDefinition): KayentaMetricConfig {
  return {
    name: def.name,
    groups: [def.group ?? 'default'],
    direction: kayentaDirection(def.direction),
    critical: def.critical ?? false,
    muted: def.muted ?? false,
  };
}

function rawValues(series: MetricSeries[]): number[] {
  const out: number[] = [];
  for (const s of series) for (const p of s.points) out.push(p.v);
  return out;
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
    return kayentaToJudgeResult(
      kayentaClassifyMetric(rawValues(data.baseline), rawValues(data.canary), config),
    );
  };
}

/** Kayenta's NetflixACAJudge per metric, pooling all baseline and all canary points. */
export const kayentaJudge: Judge = createKayentaJudge();
