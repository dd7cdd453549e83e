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

/**
 * The largest harmful residuals (distribution.ts harmfulResiduals, of `direction`) of the frame: the
 * `pooled.length` largest of all, and the `baseline.length` and `canary.length` largest of each side, each
 * ascending into its array. Each cell's values are sorted already, and a residual is monotone in its value
 * (decreasing for lower-is-worse; for `both`, on each side of the cell's median), so each cell holds one or
 * two runs of residuals in descending order: merging their heads (a max-heap of runs) reads the largest
 * residuals off the top, in descending order, without selecting among or sorting all of them. Each side's
 * largest are the first of its values read, so one merge serves all three. Each residual is computed with
 * harmfulResiduals' own arithmetic: the values are identical.
 */
export function largestResiduals(
  f: CellFrame,
  direction: Direction,
  pooled: Float64Array,
  baseline: Float64Array,
  canary: Float64Array,
  work: RunBuffers = runBuffers(),
): void {
  const src = f.sorted;
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
    const from = f.start[c]!;
    const to = f.start[c + 1]!;
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
  let kp = pooled.length;
  let kb = baseline.length;
  let kc = canary.length;
  while (size > 0 && (kp > 0 || kb > 0 || kc > 0)) {
    const r = heap[0]!;
    const x = head[r]!;
    if (kp > 0) pooled[--kp] = x;
    if (f.labels[pos[r]!] === 1) {
      if (kc > 0) canary[--kc] = x;
    } else if (kb > 0) baseline[--kb] = x;
    pos[r] = pos[r]! + step[r]!;
    if (pos[r] === end[r]) heap[0] = heap[--size]!;
    else head[r] = residualAt(src, pos[r]!, med[r]!, sign, both);
    siftDown(heap, head, size, 0);
  }
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
