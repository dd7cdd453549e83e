import type { MetricRisk } from '@vigil/backstage-plugin-service-guard-common';

/**
 * One scored point of a metric, as the chart draws it. The backend does not send these yet; when a
 * `MetricRisk` carries `series` (an optional field proposed for the common package), the chart draws the
 * whole period, otherwise the worst point against its band.
 */
export interface MetricPoint {
  /** ISO time. */
  t: string;
  instance: string;
  value: number;
  /** The detector's expectation and band; null while it is still learning. */
  expected: number | null;
  lower: number | null;
  upper: number | null;
  /** Whether the point raised an alert in the bad direction. */
  alert: boolean;
}

/** The points of a metric risk, when the backend sent them. */
export function pointsOf(metric: MetricRisk): MetricPoint[] {
  const series = (metric as MetricRisk & { series?: unknown }).series;
  return Array.isArray(series) ? (series as MetricPoint[]) : [];
}
