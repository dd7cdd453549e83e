/**
 * The points of a metric's period that the tab draws: every scored point of every instance, thinned so a
 * snapshot stays small (a day-long period on a 1-minute step is 1,440 points per instance), with every
 * anomalous point (an alert, or outside the band on the bad side: see isAnomalousPoint) kept so no anomaly
 * disappears from the chart and the chart rings as many points as `MetricRisk.anomalous` counts.
 */
import { isAnomalousPoint, type MetricSeriesPoint } from '@vigil/backstage-plugin-service-guard-common';
import type { MetricSettings } from './config.ts';
import { badWay, type ScoredInstance } from './health.ts';

/** About how many points a metric's series keeps; alert points are kept even beyond it. */
export const MAX_SERIES_POINTS = 120;

/** `q` indices spread evenly over `0..n-1`, both ends included when `q >= 2`. */
function evenIndices(n: number, q: number): number[] {
  if (q <= 0 || n === 0) return [];
  if (q >= n) return Array.from({ length: n }, (_, i) => i);
  if (q === 1) return [Math.floor((n - 1) / 2)];
  return Array.from({ length: q }, (_, j) => Math.round((j * (n - 1)) / (q - 1)));
}

/**
 * The series of one metric over the period, instance by instance, each oldest first. A point's `alert`
 * means what `MetricRisk.alerts` counts: an alert in the metric's bad direction. Points without a finite
 * value (gaps) are left out, as the risk leaves them out. Without alerts at most `max` points remain; the
 * budget left after the alerts is shared between instances by their number of points, each instance's share
 * spread evenly over its period.
 */
export function metricSeries(
  direction: MetricSettings['direction'],
  instances: readonly ScoredInstance[],
  max: number = MAX_SERIES_POINTS,
): MetricSeriesPoint[] {
  const all: MetricSeriesPoint[][] = instances.map((inst) =>
    inst.points
      .filter((p) => Number.isFinite(p.value))
      .map((p) => ({
        t: p.t,
        instance: inst.instance,
        value: p.value,
        expected: p.expected,
        lower: p.lower,
        upper: p.upper,
        alert: p.alert && badWay(p, direction),
      }))
      .sort((a, b) => a.t - b.t),
  );
  const marked = (p: MetricSeriesPoint) => isAnomalousPoint(p, direction);
  let anomalous = 0;
  let quiet = 0;
  for (const list of all) {
    for (const p of list) {
      if (marked(p)) anomalous++;
      else quiet++;
    }
  }
  const budget = Math.max(0, max - anomalous);
  const out: MetricSeriesPoint[] = [];
  for (const list of all) {
    if (quiet <= budget) {
      out.push(...list);
      continue;
    }
    const calm = list.filter((p) => !marked(p));
    const keep = new Set(
      evenIndices(calm.length, Math.floor((budget * calm.length) / quiet)).map((i) => calm[i]),
    );
    out.push(...list.filter((p) => marked(p) || keep.has(p)));
  }
  return out;
}
