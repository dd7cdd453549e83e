import { RadixBuffers, Scratch } from './select.ts';

/**
 * The working arrays of one judgment, owned by whoever judges (`judgeVerification` makes one set for all
 * its metrics) and handed down explicitly: each judgment would otherwise allocate several arrays of every
 * value of a metric and drop them at once, and V8 answers that volume of short-lived array buffers with
 * extra collections. Each array is valid until its next `get`; no two users share one.
 */
export class JudgeBuffers {
  /** A side's finite values, reordered by the summary's quantile selections (sideSummary.ts). */
  readonly summary = new Scratch();
  /** Spacings of consecutive points, to read a side's step (judgment/coverage.ts). */
  readonly coverageSteps = new Scratch();
  /** The variance test's deviations, scores and sorted deviations (distribution.ts scaleTest). */
  readonly scaleDeviations = new Scratch();
  readonly scaleScores = new Scratch();
  readonly scaleSorted = new Scratch();
  /** The radix sort of the variance test's deviations (select.ts ascendingOrder). */
  readonly order = new RadixBuffers();
  /** The tail test's scores, and the residuals it selects quantiles of (distribution.ts). */
  readonly tailScores = new Scratch();
  readonly tailResiduals = new Scratch();
  /** The heap of upperQuantiles (select.ts). */
  readonly upperHeap = new Scratch();
  /** The tail count test's pooled residuals and the exceedance test's sides (exceedance.ts). */
  readonly countPooled = new Scratch();
  readonly exceedanceBaseline = new Scratch();
  readonly exceedanceCanary = new Scratch();
  /** Klotz score tables by number of values (distribution.ts): metrics of one verification share sizes. */
  readonly klotzTables = new Map<number, Float64Array>();
}
