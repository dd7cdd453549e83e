/**
 * Which jumps between value levels a series has made before: a cheap context memory in the spirit of CAD OSE
 * (contexts of quantised values), used to recognise a jump the series has made many times (a nightly job,
 * a periodic burst) as familiar.
 *
 * Values are quantised on a grid of `bins` equal bins that starts narrow (a share of the series' spread around
 * its level) and doubles its width, merging neighbour bins, whenever a value falls outside it: it needs no
 * range known in advance (no look-ahead) and keeps a fixed size. Each transition (bin of the previous value,
 * bin of this one) is counted.
 */

/** The grid and its transition counts (a plain JSON object). */
export interface ContextState {
  /** Lower edge of the grid. */
  lo: number;
  /** Width of one bin. */
  width: number;
  /** Bins on the grid (a power of two, so that doubling merges whole pairs). */
  bins: number;
  /** Transitions seen: row = bin of the previous value, column = bin of the next (bins x bins, row-major). */
  counts: number[];
  /** Bin of the previous value (-1 before the first). */
  prev: number;
}

/** An empty grid of `bins` bins of width `width` centred on `centre`. */
export function createContext(bins: number, centre: number, width: number): ContextState {
  return {
    lo: centre - (bins / 2) * width,
    width,
    bins,
    counts: new Array<number>(bins * bins).fill(0),
    prev: -1,
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
    for (let i = 0; i < b; i++) {
      const row = (offset + (i >> 1)) * b + offset;
      for (let j = 0; j < b; j++) merged[row + (j >> 1)]! += c.counts[i * b + j]!;
    }
    c.counts = merged;
    if (c.prev >= 0) c.prev = offset + (c.prev >> 1);
    if (down) c.lo -= b * c.width;
    c.width *= 2;
    if (!Number.isFinite(c.width))
      throw new Error(`context grid: value ${v} is too far from the series to place`);
  }
}

/** The bin of `v`, widening the grid first if `v` is off it. */
export function contextBin(c: ContextState, v: number): number {
  if (!(v >= c.lo && v < c.lo + c.bins * c.width)) widen(c, v);
  const i = Math.floor((v - c.lo) / c.width);
  return i < 0 ? 0 : i >= c.bins ? c.bins - 1 : i;
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

/** Counts the transition from the previous value's bin to `bin`, which becomes the previous bin. */
export function learnContext(c: ContextState, bin: number): void {
  if (c.prev >= 0) c.counts[c.prev * c.bins + bin]!++;
  c.prev = bin;
}
