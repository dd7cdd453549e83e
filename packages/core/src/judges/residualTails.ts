import type { Direction } from '../model/metric.ts';
import { type JudgeBuffers, judgeBuffers } from './buffers.ts';
import type { CellFrame } from './frame.ts';
import { largestResiduals } from './largestResiduals.ts';
import { type Scratch, selectedUpperTail, take, type UpperTail, upperTail } from './select.ts';

/**
 * The upper tails of a frame's harmful residuals, taken once per distribution judgment and read by all its
 * tail tests: the tail summary (its pooled threshold, each side's p95 and p99), the tail count test (pooled
 * 90th to 99th percentiles) and the exceedance test (the baseline's 95th percentile, the values above it and
 * its maximum): one set of order statistics instead of a selection or a sort of the same residuals in each.
 */
export interface ResidualTails {
  /** Pooled residuals from their quantile at the level asked for up. */
  pooled: UpperTail;
  /** Each side's residuals from their {@link SIDE_TAIL_LEVEL} quantile up. */
  baseline: UpperTail;
  canary: UpperTail;
}

/** Where each side's tail starts: the tail summary's p95 and the exceedance test's anchor (also 0.95). */
export const SIDE_TAIL_LEVEL = 0.95;

/** Fewest residuals per side for a tail comparison; with fewer, the tail tests step aside. */
export const MIN_TAIL_POINTS = 10;

/**
 * The tails of `residuals` (in the frame's value order): pooled from `pooledLevel` up (the lowest pooled
 * quantile any reader needs), each side from {@link SIDE_TAIL_LEVEL} up. Null when a side has fewer than
 * {@link MIN_TAIL_POINTS} residuals. The tails live in `work` until its next use.
 *
 * With `direction`, `residuals` must be harmfulResiduals(f, direction): the tails are then read off the
 * frame's sorted cells (largestResiduals.ts), a few hundred values instead of a selection over all of them
 * and a heap over each side; without it, they are selected from `residuals` (the same values either way).
 */
export function residualTails(
  f: CellFrame,
  residuals: Float64Array,
  pooledLevel: number,
  work: JudgeBuffers = judgeBuffers(),
  direction?: Direction,
): ResidualTails | null {
  if (!direction) {
    const sides = sideTails(f, residuals, work);
    if (!sides) return null;
    return { pooled: pooledTail(residuals, pooledLevel, work), ...sides };
  }
  const n = residuals.length;
  let nb = 0;
  for (let c = 0; c < f.cells; c++) nb += f.nb[c]!;
  const nc = n - nb;
  if (nb < MIN_TAIL_POINTS || nc < MIN_TAIL_POINTS) return null;
  const pooled = upperTailOf(n, pooledLevel, work.pooledTail);
  const baseline = upperTailOf(nb, SIDE_TAIL_LEVEL, work.baselineTail);
  const canary = upperTailOf(nc, SIDE_TAIL_LEVEL, work.canaryTail);
  largestResiduals(f, direction, pooled.top, baseline.top, canary.top, work.runs);
  return { pooled, baseline, canary };
}

/** An upper tail of `n` values from `level` up, its values still to be filled in (in `into`). */
function upperTailOf(n: number, level: number, into: Scratch): UpperTail {
  const first = Math.floor((n - 1) * level);
  return { top: take(into, n - first), first, n };
}

/** The pooled upper tail of `residuals` from `level` up (in `work.pooledTail`). */
export function pooledTail(
  residuals: Float64Array,
  level: number,
  work: JudgeBuffers = judgeBuffers(),
): UpperTail {
  const pool = take(work.pooledTail, residuals.length);
  pool.set(residuals);
  return selectedUpperTail(pool, level);
}

/**
 * Each side's upper tail from {@link SIDE_TAIL_LEVEL} up (in `work.baselineTail` and `work.canaryTail`),
 * or null when a side has fewer than {@link MIN_TAIL_POINTS} residuals.
 */
export function sideTails(
  f: CellFrame,
  residuals: Float64Array,
  work: JudgeBuffers = judgeBuffers(),
): { baseline: UpperTail; canary: UpperTail } | null {
  const n = residuals.length;
  let nb = 0;
  for (let c = 0; c < f.cells; c++) nb += f.nb[c]!;
  const nc = n - nb;
  if (nb < MIN_TAIL_POINTS || nc < MIN_TAIL_POINTS) return null;
  // Each side's residuals, baseline first, canary after, copied cell by cell (each cell holds its baseline
  // values first).
  const split = take(work.sideResiduals, n);
  const rb = split.subarray(0, nb);
  const rc = split.subarray(nb, n);
  for (let c = 0, ib = 0, ic = 0; c < f.cells; c++) {
    const from = f.start[c]!;
    const mid = from + f.nb[c]!;
    const to = f.start[c + 1]!;
    for (let i = from; i < mid; i++) rb[ib++] = residuals[i]!;
    for (let i = mid; i < to; i++) rc[ic++] = residuals[i]!;
  }
  return {
    baseline: upperTail(rb, SIDE_TAIL_LEVEL, work.baselineTail),
    canary: upperTail(rc, SIDE_TAIL_LEVEL, work.canaryTail),
  };
}
