/**
 * Kayenta's WeightedSumScorer and ThresholdScoreClassifier: per group, the share of passing metrics; the score
 * is the group-weighted sum; any critical failure, or >= 50% `Nodata`, makes it 0; then Pass / Marginal / Fail
 * by the pass and marginal thresholds. Muted metrics are classified but left out of the score.
 */
import type { KayentaClassification, KayentaMetricResult } from './classifier.ts';

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
