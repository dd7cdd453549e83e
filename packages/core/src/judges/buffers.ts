import { type RadixBuffers, radixBuffers, type Scratch, scratch } from './select.ts';

/**
 * The working arrays of one judgment, owned by whoever judges (`judgeVerification` makes one set for all
 * its metrics) and handed down explicitly: each judgment would otherwise allocate several arrays of every
 * value of a metric and drop them at once, and V8 answers that volume of short-lived array buffers with
 * extra collections. Each array is valid until its next `take`; no two users share one.
 */
export interface JudgeBuffers {
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
  /** The tail test's scores, and the residuals it selects quantiles of (distribution.ts). */
  tailScores: Scratch;
  tailResiduals: Scratch;
  /** The heap of upperQuantiles (select.ts). */
  upperHeap: Scratch;
  /** The tail count test's pooled residuals and the exceedance test's sides (exceedance.ts). */
  countPooled: Scratch;
  exceedanceBaseline: Scratch;
  exceedanceCanary: Scratch;
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
    summary: scratch(),
    coverageSteps: scratch(),
    scaleDeviations: scratch(),
    scaleScores: scratch(),
    scaleSorted: scratch(),
    deviationRatio: scratch(),
    deviationCap: scratch(),
    order: radixBuffers(),
    tailScores: scratch(),
    tailResiduals: scratch(),
    upperHeap: scratch(),
    countPooled: scratch(),
    exceedanceBaseline: scratch(),
    exceedanceCanary: scratch(),
    klotzTables: new Map(),
  };
}
