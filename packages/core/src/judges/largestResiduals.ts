import type { Direction } from '../model/metric.ts';
import { type CellFrame, cellMedian } from './frame.ts';
import { type IntScratch, intScratch, type Scratch, scratch, take, takeInts } from './select.ts';

/** Working arrays of {@link largestResiduals} (JudgeBuffers.runs). */
export interface RunBuffers {
  ints: IntScratch;
  floats: Scratch;
}

/** Empty RunBuffers (a plain literal: see judgeBuffers for why not a class). */
export function runBuffers(): RunBuffers {
  return { ints: intScratch(), floats: scratch() };
}

/** Which values of each cell: both sides (`f.sorted`), or one side of `f.bySide`. */
export type CellPart = 'pooled' | 'baseline' | 'canary';

/**
 * The `count` largest harmful residuals (distribution.ts harmfulResiduals, of `direction`) of one part of the
 * frame's cells, ascending, into `out`. Each cell's values are sorted already, and a residual is monotone in
 * its value (decreasing for lower-is-worse; for `both`, on each side of the cell's median), so each cell
 * holds one or two runs of residuals in descending order: merging their heads (a max-heap of runs) reads
 * the largest residuals off the top without selecting among, or sorting, all of them. Each residual is
 * computed with harmfulResiduals' own arithmetic, so the values are identical.
 */
export function largestResiduals(
  f: CellFrame,
  direction: Direction,
  part: CellPart,
  count: number,
  out: Float64Array,
  work: RunBuffers = runBuffers(),
): Float64Array {
  const top = out.subarray(0, count);
  if (count === 0) return top;
  const src = part === 'pooled' ? f.sorted : f.bySide;
  const sign = direction === 'lower-is-worse' ? -1 : 1;
  const both = direction === 'both';
  // Run r reads src[pos[r]], then src[pos[r] + step[r]], ..., up to (not including) end[r].
  const maxRuns = 2 * f.cells;
  const ints = takeInts(work.ints, 4 * maxRuns);
  const pos = ints.subarray(0, maxRuns);
  const end = ints.subarray(maxRuns, 2 * maxRuns);
  const step = ints.subarray(2 * maxRuns, 3 * maxRuns);
  const heap = ints.subarray(3 * maxRuns, 4 * maxRuns);
  const floats = take(work.floats, 2 * maxRuns);
  const med = floats.subarray(0, maxRuns);
  const head = floats.subarray(maxRuns, 2 * maxRuns);
  let runs = 0;
  for (let c = 0; c < f.cells; c++) {
    const m = cellMedian(f, c);
    const mid = f.start[c]! + f.nb[c]!;
    const from = part === 'canary' ? mid : f.start[c]!;
    const to = part === 'baseline' ? mid : f.start[c + 1]!;
    if (from >= to) continue;
    if (!both) {
      runs = addRun(runs, from, to, sign < 0, m, pos, end, step, med);
      continue;
    }
    // Below the median the residual falls as the value rises; from the median on it rises with it.
    let split = from;
    while (split < to && src[split]! < m) split++;
    if (split > from) runs = addRun(runs, from, split, true, m, pos, end, step, med);
    if (split < to) runs = addRun(runs, split, to, false, m, pos, end, step, med);
  }
  for (let r = 0; r < runs; r++) {
    head[r] = residualAt(src, pos[r]!, med[r]!, sign, both);
    heap[r] = r;
  }
  let size = runs;
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(heap, head, size, i);
  for (let k = count - 1; k >= 0; k--) {
    const r = heap[0]!;
    top[k] = head[r]!;
    pos[r] = pos[r]! + step[r]!;
    if (pos[r] === end[r]) heap[0] = heap[--size]!;
    else head[r] = residualAt(src, pos[r]!, med[r]!, sign, both);
    siftDown(heap, head, size, 0);
  }
  return top;
}

/**
 * Run `runs` over src[from .. to), read upwards (`ascending`) or downwards, of a cell with median m; returns
 * the number of runs. Module functions, not closures per call, so V8 optimises them once.
 */
function addRun(
  runs: number,
  from: number,
  to: number,
  ascending: boolean,
  m: number,
  pos: Int32Array,
  end: Int32Array,
  step: Int32Array,
  med: Float64Array,
): number {
  pos[runs] = ascending ? from : to - 1;
  end[runs] = ascending ? to : from - 1;
  step[runs] = ascending ? 1 : -1;
  med[runs] = m;
  return runs + 1;
}

/** The harmful residual of src[i] in a cell of median m: harmfulResiduals' arithmetic exactly. */
function residualAt(src: Float64Array, i: number, m: number, sign: number, both: boolean): number {
  const x = sign * (src[i]! - m);
  return both ? Math.abs(x) : x;
}

/** Restores the max-heap order (by `head`) of heap[0 .. size) below entry i. */
function siftDown(heap: Int32Array, head: Float64Array, size: number, i: number): void {
  const r = heap[i]!;
  const v = head[r]!;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const rr = l + 1;
    const c = rr < size && head[heap[rr]!]! > head[heap[l]!]! ? rr : l;
    if (head[heap[c]!]! <= v) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = r;
}
