/**
 * Metric data as every provider delivers it and every judge reads it.
 * Timestamps are epoch milliseconds; a value of NaN marks a point the provider reported but could not
 * give a number for (Prometheus "NaN", Datadog null). Judges decide what NaN means via their NaN strategy.
 */

/** Which side of the comparison a series belongs to. */
export type Group = 'baseline' | 'canary';

/** One sample. */
export interface Point {
  /** Epoch milliseconds. */
  t: number;
  /** The value; NaN when the source reported a gap. */
  v: number;
}

/** One instance's time series of one metric, e.g. `http_latency_p99` of pod `web-7d9f`. */
export interface MetricSeries {
  metric: string;
  /** Instance identity (pod, host, container), taken from the instance label. */
  instance: string;
  group: Group;
  /** Sorted by time, ascending. */
  points: Point[];
}

/** What a metric measures; decides default minimum deltas and which judges apply. */
export type MetricKind = 'error' | 'latency' | 'throughput' | 'resource' | 'other';

/** Which way a change is bad. */
export type Direction = 'higher-is-worse' | 'lower-is-worse' | 'both';

/** How readily a judge calls a change a regression. Mapped to numbers in `sensitivity.ts`. */
export type Sensitivity = 'low' | 'medium' | 'high';

/**
 * A rule that takes a metric out of judgment when the canary is close enough to harmless:
 * `absolute`: every canary value lies within [lower, upper];
 * `relative`: the canary mean deviates from the baseline mean by at most `maxDeviation` (a fraction, 0.1 = 10%).
 */
export type IgnoreRule =
  | { type: 'absolute'; lower?: number; upper?: number }
  | { type: 'relative'; maxDeviation: number };

/**
 * A rule that fails the metric (and, when the metric is critical, the verification) without waiting for
 * statistics: `absolute` compares each canary point with `above`/`below`; `relative` compares each canary
 * point with the baseline mean of the same time (a fraction, 0.5 = 50% worse).
 * `when`: `immediately` (first breach), `after` (`count` breaches in total), `consecutive` (`count` in a row).
 */
export interface FailFastRule {
  type: 'absolute' | 'relative';
  above?: number;
  below?: number;
  when: 'immediately' | 'after' | 'consecutive';
  count?: number;
}

/** Rules evaluated before and besides the statistical judges. */
export interface ThresholdRules {
  ignore?: IgnoreRule[];
  failFast?: FailFastRule[];
}

/** Everything the judgment needs to know about one metric. */
export interface MetricDefinition {
  name: string;
  kind: MetricKind;
  direction: Direction;
  /**
   * Unit of the values, a canonical symbol of `units/unit.ts` (`ms`, `s`, `B`, `MiB`, `%`, `ratio`, `req/s`).
   * Floors and thresholds are converted into it; when it is absent or unknown, no absolute floor applies.
   */
  unit?: string;
  /** Where the unit came from: the spec, or the provider (metric name suffix, metadata, descriptor). */
  unitSource?: 'spec' | 'provider';
  /** Relative weight in the score; default 1. */
  weight?: number;
  /** A failing critical metric fails the whole verification regardless of the score. */
  critical?: boolean;
  /** Dry run: judged and shown, never deciding the verdict. */
  muted?: boolean;
  /** Overrides the verification's sensitivity for this metric. */
  sensitivity?: Sensitivity;
  thresholds?: ThresholdRules;
  /**
   * For `kind: error` counts: the name of a throughput metric (requests per interval) that normalises the
   * error counts into rates, so that a canary taking less traffic is not judged healthier than it is.
   */
  trafficMetric?: string;
  /**
   * Kayenta mode: the group(s) whose score this metric counts in (Kayenta `metrics[].groups`), weighted by
   * the verification's group weights. Default: one group, `default`.
   */
  group?: string | string[];
  /** Kayenta mode: the rest of the metric's Kayenta settings (ignored by Vigil's default judges). */
  kayenta?: KayentaMetricSettings;
}

/**
 * A metric's settings from a Kayenta canary config's `metrics[].analysisConfigurations.canary`, beyond those
 * Vigil has fields for (direction, critical, muted, group). Every field is optional and defaults as in Kayenta.
 */
export interface KayentaMetricSettings {
  /** Kayenta `nanStrategy`: `remove` (default) drops NaN points; `replace` turns them into 0. */
  nanStrategy?: 'remove' | 'replace';
  /**
   * Kayenta `outliers`: `strategy: remove` drops each side's points outside
   * [min(p1, Q1 - factor IQR), max(p99, Q3 + factor IQR)]; `keep` (default) keeps them. `outlierFactor`
   * defaults to 3.
   */
  outliers?: { strategy?: 'remove' | 'keep'; outlierFactor?: number };
  /** Kayenta `mustHaveData`: missing data is a failing `NodataFailMetric` instead of a neutral `Nodata`. */
  mustHaveData?: boolean;
  /** Kayenta `effectSize`: how large a significant change must be to count. */
  effectSize?: KayentaEffectSize;
}

/**
 * Effect-size thresholds, Kayenta `analysisConfigurations.canary.effectSize`. With `measure: meanRatio`
 * the effect is mean(canary) / mean(baseline) (defaults 1.0); with `cles` it is P(canary > baseline)
 * (defaults 0.5). When the effect cannot be computed (a mean of 0), the thresholds are ignored, as in Kayenta.
 */
export interface KayentaEffectSize {
  /** `meanRatio` (default) or `cles`. */
  measure?: 'meanRatio' | 'cles';
  /** A `High` needs an effect >= this. */
  allowedIncrease?: number;
  /** A `Low` needs an effect <= this. */
  allowedDecrease?: number;
  /** A critical metric's `High` fails the canary when the effect >= this. */
  criticalIncrease?: number;
  /** A critical metric's `Low` fails the canary when the effect <= this. */
  criticalDecrease?: number;
}

/** The data of one metric, split into the two sides. */
export interface MetricData {
  definition: MetricDefinition;
  baseline: MetricSeries[];
  canary: MetricSeries[];
  /** Traffic series matching `definition.trafficMetric`, when there is one. */
  traffic?: { baseline: MetricSeries[]; canary: MetricSeries[] };
  /**
   * What the run expected of each side, for coverage (see judgment/coverage.ts). Absent (e.g. `vigil compare`),
   * the time steps are the distinct timestamps of both sides and the instances those that appear.
   */
  expected?: ExpectedData;
  /** Provider errors met while fetching this metric, per side, in order: they count against coverage. */
  errors?: Partial<Record<Group, string[]>>;
}

/** The points a run expected: one per time step of the grid and known instance. */
export interface ExpectedData {
  /** The time grid judged so far: `steps` steps of `step` ms from `start` (epoch ms). */
  grid: { start: number; step: number; steps: number };
  /**
   * Instances named in the spec, per side: expected at every step. Other instances are expected from the
   * step they were first seen at.
   */
  instances?: Partial<Record<Group, string[]>>;
}
