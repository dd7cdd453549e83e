import { type FrameBuffers, frameBuffers } from './frame.ts';
import { type RunBuffers, runBuffers } from './largestResiduals.ts';
import {
  type IntScratch,
  intScratch,
  type RadixBuffers,
  radixBuffers,
  type Scratch,
  scratch,
} from './select.ts';
import { type SideBuffers, sideBuffers } from './sideValues.ts';

/**
 * The working arrays of one judgment, owned by whoever judges (`judgeVerification` makes one set for all
 * its metrics) and handed down explicitly: each judgment would otherwise allocate several arrays of every
 * value of a metric and drop them at once, and V8 answers that volume of short-lived array buffers with
 * extra collections. Each array is valid until its next `take`; no two users share one.
 */
export interface JudgeBuffers {
  /** Each side's values as read (prepared.ts readSides): valid while its metric is judged. */
  baseline: SideBuffers;
  canary: SideBuffers;
  /** The cell frame of the metric being judged (prepared.ts prepareMetric). */
  frame: FrameBuffers;
  /** The distribution judge's harmful residuals (distribution.ts). */
  residuals: Scratch;
  /** A side's finite values, reordered by the summary's quantile selections (sideSummary.ts). */
  summary: Scratch;
  /** Spacings of consecutive points, to read a side's step (judgment/coverage.ts). */
  coverageSteps: Scratch;
  /** The variance test's deviations, scores and sorted deviations (distribution.ts scaleTest). */
  scaleDeviations: Scratch;
  scaleScores: Scratch;
  scaleSorted: Scratch;
  /** The robust variance ratio's deviations and their capped copy (distribution.ts absoluteDeviationRatio). */
  deviationRatio: Scratch;
  deviationCap: Scratch;
  /** The radix sort of the variance test's deviations (select.ts ascendingOrder). */
  order: RadixBuffers;
  /** The tail test's scores (distribution.ts). */
  tailScores: Scratch;
  /**
   * The residuals' upper tails that the tail tests share (residualTails.ts): pooled and each side's, and for
   * the tails selected from the residuals themselves (without the frame's runs) each side's residuals.
   */
  pooledTail: Scratch;
  sideResiduals: Scratch;
  baselineTail: Scratch;
  canaryTail: Scratch;
  /** The runs merged to read those tails off the frame's sorted cells (largestResiduals.ts). */
  runs: RunBuffers;
  /** The exceedance test's canary values beyond the baseline (exceedance.ts). */
  exceedanceCanary: Scratch;
  /** The shape judge's SAX words, segment weights and canary distances (shape.ts). */
  shapeWords: IntScratch;
  shapeWeights: Scratch;
  shapeDistances: Scratch;
  /** Klotz score tables by number of values (distribution.ts): metrics of one verification share sizes. */
  klotzTables: Map<number, Float64Array>;
}

/**
 * A fresh set of working arrays. Plain objects of one literal shape, not class instances: V8 keeps a
 * literal's layout alive with the code that creates it, while a class instance's layout dies with the last
 * instance, and a full collection between two judgments would then throw away the judges' optimised code.
 */
export function judgeBuffers(): JudgeBuffers {
  return {
    baseline: sideBuffers(),
    canary: sideBuffers(),
    frame: frameBuffers(),
    residuals: scratch(),
    summary: scratch(),
    coverageSteps: scratch(),
    scaleDeviations: scratch(),
    scaleScores: scratch(),
    scaleSorted: scratch(),
    deviationRatio: scratch(),
    deviationCap: scratch(),
    order: radixBuffers(),
    tailScores: scratch(),
    pooledTail: scratch(),
    sideResiduals: scratch(),
    baselineTail: scratch(),
    canaryTail: scratch(),
    runs: runBuffers(),
    exceedanceCanary: scratch(),
    shapeWords: intScratch(),
    shapeWeights: scratch(),
    shapeDistances: scratch(),
    klotzTables: new Map(),
  };
}
