import type { AlignedData, Cell } from './align.ts';
import {
  type ByteScratch,
  byteScratch,
  type IntScratch,
  intScratch,
  quantileInPlace,
  type Scratch,
  scratch,
  take,
  takeBytes,
  takeInts,
} from './select.ts';

/**
 * Both sides' values cell by cell (a cell is one minute of time-aligned data, or everything when the sides
 * are not aligned) in flat typed arrays, each cell sorted once. The judges of a metric read everything they
 * need from here (means, medians, ranks, residuals) instead of allocating arrays per minute and sorting
 * the same few values again in every judge.
 */
export interface CellFrame {
  /** Number of cells (only cells with values on both sides). */
  cells: number;
  /** Cell i holds values[start[i] .. start[i + 1]): its baseline values first, then its canary values. */
  values: Float64Array;
  start: Int32Array;
  /** Baseline values of each cell. */
  nb: Int32Array;
  /**
   * Each cell's values ascending (same offsets as `values`), and their sides: 1 canary, 0 baseline (a
   * baseline value before an equal canary value).
   */
  sorted: Float64Array;
  labels: Uint8Array;
  /** The side of each entry of `values`: 1 canary, 0 baseline. */
  side: Uint8Array;
  /** Each cell's baseline values ascending, then its canary values ascending (same offsets as `values`). */
  bySide: Float64Array;
  /** The largest absolute value (0 without values): the scale of the tests' tie tolerance (exceedance.ts). */
  maxAbs: number;
}

/**
 * The arrays a CellFrame is built in (JudgeBuffers.frame). A frame is read only while its metric is judged,
 * and fresh arrays of every value for each metric are, after reading the points, the largest allocations of
 * a judgment; one set reused across the metrics of a verification spares them.
 */
export interface FrameBuffers {
  values: Scratch;
  start: IntScratch;
  nb: IntScratch;
  sorted: Scratch;
  labels: ByteScratch;
  side: ByteScratch;
  bySide: Scratch;
}

/** Empty FrameBuffers (a plain literal: see judgeBuffers for why not a class). */
export function frameBuffers(): FrameBuffers {
  return {
    values: scratch(),
    start: intScratch(),
    nb: intScratch(),
    sorted: scratch(),
    labels: byteScratch(),
    side: byteScratch(),
    bySide: scratch(),
  };
}

/**
 * The frame of time-aligned data: one cell per timestamp where both sides have a finite value. With `work`,
 * the frame lives in its arrays and is valid until the next frame built in them.
 */
export function frameOfAligned(aligned: AlignedData, work?: FrameBuffers): CellFrame {
  const T = aligned.times.length;
  const rows = aligned.baseline.length + aligned.canary.length;
  const values = work ? take(work.values, T * rows) : new Float64Array(T * rows);
  const start = work ? takeInts(work.start, T + 1) : new Int32Array(T + 1);
  const nb = work ? takeInts(work.nb, T) : new Int32Array(T);
  start[0] = 0;
  let k = 0;
  let cells = 0;
  for (let j = 0; j < T; j++) {
    const from = k;
    for (const r of aligned.baseline) {
      const v = r[j]!;
      if (!Number.isNaN(v)) values[k++] = v;
    }
    const b = k - from;
    for (const r of aligned.canary) {
      const v = r[j]!;
      if (!Number.isNaN(v)) values[k++] = v;
    }
    if (b === 0 || k - from === b) {
      k = from;
      continue;
    }
    nb[cells] = b;
    start[++cells] = k;
  }
  return build(values.subarray(0, k), start.subarray(0, cells + 1), nb.subarray(0, cells), cells, work);
}

/** The frame of explicit cells (cells missing a side are left out); `work` as for frameOfAligned. */
export function frameOfCells(cells: Cell[], work?: FrameBuffers): CellFrame {
  let total = 0;
  for (const c of cells) if (c.b.length > 0 && c.c.length > 0) total += c.b.length + c.c.length;
  const values = work ? take(work.values, total) : new Float64Array(total);
  const start = work ? takeInts(work.start, cells.length + 1) : new Int32Array(cells.length + 1);
  const nb = work ? takeInts(work.nb, cells.length) : new Int32Array(cells.length);
  start[0] = 0;
  let k = 0;
  let n = 0;
  for (const c of cells) {
    if (c.b.length === 0 || c.c.length === 0) continue;
    for (const x of c.b) values[k++] = x;
    for (const x of c.c) values[k++] = x;
    nb[n] = c.b.length;
    start[++n] = k;
  }
  return build(values, start.subarray(0, n + 1), nb.subarray(0, n), n, work);
}

