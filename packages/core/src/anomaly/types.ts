import type { Sensitivity } from '../model/metric.ts';
import type { ContextState } from './context.ts';

/** The detector's verdict on one point. */
export interface AnomalyPoint {
  /** Epoch milliseconds of the point. */
  t: number;
  /** The observed value (NaN for a gap the source reported). */
  value: number;
  /**
   * How anomalous the point is, in [0, 1]. At the default (medium) sensitivity a score >= 0.5 is exactly an
   * alert; see `ALERT_THRESHOLDS` for the other sensitivities.
   */
  score: number;
  /** Whether the detector raises an alert at this point (score >= the sensitivity's alert threshold). */
  alert: boolean;
  /** What the most telling model expected here, or null while the detector is still learning. */
  expected: number | null;
  /** Lower end of the band the model considers normal here (null while learning). */
  lower: number | null;
  /** Upper end of the band the model considers normal here (null while learning). */
  upper: number | null;
  /** One sentence a person can check: what was expected, what came, and which model says so. */
  reason: string;
}

/** Options of `createDetector`. */
export interface DetectorOptions {
  /** How readily the detector alerts; changes only the alert threshold on the score. Default `medium`. */
  sensitivity?: Sensitivity;
}

/** A robust model of one way of predicting the next value (naive, level, daily, weekly). */
export interface ComponentState {
  /** EWMA of the absolute prediction error (robust scale), null until the first error. */
  scale: number | null;
  /** Largest surprise per remembered day (ring indexed by day number modulo its length). */
  peaks: number[];
  /** Day number (UTC days since the epoch) each entry of `peaks` belongs to; -1 when unused. */
  peakDays: number[];
  /** Errors seen so far; the model speaks only after the warm-up. */
  seen: number;
  /** Day number of the first error judged after the warm-up (null before). */
  since: number | null;
}

/** Values by time slot of a cycle (a day or a week); null where no value has been seen yet. */
export interface SeasonalState {
  /** Length of the cycle in milliseconds. */
  cycleMs: number;
  /** Width of one slot in milliseconds. */
  slotMs: number;
  values: (number | null)[];
}

/** Histograms of values in bins around the slow level: the last few points, and the long run. */
export interface HistogramState {
  /** Bin of each of the last points (ring buffer; -1 where empty). */
  recent: number[];
  /** Next slot of `recent` to overwrite. */
  pos: number;
  /** How many of the last points fell in each bin. */
  counts: number[];
  /** Long-run weight of each bin, unnormalised (each new value weighs `gain`, which grows by 1 / (1 - alpha)). */
  long: number[];
  /** Sum of `long`. */
  total: number;
  /** Weight of the next value in `long`. */
  gain: number;
  /** Cached log of each long-run weight plus smoothing. */
  logLong: number[];
  /** Sum over bins of counts x logLong. */
  cross: number;
  /** Sum over bins of counts x log(counts). */
  selfInfo: number;
  /** Points learnt since the last full refresh of `logLong`. */
  tick: number;
  /** Slow mean absolute deviation from the slow level that sets the bins' width (null until the first value). */
  spread: number | null;
}

/**
 * Everything the detector remembers about one series: a plain JSON object of bounded size (at most a few
 * thousand numbers whatever the length of the series), for storing between scheduled runs.
 */
export interface DetectorState {
  version: 1;
  sensitivity: Sensitivity;
  /** Points seen (gaps excluded). */
  n: number;
  /** Time of the first point. */
  firstT: number | null;
  lastT: number | null;
  lastV: number | null;
  /** Intervals between the first points, kept until the sampling step is known. */
  deltas: number[];
  /** Sampling step in milliseconds once known. */
  step: number | null;
  /** Fast and slow exponentially weighted levels. */
  level: number | null;
  slow: number | null;
  /** Mean absolute deviation of the values from the slow level (EWMA). */
  spread: number;
  /** Points since the last alert. */
  sinceAlert: number;
  naive: ComponentState;
  levelModel: ComponentState;
  dailyModel: ComponentState;
  weeklyModel: ComponentState;
  shiftModel: ComponentState;
  /**
   * Divergence of the recent values' histogram from the long-run one. Optional only so that states stored
   * before it existed still restore (it then starts afresh).
   */
  entropyModel?: ComponentState;
  /** The two histograms the entropy model compares (null before the first value). */
  hist?: HistogramState | null;
  /**
   * Jumps between value levels seen so far (null until the warm-up ends). Optional only so that states stored
   * before it existed still restore (it then starts afresh).
   */
  context?: ContextState | null;
  /** Recent average and long-run level compared by the shift model. */
  fast: number | null;
  base: number | null;
  daily: SeasonalState | null;
  weekly: SeasonalState | null;
}
