import type { Outcome, Report, Verdict } from '@vigil/core';

/** The process exit code of a verdict: 0 pass, 1 fail, 2 inconclusive. */
export function exitCodeOf(verdict: Verdict): number {
  return verdict === 'pass' ? 0 : verdict === 'fail' ? 1 : 2;
}

/**
 * The exit code of a verification report, from its outcome: 0 only when it passed with every required metric
 * judged, 1 failed, 2 anything else (inconclusive, could not verify, cancelled). A verdict of pass whose
 * critical metric could not be judged exits 2, not 0. Reports without an outcome fall back to the verdict.
 */
export function exitCodeOfReport(report: Pick<Report, 'verdict' | 'outcome'>): number {
  const outcome: Outcome | undefined = report.outcome;
  if (outcome === undefined) return exitCodeOf(report.verdict);
  return outcome === 'passed' ? 0 : outcome === 'failed' ? 1 : 2;
}
