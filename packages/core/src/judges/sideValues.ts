import type { MetricSeries } from '../model/metric.ts';
import { type IntScratch, intScratch, type Scratch, scratch, take, takeInts } from './select.ts';

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

/** The arrays one side is read into (JudgeBuffers.baseline and .canary), reused from metric to metric. */
export interface SideBuffers {
  start: IntScratch;
  t: Scratch;
  v: Scratch;
}

/** Empty SideBuffers (a plain literal: see judgeBuffers for why not a class). */
export function sideBuffers(): SideBuffers {
  return { start: intScratch(), t: scratch(), v: scratch() };
}

/**
 * The side's values, read from its point objects (a judgment reads each side once: see prepared.ts). With
 * `work`, they live in its arrays and are valid until the next side read into them.
 */
export function sideValues(side: MetricSeries[], work?: SideBuffers): SideValues {
  let total = 0;
  for (const s of side) total += s.points.length;
  const start = work ? takeInts(work.start, side.length + 1) : new Int32Array(side.length + 1);
  const t = work ? take(work.t, total) : new Float64Array(total);
  const v = work ? take(work.v, total) : new Float64Array(total);
  start[0] = 0;
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
