import type { MetricSeries } from '../model/metric.ts';
import type { SideSummary } from '../model/verdict.ts';
import { quantileInPlace, type Scratch, scratch, take } from './select.ts';
import { type SideValues, sideValues } from './sideValues.ts';

/** Summary statistics of one side (finite values only; quantiles by linear interpolation). */
export function summarizeSide(series: MetricSeries[]): SideSummary {
  return summarizeValues(sideValues(series));
}

/** {@link summarizeSide} of a side already read, selecting its quantiles in `work`. */
export function summarizeValues({ start, v, allFinite }: SideValues, work: Scratch = scratch()): SideSummary {
  // Scratch, not a copy per side: the selections below reorder it, and the side's values must stay as read.
  const pool = take(work, v.length);
  let n = 0;
  let instances = 0;
  if (allFinite) {
    pool.set(v);
    n = v.length;
    for (let i = 0; i + 1 < start.length; i++) if (start[i + 1]! > start[i]!) instances++;
  } else {
    for (let i = 0; i + 1 < start.length; i++) {
      const before = n;
      for (let k = start[i]!; k < start[i + 1]!; k++) if (Number.isFinite(v[k]!)) pool[n++] = v[k]!;
      if (n > before) instances++;
    }
  }
  if (n === 0) return { instances, points: 0, mean: null, median: null, p95: null, p99: null };
  const values = pool.subarray(0, n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  // Selection instead of a sort; each quantile searches above the previous one.
  const median = quantileInPlace(values, 0.5);
  const p95 = quantileInPlace(values, 0.95, Math.floor((n - 1) * 0.5));
  const p99 = quantileInPlace(values, 0.99, Math.floor((n - 1) * 0.95));
  return { instances, points: n, mean: sum / n, median, p95, p99 };
}
