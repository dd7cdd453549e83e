/**
 * Which value levels a series has visited, and which jumps between them it has made: a cheap context memory in
 * the spirit of CAD OSE (contexts of quantised values). It answers two questions about a new value:
 * - is it at a level the series has never visited, with no visited level next to it (a new level: evidence of
 *   an anomaly that no prediction error shows, such as a metric settling between its usual levels)?
 * - is the jump from the previous value one the series has made many times (a nightly job, a periodic burst
 *   to the same level: familiar, so less telling)?
 *
 * Values are quantised on a grid of `bins` equal bins that starts narrow (a share of the series' spread around
 * its level) and doubles its width, merging neighbour bins, whenever a value falls outside it: it needs no
 * range known in advance (no look-ahead) and keeps a fixed size.
 */

/** The grid, its visits and its transition counts (a plain JSON object). */
export interface ContextState {
  /** Lower edge of the grid. */
  lo: number;
  /** Width of one bin. */
  width: number;
  /** Bins on the grid (a power of two, so that doubling merges whole pairs). */
  bins: number;
  /** Transitions seen: row = bin of the previous value, column = bin of the next (bins x bins, row-major). */
  counts: number[];
  /** Values seen in each bin. */
  visits: number[];
  /** Bin of the previous value (-1 before the first). */
  prev: number;
  /** Day number (UTC days since the epoch) of the first value. */
  since: number;
}

/** An empty grid of `bins` bins of width `width` centred on `centre`, started on day `day`. */
export function createContext(bins: number, centre: number, width: number, day: number): ContextState {
  return {
    lo: centre - (bins / 2) * width,
    width,
    bins,
    counts: new Array<number>(bins * bins).fill(0),
    visits: new Array<number>(bins).fill(0),
    prev: -1,
    since: day,
  };
}

/** Doubles the bin width until `v` is on the grid; the old grid becomes the half of the new one away from `v`. */
function widen(c: ContextState, v: number): void {
  const b = c.bins;
  const half = b >> 1;
  while (!(v >= c.lo && v < c.lo + b * c.width)) {
    const down = v < c.lo;
    const offset = down ? half : 0;
    const merged = new Array<number>(b * b).fill(0);
    const visits = new Array<number>(b).fill(0);
    for (let i = 0; i < b; i++) {
      const row = (offset + (i >> 1)) * b + offset;
      for (let j = 0; j < b; j++) merged[row + (j >> 1)]! += c.counts[i * b + j]!;
      visits[offset + (i >> 1)]! += c.visits[i]!;
    }
    c.counts = merged;
    c.visits = visits;
    if (c.prev >= 0) c.prev = offset + (c.prev >> 1);
    if (down) c.lo -= b * c.width;
    c.width *= 2;
    if (!Number.isFinite(c.width))
      throw new Error(`context grid: value ${v} is too far from the series to place`);
  }
}

/** Whether `v` is on the grid as it stands (false: placing it widens the grid). */
export function onGrid(c: ContextState, v: number): boolean {
  return v >= c.lo && v < c.lo + c.bins * c.width;
}

/** The bin of `v`, widening the grid first if `v` is off it. */
export function contextBin(c: ContextState, v: number): number {
  if (!onGrid(c, v)) widen(c, v);
  const i = Math.floor((v - c.lo) / c.width);
  return i < 0 ? 0 : i >= c.bins ? c.bins - 1 : i;
}

/** Whether no value has been seen in `bin` nor in the bins next to it. */
export function isNewLevel(c: ContextState, bin: number): boolean {
  const n = c.visits;
  return n[bin] === 0 && (bin === 0 || n[bin - 1] === 0) && (bin === c.bins - 1 || n[bin + 1] === 0);
}

/**
 * The nearest levels seen below and above `bin`: the upper edge of the nearest visited bin below and the lower
 * edge of the nearest visited bin above (NaN where there is none).
 */
export function nearestLevels(c: ContextState, bin: number): [number, number] {
  let below = Number.NaN;
  let above = Number.NaN;
  for (let i = bin - 1; i >= 0; i--) {
    if (c.visits[i]! > 0) {
      below = c.lo + (i + 1) * c.width;
      break;
    }
  }
  for (let i = bin + 1; i < c.bins; i++) {
    if (c.visits[i]! > 0) {
      above = c.lo + i * c.width;
      break;
    }
  }
  return [below, above];
}

/** Lower edge of the lowest visited bin and upper edge of the highest: the span of levels seen so far. */
export function visitedRange(c: ContextState): [number, number] {
  let first = 0;
  while (first < c.bins - 1 && c.visits[first] === 0) first++;
  let last = c.bins - 1;
  while (last > first && c.visits[last] === 0) last--;
  return [c.lo + first * c.width, c.lo + (last + 1) * c.width];
}

/**
 * How many times before the series jumped from the previous value's bin to `bin` or a bin next to it; -1 when
 * `bin` is within one bin of the previous one (a move too small for the grid to tell anything about).
 */
export function familiarity(c: ContextState, bin: number): number {
  if (c.prev < 0 || Math.abs(bin - c.prev) < 2) return -1;
  const row = c.prev * c.bins;
  let n = c.counts[row + bin]!;
  if (bin > 0) n += c.counts[row + bin - 1]!;
  if (bin < c.bins - 1) n += c.counts[row + bin + 1]!;
  return n;
}

/** Counts a value in `bin` and the transition to it from the previous value's bin; `bin` becomes the previous. */
export function learnContext(c: ContextState, bin: number): void {
  if (c.prev >= 0) c.counts[c.prev * c.bins + bin]!++;
  c.visits[bin]!++;
  c.prev = bin;
}
