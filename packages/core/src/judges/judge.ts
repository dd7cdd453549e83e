import type { MetricData } from '../model/metric.ts';
import type { JudgeResult } from '../model/verdict.ts';
import type { JudgeBuffers } from './buffers.ts';
import type { PreparedMetric } from './prepared.ts';
import type { SensitivitySettings } from './sensitivity.ts';

/** Context a judge runs in. */
export interface JudgeContext {
  /** The resolved sensitivity numbers for this metric (alpha already the judge's share). */
  settings: SensitivitySettings;
  /**
   * The metric's data prepared once for all its judges (`judgeMetric` always passes it). A judge called on
   * its own without it prepares the data itself.
   */
  prepared?: PreparedMetric;
  /** Working arrays to reuse (`judgeVerification` passes one set for all its metrics); else the judge's own. */
  buffers?: JudgeBuffers;
}

/** A judge is a pure function of the metric's data: no I/O, no clock, no randomness. */
export type Judge = (data: MetricData, ctx: JudgeContext) => JudgeResult;
