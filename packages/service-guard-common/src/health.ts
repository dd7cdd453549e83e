/**
 * Rules about a period's signals that the backend (which counts and ranks them) and the tab (which draws and
 * phrases them) must apply alike, so they live here once.
 */
import type { LogsSummary, MetricDirection, MetricRisk } from './types.ts';

/**
 * Whether a scored point is anomalous: it raised an alert in the metric's bad direction, or it lies outside
 * the expected band on the bad side. The detector alerts where an excursion starts and then damps its
 * evidence, so a value that stays far above the band for 25 minutes raises one alert; each of those points
 * still counts (and is drawn) as anomalous. While the detector is learning there is no band to leave.
 */
export function isAnomalousPoint(
  p: { value: number; lower: number | null; upper: number | null; alert: boolean },
  direction: MetricDirection,
): boolean {
  if (p.alert) return true;
  if (p.lower === null || p.upper === null) return false;
  const above = p.value > p.upper;
  const below = p.value < p.lower;
  if (direction === 'higher-is-worse') return above;
  if (direction === 'lower-is-worse') return below;
  return above || below;
}

/** A signal that made the period less than healthy. */
export type Concern = { kind: 'metric'; metric: MetricRisk } | { kind: 'logs'; logs: LogsSummary };

/**
 * The failing and warning signals of a period, most important first: failures before warnings, each by its
 * risk (the order of a snapshot's reasons). Signals without data are no concern here (they are named apart).
 */
export function concerns(metrics: readonly MetricRisk[], logs: LogsSummary | null): Concern[] {
  const ranked: { rank: number; concern: Concern }[] = [];
  for (const m of metrics) {
    if (m.outcome === 'fail' || m.outcome === 'warn')
      ranked.push({ rank: m.risk + (m.outcome === 'fail' ? 1 : 0), concern: { kind: 'metric', metric: m } });
  }
  if (logs && (logs.outcome === 'fail' || logs.outcome === 'warn'))
    ranked.push({ rank: logs.risk + (logs.outcome === 'fail' ? 1 : 0), concern: { kind: 'logs', logs } });
  return ranked.sort((a, b) => b.rank - a.rank).map((r) => r.concern);
}
