import type { MetricKind, Sensitivity } from '../model/metric.ts';

/**
 * The numbers behind `low | medium | high`. Every judge reads its thresholds from here, so one table
 * documents what each sensitivity means.
 */
export interface SensitivitySettings {
  sensitivity: Sensitivity;
  /** Significance level of the statistical tests: a p-value below it counts as evidence of a change. */
  alpha: number;
  /** Smallest relative change of the canary vs the baseline (0.1 = 10%) that may fail a metric. */
  minRelativeChange: number;
  /** Smallest absolute change, per metric kind, that may fail a metric (in the metric's own unit). */
  minAbsoluteChange: Record<MetricKind, number>;
}
