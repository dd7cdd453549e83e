import type { Sensitivity } from '../model/metric.ts';
import type { EvidenceInput } from './evidence.ts';
import type { LogsJudgment, NoDataPolicy } from '../model/verdict.ts';

/** Kayenta-compatible scoring options (see judges/kayenta/). */
export interface KayentaScoringOptions {
  /** Score at or above which the verification passes. Kayenta's default: 75. */
  passThreshold?: number;
  /** Score below which it fails; in between it is inconclusive (Kayenta's "marginal"). Default: 50. */
  marginalThreshold?: number;
  /** Weight of each metric group in percent, by `MetricDefinition.group`; groups not listed share equally. */
  groupWeights?: Record<string, number>;
}

/** How `judgeVerification` judges. */
export interface JudgmentOptions {
  /** Default sensitivity; a metric's own `sensitivity` overrides it. Default `medium`. */
  sensitivity?: Sensitivity;
  /**
   * `default`: Vigil's judges (paired, distribution, rate, rank when unaligned, shape, thresholds) with a
   * Bonferroni split of each metric's alpha. `kayenta`: Kayenta's NetflixACAJudge classification and score.
   */
  mode?: 'default' | 'kayenta';
  /** What a metric without data does to the verdict. Default `inconclusive`. */
  noData?: NoDataPolicy;
  kayenta?: KayentaScoringOptions;
  /** The log comparison's result; it counts like one more metric. */
  logs?: LogsJudgment;
  /**
   * Least fraction (0..1) of a side's expected points that must arrive usable for its metric to pass; below
   * it the metric is `no-data` with a `dataIssue` (see judgment/coverage.ts). Applies to every metric, not
   * only critical ones. Default 0.8.
   */
  minCoverage?: number;
  /** Alerts the providers raised during the window, and the policy that says what they do (evidence.ts). */
  evidence?: EvidenceInput;
  /** Threshold-only strategy: there is no baseline, and each metric is judged by its rules alone. */
  thresholdOnly?: boolean;
  /**
   * How the false-alarm rate is held across the metrics of one verification (default mode). `holm`
   * (default): a metric's statistical fail stands only if it survives Holm's procedure over the deciding
   * metrics, so many metrics do not multiply false fails (see acrossMetrics.ts); the others warn.
   * `none`: each metric alone at its alpha.
   */
  acrossMetrics?: 'holm' | 'none';
}
