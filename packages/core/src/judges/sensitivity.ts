import type { MetricKind, Sensitivity } from '../model/metric.ts';

/**
 * The numbers behind `low | medium | high`. Every judge reads its thresholds from here, so one table
 * documents what each sensitivity means.
 *
 * | setting                      | low    | medium | high   |
 * |------------------------------|--------|--------|--------|
 * | alpha (per metric, all tests)| 0.002  | 0.01   | 0.03   |
 * | minRelativeChange            | 0.10   | 0.05   | 0.02   |
 * | minVarianceRatio             | 1.5    | 1.25   | 1.1    |
 * | minRateRatio                 | 1.5    | 1.25   | 1.1    |
 * | minExtraErrors (whole window)| 5      | 3      | 2      |
 * | tailQuantile                 | 0.95   | 0.9    | 0.9    |
 * | warnFactor                   | 5      | 5      | 5      |
 * | shapeFactor                  | 2      | 1.5    | 1.25   |
 * | minAbsoluteChange error      | 0.1    | 0.05   | 0.02   |
 * |   latency (ms)               | 5      | 2      | 1      |
 * |   throughput, resource, other| 0      | 0      | 0      |
 *
 * `alpha` is the family-wise error rate of one metric: the judgment splits it over the statistical judges
 * it runs on that metric (weighted Bonferroni), so adding a judge never raises the false-alarm rate.
 */
export interface SensitivitySettings {
  sensitivity: Sensitivity;
  /**
   * Significance level of the statistical tests: a p-value below it counts as evidence of a change.
   * Given to a judge, it is that judge's own share of the metric's family-wise level.
   */
  alpha: number;
  /** Smallest relative change of the canary vs the baseline (0.1 = 10%) that may fail a metric. */
  minRelativeChange: number;
  /** Smallest absolute change, per metric kind, that may fail a metric (in the metric's own unit). */
  minAbsoluteChange: Record<MetricKind, number>;
  /** Smallest canary/baseline ratio of the noise variance that may fail a metric (distribution judge). */
  minVarianceRatio: number;
  /** Smallest canary/baseline ratio of error rates that may fail an error metric (rate judge). */
  minRateRatio: number;
  /**
   * Smallest number of extra canary errors over the whole window (beyond what the baseline's rate predicts
   * at the canary's exposure) that may fail an error-count metric (rate judge). A count over the window, not a
   * rate per interval: a per-interval floor let a new error that appears a few times an hour on several
   * instances pass however significant it was, and grew with the number of instances.
   */
  minExtraErrors: number;
  /** Quantile of the pooled residuals above which points count as tail events (distribution judge). */
  tailQuantile: number;
  /** A p-value below `alpha * warnFactor` (but not below `alpha`) warns instead of passing. */
  warnFactor: number;
  /**
   * Shape judge: a canary instance whose distance to its nearest baseline instance exceeds this multiple of
   * the largest baseline-to-baseline nearest distance looks different.
   */
  shapeFactor: number;
}

const TABLE: Record<Sensitivity, Omit<SensitivitySettings, 'sensitivity'>> = {
  low: {
    alpha: 0.002,
    minRelativeChange: 0.1,
    minAbsoluteChange: { error: 0.1, latency: 5, throughput: 0, resource: 0, other: 0 },
    minVarianceRatio: 1.5,
    minRateRatio: 1.5,
    minExtraErrors: 5,
    tailQuantile: 0.95,
    warnFactor: 5,
    shapeFactor: 2,
  },
  medium: {
    alpha: 0.01,
    minRelativeChange: 0.05,
    minAbsoluteChange: { error: 0.05, latency: 2, throughput: 0, resource: 0, other: 0 },
    minVarianceRatio: 1.25,
    minRateRatio: 1.25,
    minExtraErrors: 3,
    tailQuantile: 0.9,
    warnFactor: 5,
    shapeFactor: 1.5,
  },
  high: {
    alpha: 0.03,
    minRelativeChange: 0.02,
    minAbsoluteChange: { error: 0.02, latency: 1, throughput: 0, resource: 0, other: 0 },
    minVarianceRatio: 1.1,
    minRateRatio: 1.1,
    minExtraErrors: 2,
    tailQuantile: 0.9,
    warnFactor: 5,
    shapeFactor: 1.25,
  },
};

/** The documented settings of one sensitivity (a fresh object: callers may adjust `alpha`). */
export function sensitivitySettings(s: Sensitivity): SensitivitySettings {
  const row = TABLE[s];
  if (!row) throw new Error(`sensitivity: unknown value "${String(s)}"; use low, medium or high`);
  return { sensitivity: s, ...row, minAbsoluteChange: { ...row.minAbsoluteChange } };
}
