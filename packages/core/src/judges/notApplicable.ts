import type { JudgeResult } from '../model/verdict.ts';

/** The result of a judge that has nothing to say about this data (too few points, wrong shape of data). */
export function notApplicable(judge: string, why: string): JudgeResult {
  return {
    judge,
    outcome: 'no-data',
    risk: 0,
    classification: 'nodata',
    explanation: why,
    evidence: { applicable: false },
  };
}
