/**
 * Streaming anomaly detection for Service Guard: one detector per series, fed point by point.
 *
 * Several simple models predict each point: the previous value, a recent level (EWMA), the same time of day
 * and of week (seasonal slots), and the long-run level against the recent average (sustained shifts); a sixth
 * model compares the histogram of the last 24 values with the long-run one (KL divergence: a new mix or spread
 * of values that no single value shows, such as a steady metric that starts to swing). Each
 * model divides its error by its own robust scale (a clipped EWMA of absolute errors) into a surprise z. A
 * model's evidence is the smaller of z / zAlert (big enough in itself) and z / (novelty x the largest surprise
 * the same model had on any day of the last two weeks) (new, not a recurring pattern such as a nightly job);
 * the point's evidence is the strongest model's, damped for a while after an alert (one event, one alert).
 * A context memory (CAD OSE-style: quantised value levels and the transitions between them, on a grid that widens
 * as needed) adds two things: a value at a level the series never visited (nor the levels next to it) is evidence
 * of its own, enough for an alert (a metric settling between its usual levels); and a jump the series has made at
 * least twice before (a periodic burst to the same level) damps the value models' evidence for it.
 * score = evidence / (1 + evidence), so a score of 0.5 is evidence 1: the alert line at medium sensitivity.
 * The state is a plain JSON object of a few thousand numbers at most, whatever the length of the series.
 */
export { createDetector, DEFAULT_TUNING, restoreDetector } from './detector.ts';
export type { Detector, DetectorTuning } from './detector.ts';
export { scoreSeries } from './score-series.ts';
export { ALERT_THRESHOLDS, alertThreshold, DEFAULT_SENSITIVITY } from './sensitivity.ts';
export type { ContextState } from './context.ts';
export type {
  AnomalyPoint,
  ComponentState,
  DetectorOptions,
  DetectorState,
  HistogramState,
  SeasonalState,
} from './types.ts';
export { parseTimestampValueCsv } from './csv.ts';
export type { TimestampValueRow } from './csv.ts';
