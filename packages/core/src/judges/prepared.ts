import type { Group, MetricData } from '../model/metric.ts';
import type { SideSummary } from '../model/verdict.ts';
import { type AlignedData, alignByTime } from './align.ts';
import { type JudgeBuffers, judgeBuffers } from './buffers.ts';
import { type CellFrame, frameOfAligned, frameOfCells, typicalShift } from './frame.ts';
import { summarizeValues } from './sideSummary.ts';
import { type SideValues, sideValues } from './sideValues.ts';

/**
 * A metric's sides read once: the values of each side in flat arrays and their summaries. Coverage, the
 * summaries of the report and every judge read these instead of walking the point objects again.
 */
export interface MetricSides {
  values: Record<Group, SideValues>;
  summary: Record<Group, SideSummary>;
}

/**
 * Reads both sides of a metric (see MetricSides) into `work`'s arrays, which also hold the summaries'
 * selections: the values are valid until the next metric is read into the same buffers.
 */
export function readSides(data: MetricData, work: JudgeBuffers = judgeBuffers()): MetricSides {
  const baseline = sideValues(data.baseline, work.baseline);
  const canary = sideValues(data.canary, work.canary);
  return {
    values: { baseline, canary },
    summary: {
      baseline: summarizeValues(baseline, work.summary),
      canary: summarizeValues(canary, work.summary),
    },
  };
}

/**
 * Everything the statistical judges of one metric share, computed once by `judgeMetric` before any of them
 * runs and handed to each in its context: the sides as read, their alignment on common timestamps, the
 * cells compared (one per aligned minute, else one cell pooling each side's finite values) and the typical
 * shift of the canary over those cells. Built for one judgment of one data set: data changed afterwards
 * (a live verification's series growing) needs a new one.
 */
export interface PreparedMetric extends MetricSides {
  data: MetricData;
  /** Both sides on their common timestamps, or null when they do not line up (see alignByTime). */
  aligned: AlignedData | null;
  /** The cells the paired and distribution judges compare. */
  frame: CellFrame;
  /** typicalShift(frame): the median over cells of the canary's median minus the baseline's. */
  shift: number;
}

/**
 * Prepares a metric for its judges; `sides` when its sides were read already. With `work`, the frame lives
 * in its arrays: the prepared metric is then valid until the next one prepared with the same buffers.
 */
export function prepareMetric(
  data: MetricData,
  sides: MetricSides = readSides(data),
  work?: JudgeBuffers,
): PreparedMetric {
  const aligned = alignByTime(data.baseline, data.canary, sides.values);
  const frame = aligned
    ? frameOfAligned(aligned, work?.frame)
    : frameOfCells([pooledCell(sides.values)], work?.frame);
  // A literal of fixed shape, not a spread of `sides`: V8 keeps the layout of a literal alive, while the
  // layout a spread builds dies with the last prepared metric, and every full collection between two
  // judgments would then throw away the judges' optimised code compiled against it.
  return { values: sides.values, summary: sides.summary, data, aligned, frame, shift: typicalShift(frame) };
}

/** Every finite value of each side, in read order: one cell, for data whose timestamps do not line up. */
function pooledCell(values: Record<Group, SideValues>): { b: number[]; c: number[] } {
  const finite = (side: SideValues): number[] => {
    const out: number[] = [];
    for (const x of side.v) if (Number.isFinite(x)) out.push(x);
    return out;
  };
  return { b: finite(values.baseline), c: finite(values.canary) };
}
