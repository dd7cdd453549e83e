import { quantileInPlace } from '../judges/select.ts';
import type { MetricSeries } from '../model/metric.ts';
import type { SideSummary } from '../model/verdict.ts';

/** Summary statistics of one side (finite values only; quantiles by linear interpolation). */
export function summarizeSide(series: MetricSeries[]): SideSummary {
  let total = 0;
  for (const s of series) total += s.points.length;
  const buffer = new Float64Array(total);
  let n = 0;
  let instances = 0;
  for (const s of series) {
    let any = false;
    for (const p of s.points)
      if (Number.isFinite(p.v)) {
        buffer[n++] = p.v;
        any = true;
      }
    if (any) instances++;
  }
  if (n === 0) return { instances, points: 0, mean: null, median: null, p95: null, p99: null };
  const values = buffer.subarray(0, n);
  let sum = 0;
  for (const v of values) sum += v;
  // Selection instead of a sort; each quantile searches above the previous one.
  const median = quantileInPlace(values, 0.5);
  const p95 = quantileInPlace(values, 0.95, Math.floor((n - 1) * 0.5));
  const p99 = quantileInPlace(values, 0.99, Math.floor((n - 1) * 0.95));
  return { instances, points: n, mean: sum / n, median, p95, p99 };
}

/** Relative change of the canary mean vs the baseline mean, (c - b) / |b|; null when undefined. */
export function relativeChange(baseline: SideSummary, canary: SideSummary): number | null {
  if (baseline.mean === null || canary.mean === null) return null;
  if (baseline.mean === 0) return canary.mean === 0 ? 0 : null;
  return (canary.mean - baseline.mean) / Math.abs(baseline.mean);
}
