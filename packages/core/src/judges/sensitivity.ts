import type { MetricDefinition, MetricKind, Sensitivity } from '../model/metric.ts';
import { convert, formatQuantity, parseUnit, type Quantity } from '../units/unit.ts';
import { pct } from './decide.ts';

/** Every sensitivity, least to most sensitive: the one list that specs, reports, the CLI and the backend accept. */
export const SENSITIVITIES = ['low', 'medium', 'high'] as const satisfies readonly Sensitivity[];

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
 * | minAbsoluteChange error:     |        |        |        |
 * |   counts (per interval)      | 0.1    | 0.05   | 0.02   |
 * |   count rates (per minute)   | 0.1    | 0.05   | 0.02   |
 * |   ratios and percentages (pp)| 0.1 %  | 0.05 % | 0.02 % |
 * |   latency (time units)       | 5 ms   | 2 ms   | 1 ms   |
 * |   throughput, resource, other| none   | none   | none   |
 * | minData points (per side)    | 12     | 8      | 5      |
 * |   time steps (per side)      | 5      | 3      | 3      |
 * |   instances (per side)       | 1      | 1      | 1      |
 *
 * `minData`: the least a side must hold before its metric may pass (usable points: finite values or the
 * worse-direction infinity; time steps: distinct poll intervals, minutes at the default 1m interval). Below
 * it the metric is `no-data` ("too little data (N points, need M)"), never a pass; see docs/engine.md.
 * `alpha` is the family-wise error rate of one metric: the judgment splits it over the statistical judges
 * it runs on that metric (weighted Bonferroni), so adding a judge never raises the false-alarm rate.
 *
 * Absolute floors carry their unit and apply only to a metric whose unit is known and of the same dimension,
 * converted into the metric's unit (2 ms is 0.002 on a metric in seconds). A metric of unknown unit has no
 * absolute floor: its gate is the scale-free relative change alone, so the same data judged at any scale
 * gets the same verdict. The error floor on ratios and percentages is in percentage points of the error
 * rate (0.05 % = 0.0005 as a ratio), not a share of the baseline. Whole error counts are judged by the rate
 * judge, whose floor is `minExtraErrors` over the whole window; the per-interval count floor applies where the
 * paired or rank judge compares error values that are not whole counts.
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
  /**
   * Smallest absolute change, per metric kind, that may fail a metric: at most one quantity per dimension
   * (time, count, fraction, ...). `absoluteFloor` picks the one that matches the metric's unit.
   */
  minAbsoluteChange: Record<MetricKind, Quantity[]>;
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
  /** The least data a side must hold to be judged (usable points, distinct time steps, instances). */
  minData: MinData;
}

/** Minimum data per side of a metric; below it the metric cannot pass. */
export interface MinData {
  points: number;
  steps: number;
  instances: number;
}

const TABLE: Record<Sensitivity, Omit<SensitivitySettings, 'sensitivity'>> = {
  low: {
    alpha: 0.002,
    minRelativeChange: 0.1,
    minAbsoluteChange: {
      error: [
        { value: 0.1, unit: 'count' },
        { value: 0.1, unit: '1/min' },
        { value: 0.1, unit: '%' },
      ],
      latency: [{ value: 5, unit: 'ms' }],
      throughput: [],
      resource: [],
      other: [],
    },
    minVarianceRatio: 1.5,
    minRateRatio: 1.5,
    minExtraErrors: 5,
    tailQuantile: 0.95,
    warnFactor: 5,
    shapeFactor: 2,
    minData: { points: 12, steps: 5, instances: 1 },
  },
  medium: {
    alpha: 0.01,
    minRelativeChange: 0.05,
    minAbsoluteChange: {
      error: [
        { value: 0.05, unit: 'count' },
        { value: 0.05, unit: '1/min' },
        { value: 0.05, unit: '%' },
      ],
      latency: [{ value: 2, unit: 'ms' }],
      throughput: [],
      resource: [],
      other: [],
    },
    minVarianceRatio: 1.25,
    minRateRatio: 1.25,
    minExtraErrors: 3,
    tailQuantile: 0.9,
    warnFactor: 5,
    shapeFactor: 1.5,
    minData: { points: 8, steps: 3, instances: 1 },
  },
  high: {
    alpha: 0.03,
    minRelativeChange: 0.02,
    minAbsoluteChange: {
      error: [
        { value: 0.02, unit: 'count' },
        { value: 0.02, unit: '1/min' },
        { value: 0.02, unit: '%' },
      ],
      latency: [{ value: 1, unit: 'ms' }],
      throughput: [],
      resource: [],
      other: [],
    },
    minVarianceRatio: 1.1,
    minRateRatio: 1.1,
    minExtraErrors: 2,
    tailQuantile: 0.9,
    warnFactor: 5,
    shapeFactor: 1.25,
    minData: { points: 5, steps: 3, instances: 1 },
  },
};

/** The documented settings of one sensitivity (a fresh object: callers may adjust `alpha`). */
export function sensitivitySettings(s: Sensitivity): SensitivitySettings {
  const row = TABLE[s];
  if (!row) throw new Error(`sensitivity: unknown value "${String(s)}"; use low, medium or high`);
  return {
    sensitivity: s,
    ...row,
    minAbsoluteChange: {
      error: [...row.minAbsoluteChange.error],
      latency: [...row.minAbsoluteChange.latency],
      throughput: [...row.minAbsoluteChange.throughput],
      resource: [...row.minAbsoluteChange.resource],
      other: [...row.minAbsoluteChange.other],
    },
    minData: { ...row.minData },
  };
}

/** The absolute floor of one metric, in its own unit. */
export interface AbsoluteFloor {
  /** Smallest absolute change that may fail the metric, in the metric's unit; 0 when there is none. */
  value: number;
  /** The floor as declared, for explanations (`2 ms`); undefined when there is none. */
  declared?: Quantity;
}

const NO_FLOOR: AbsoluteFloor = { value: 0 };

/**
 * The absolute floor that applies to a metric: the sensitivity's floor for its kind in the dimension of its
 * unit, converted into that unit. None when the unit is unknown or no floor is declared for its dimension.
 */
export function absoluteFloor(
  s: SensitivitySettings,
  definition: Pick<MetricDefinition, 'kind' | 'unit'>,
): AbsoluteFloor {
  const unit = parseUnit(definition.unit);
  if (!unit) return NO_FLOOR;
  for (const q of s.minAbsoluteChange[definition.kind] ?? []) {
    const value = convert(q.value, q.unit, unit);
    if (value !== undefined) return { value, declared: q };
  }
  return NO_FLOOR;
}

/**
 * The minimum change as explanations print it: `+5.0% and 2 ms`, or `+5.0% (no absolute floor: unit
 * unknown)` so that a reader sees why a small metric can fail.
 */
export function minimumChangeText(
  s: SensitivitySettings,
  floor: AbsoluteFloor,
  unit: string | undefined,
  relative = pct(s.minRelativeChange),
): string {
  if (floor.declared) return `${relative} and ${formatQuantity(floor.declared.value, floor.declared.unit)}`;
  return parseUnit(unit) ? relative : `${relative}; no absolute floor, the unit is unknown`;
}
