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
  // A typed array sorts numerically without a comparator, several times faster than Array#sort.
  const values = buffer.subarray(0, n).sort();
  let sum = 0;
  for (const v of values) sum += v;
  const q = (p: number) => {
    const h = (values.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, values.length - 1);
    return values[lo]! + (h - lo) * (values[hi]! - values[lo]!);
  };
  return {
    instances,
    points: values.length,
    mean: sum / values.length,
    median: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
  };
}

/** Relative change of the canary mean vs the baseline mean, (c - b) / |b|; null when undefined. */
export function relativeChange(baseline: SideSummary, canary: SideSummary): number | null {
  if (baseline.mean === null || canary.mean === null) return null;
  if (baseline.mean === 0) return canary.mean === 0 ? 0 : null;
  return (canary.mean - baseline.mean) / Math.abs(baseline.mean);
}
