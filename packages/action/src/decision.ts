/** What the Action does with a verification's outcome, given on-failure and on-inconclusive. */
import type { Report } from '@vigil/core';
import type { OnFailure, OnInconclusive } from './inputs.ts';

export interface Decision {
  /** `fail` fails the step; `warn` passes it with a warning. */
  outcome: 'pass' | 'warn' | 'fail';
  /** Dispatch the rollback workflow. A rollback also fails the step: the deployment did not hold. */
  rollback: boolean;
}

/**
 * The step passes only on `passed`. `failed` follows on-failure; `inconclusive` and `could-not-verify`
 * follow on-inconclusive (default fail), except a could-not-verify whose verdict is fail by the no-data policy,
 * which follows on-failure as the spec asked. `cancelled` always fails the step and never rolls back: a
 * cancelled job says nothing about the new version. Reports without an outcome decide by the verdict.
 */
export function decide(
  report: Pick<Report, 'verdict' | 'outcome'>,
  onFailure: OnFailure,
  onInconclusive: OnInconclusive,
): Decision {
  const outcome =
    report.outcome ??
    (report.verdict === 'pass' ? 'passed' : report.verdict === 'fail' ? 'failed' : 'inconclusive');
  if (outcome === 'cancelled') return { outcome: 'fail', rollback: false };
  const policy =
    outcome === 'passed'
      ? 'pass'
      : outcome === 'failed' || (outcome === 'could-not-verify' && report.verdict === 'fail')
        ? onFailure
        : onInconclusive;
  switch (policy) {
    case 'pass':
      return { outcome: 'pass', rollback: false };
    case 'warn':
      return { outcome: 'warn', rollback: false };
    case 'fail':
      return { outcome: 'fail', rollback: false };
    case 'rollback':
      return { outcome: 'fail', rollback: true };
  }
}
