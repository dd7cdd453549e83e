import type { MetricData } from '../model/metric.ts';
import type { JudgeResult } from '../model/verdict.ts';
import type { SensitivitySettings } from './sensitivity.ts';

/** Context a judge runs in: the resolved sensitivity numbers for this metric. */
export interface JudgeContext {
  settings: SensitivitySettings;
}

/** A judge is a pure function of the metric's data: no I/O, no clock, no randomness. */
export type Judge = (data: MetricData, ctx: JudgeContext) => JudgeResult;
