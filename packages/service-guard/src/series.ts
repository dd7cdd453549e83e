import type { MetricRisk, MetricSeriesPoint } from '@vigil/backstage-plugin-service-guard-common';

/** One scored point of a metric, as the chart draws it (`t` in epoch milliseconds). */
export type MetricPoint = MetricSeriesPoint;

/**
 * The points of a metric's period, when the backend sent them (snapshots stored before the series existed
 * have none: the chart then draws the worst point against its band). Points without a finite time or value
 * are left out, so one bad point cannot break the chart's scales.
 */
export function pointsOf(metric: MetricRisk): MetricPoint[] {
  return (metric.series ?? []).filter((p) => Number.isFinite(p.t) && Number.isFinite(p.value));
}
