export { createDetector, DEFAULT_TUNING, restoreDetector } from './detector.ts';
export type { Detector, DetectorTuning } from './detector.ts';
export { scoreSeries } from './score-series.ts';
export { ALERT_THRESHOLDS, alertThreshold, DEFAULT_SENSITIVITY } from './sensitivity.ts';
export type { AnomalyPoint, ComponentState, DetectorOptions, DetectorState, SeasonalState } from './types.ts';
export { parseTimestamp, parseTimestampValueCsv } from './csv.ts';
export type { TimestampValueRow } from './csv.ts';
