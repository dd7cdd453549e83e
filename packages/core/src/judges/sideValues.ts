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

const memo = new WeakMap<MetricSeries[], { print: number; values: SideValues }>();

/**
 * The side's values (memoised per array; a side whose series grew in place since, as during a live
 * verification, is read afresh).
 */
export function sideValues(side: MetricSeries[]): SideValues {
  const print = sideFingerprint(side);
  const hit = memo.get(side);
  if (hit !== undefined && hit.print === print) return hit.values;
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
  const values = { start, t, v, allFinite };
  memo.set(side, { print, values });
  return values;
}

/** Cheap identity of a side's contents: series count, point counts and last timestamps. */
export function sideFingerprint(side: MetricSeries[]): number {
  let h = side.length;
  for (const s of side) {
    const last = s.points[s.points.length - 1];
    // Integer arithmetic (the low 32 bits of the timestamp): this runs several times per metric.
    h = (Math.imul(h, 31) + s.points.length + (last ? last.t | 0 : 0)) | 0;
  }
  return h;
}
