import type { MetricSeries } from '../model/metric.ts';
import { type SideValues, sideValues } from './sideValues.ts';

/**
 * Baseline and canary instances side by side on their common timestamps. In a canary, both sides run at the
 * same time and share the load: the values of one minute share that minute's signal, so comparing within a
 * minute removes it. `baseline[i][j]` is instance i at `times[j]` (NaN when that instance has no value there).
 */
export interface AlignedData {
  times: number[];
  baseline: Float64Array[];
  canary: Float64Array[];
  /** True when every row has a finite value at every time (no NaN anywhere): judges may skip their checks. */
  complete?: boolean;
}

/** Smallest number of common timestamps for the time-aligned judges; fewer and they step aside. */
export const MIN_ALIGNED_POINTS = 8;

/**
 * Lines both sides up on the timestamps where at least one baseline and one canary instance have a finite
 * value. Returns null when fewer than `MIN_ALIGNED_POINTS` such timestamps exist or they cover less than half
 * of either side's timestamps (e.g. a before/after comparison, where pairing minutes means nothing).
 */
export function alignByTime(
  baseline: MetricSeries[],
  canary: MetricSeries[],
  values?: { baseline: SideValues; canary: SideValues },
): AlignedData | null {
  const fast = alignIdentical(baseline, canary, values);
  if (fast !== undefined) return fast;
  const bTimes = finiteTimes(baseline);
  const cTimes = finiteTimes(canary);
  const times: number[] = [];
  for (const t of bTimes) if (cTimes.has(t)) times.push(t);
  if (times.length < MIN_ALIGNED_POINTS) return null;
  if (times.length < 0.5 * bTimes.size || times.length < 0.5 * cTimes.size) return null;
  times.sort((a, b) => a - b);
  const index = new Map<number, number>();
  for (const [j, t] of times.entries()) index.set(t, j);
  const toRows = (side: MetricSeries[]): Float64Array[] =>
    side.map((s) => {
      const row = new Float64Array(times.length).fill(Number.NaN);
      for (const p of s.points) {
        const j = index.get(p.t);
        if (j !== undefined && Number.isFinite(p.v)) row[j] = p.v;
      }
      return row;
    });
  return { times, baseline: toRows(baseline), canary: toRows(canary) };
}

/**
 * The common case, scraped by one query: every series has the same timestamps in the same order and no
 * gaps. Then the rows are the values as they were read (views, no copy). Returns undefined when the data
 * is not like that.
 */
function alignIdentical(
  baseline: MetricSeries[],
  canary: MetricSeries[],
  values = { baseline: sideValues(baseline), canary: sideValues(canary) },
): AlignedData | null | undefined {
  if (baseline.length === 0 || canary.length === 0) return undefined;
  const b = values.baseline;
  const c = values.canary;
  if (!b.allFinite || !c.allFinite) return undefined;
  const n = b.start[1]!;
  const times = b.t.subarray(0, n);
  const bRows = identicalRows(b, times);
  const cRows = bRows && identicalRows(c, times);
  if (!bRows || !cRows) return undefined;
  if (n < MIN_ALIGNED_POINTS) return null;
  return { times: Array.from(times), baseline: bRows, canary: cRows, complete: true };
}

/** A side's series as rows when each has exactly `times` as timestamps (views into the read values). */
function identicalRows(side: SideValues, times: Float64Array): Float64Array[] | undefined {
  const n = times.length;
  const out: Float64Array[] = [];
  for (let i = 0; i + 1 < side.start.length; i++) {
    const from = side.start[i]!;
    if (side.start[i + 1]! - from !== n) return undefined;
    for (let j = 0; j < n; j++) if (side.t[from + j] !== times[j]) return undefined;
    out.push(side.v.subarray(from, from + n));
  }
  return out;
}

function finiteTimes(side: MetricSeries[]): Set<number> {
  const out = new Set<number>();
  for (const s of side) for (const p of s.points) if (Number.isFinite(p.v)) out.add(p.t);
  return out;
}

/** All finite values of a side, in one array. */
export function finiteValues(side: MetricSeries[]): number[] {
  const out: number[] = [];
  for (const s of side) for (const p of s.points) if (Number.isFinite(p.v)) out.push(p.v);
  return out;
}

/** Values of both sides observed at one timestamp. */
export interface Cell {
  b: number[];
  c: number[];
}
