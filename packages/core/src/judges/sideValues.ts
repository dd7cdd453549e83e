import type { MetricSeries } from '../model/metric.ts';

/**
 * One side's points read into flat typed arrays, series after series. Reading hundreds of thousands of
 * point objects is the single largest cost of a judgment (they are scattered over the heap), and the
 * summary, the alignment and the shape judge all need them: they share this one read.
 */
export interface SideValues {
  /** Series i holds entries start[i] .. start[i + 1] of `t` and `v`, in the series' point order. */
  start: Int32Array;
  t: Float64Array;
  /** Values as given, non-finite ones included (NaN, Infinity): each reader decides what to skip. */
  v: Float64Array;
  /** True when every value is finite. */
  allFinite: boolean;
}

/** The side's values, read from its point objects (a judgment reads each side once: see prepared.ts). */
export function sideValues(side: MetricSeries[]): SideValues {
  let total = 0;
  for (const s of side) total += s.points.length;
  const start = new Int32Array(side.length + 1);
  const t = new Float64Array(total);
  const v = new Float64Array(total);
  let k = 0;
  let allFinite = true;
  for (let i = 0; i < side.length; i++) {
    for (const p of side[i]!.points) {
      t[k] = p.t;
      const x = p.v;
      v[k++] = x;
      if (!Number.isFinite(x)) allFinite = false;
    }
    start[i + 1] = k;
  }
  return { start, t, v, allFinite };
}
