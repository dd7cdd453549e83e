import type { Sensitivity } from '../model/metric.ts';

/**
 * The score at and above which the detector alerts, per sensitivity. Scores are scaled so that the default
 * (medium) threshold is exactly 0.5; `low` needs about 1.5x the evidence of medium, `high` about 0.67x
 * (a score s corresponds to evidence s / (1 - s) times what medium needs).
 */
export const ALERT_THRESHOLDS: Readonly<Record<Sensitivity, number>> = { low: 0.6, medium: 0.5, high: 0.4 };

/** The default sensitivity. */
export const DEFAULT_SENSITIVITY: Sensitivity = 'medium';

export function alertThreshold(sensitivity: Sensitivity = DEFAULT_SENSITIVITY): number {
  const t = ALERT_THRESHOLDS[sensitivity];
  if (t === undefined) {
    throw new Error(`sensitivity "${String(sensitivity)}" is not one of low, medium, high`);
  }
  return t;
}