function build(
  values: Float64Array,
  start: Int32Array,
  nb: Int32Array,
  cells: number,
  work: FrameBuffers | undefined,
): CellFrame {
  const n = values.length;
  const sorted = work ? take(work.sorted, n) : new Float64Array(n);
  const labels = work ? takeBytes(work.labels, n) : new Uint8Array(n);
  const side = work ? takeBytes(work.side, n) : new Uint8Array(n);
  const bySide = work ? take(work.bySide, n) : new Float64Array(n);
  let maxAbs = 0;
  for (let c = 0; c < cells; c++) {
    const from = start[c]!;
    const to = start[c + 1]!;
    const mid = from + nb[c]!;
    // Plain loops: a builtin call per side of a minute costs more than its ten stores.
    for (let k = from; k < mid; k++) side[k] = 0;
    for (let k = mid; k < to; k++) side[k] = 1;
    // Each side sorted on its own, then merged: half the work of sorting the cell as one, and the
    // per-side order comes for free. A baseline value goes before an equal canary value.
    sortRange(values, from, mid, bySide);
    sortRange(values, mid, to, bySide);
    let i = from;
    let j = mid;
    let k = from;
    // While both sides have values, the next comes from the baseline when t is 1: chosen by index
    // arithmetic, not a branch, because the sides interleave at random.
    while (i < mid && j < to) {
      const t = +(bySide[i]! <= bySide[j]!);
      sorted[k] = bySide[j + t * (i - j)]!;
      labels[k++] = 1 - t;
      i += t;
      j += 1 - t;
    }
    for (; i < mid; i++, k++) {
      sorted[k] = bySide[i]!;
      labels[k] = 0;
    }
    for (; j < to; j++, k++) {
      sorted[k] = bySide[j]!;
      labels[k] = 1;
    }
    // A sorted cell's largest absolute value is at one of its ends.
    const lo = Math.abs(sorted[from]!);
    const hi = Math.abs(sorted[to - 1]!);
    if (lo > maxAbs) maxAbs = lo;
    if (hi > maxAbs) maxAbs = hi;
  }
  return { cells, values, start, nb, sorted, labels, side, bySide, maxAbs };
}

/** values[from .. to) ascending into out[from .. to): insertion sort for a minute's few instances. */
function sortRange(values: Float64Array, from: number, to: number, out: Float64Array): void {
  if (to - from > 32) {
    out.set(values.subarray(from, to), from);
    out.subarray(from, to).sort();
    return;
  }
  for (let k = from; k < to; k++) {
    const v = values[k]!;
    let j = k - 1;
    while (j >= from && out[j]! > v) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = v;
  }
}

/** Median of cell c's values of both sides. */
export function cellMedian(f: CellFrame, c: number): number {
  const from = f.start[c]!;
  const N = f.start[c + 1]! - from;
  const h = from + ((N - 1) >> 1);
  return N % 2 ? f.sorted[h]! : (f.sorted[h]! + f.sorted[h + 1]!) / 2;
}

/** Median of one side's values in cell c (label 1 canary, 0 baseline); NaN when the side has none. */
export function cellSideMedian(f: CellFrame, c: number, label: 0 | 1): number {
  const from = f.start[c]!;
  const nb = f.nb[c]!;
  const k = label === 1 ? f.start[c + 1]! - from - nb : nb;
  if (k === 0) return Number.NaN;
  const at = (label === 1 ? from + nb : from) + ((k - 1) >> 1);
  return k % 2 ? f.bySide[at]! : (f.bySide[at]! + f.bySide[at + 1]!) / 2;
}

/**
 * The typical location shift of the canary: the median over cells of the difference of the sides' medians
 * (the paired judge sizes the change by it, the scale test removes it; computed once per metric in its
 * PreparedMetric). Means of heavy-tailed noise can point the wrong way while the bulk clearly moved; this
 * does not.
 */
export function typicalShift(f: CellFrame): number {
  const d = new Float64Array(f.cells);
  for (let c = 0; c < f.cells; c++) d[c] = cellSideMedian(f, c, 1) - cellSideMedian(f, c, 0);
  return f.cells > 0 ? quantileInPlace(d, 0.5) : 0;
}
