/** What the Action does with a verdict, given on-failure and on-inconclusive. */
import type { Report } from '@vigil/core';
import type { OnFailure, OnInconclusive } from './inputs.ts';

export interface Decision {
  /** `fail` fails the step; `warn` passes it with a warning. */
  outcome: 'pass' | 'warn' | 'fail';
  /** Dispatch the rollback workflow. A rollback also fails the step: the deployment did not hold. */
  rollback: boolean;
}

export function decide(
  verdict: Report['verdict'],
  onFailure: OnFailure,
  onInconclusive: OnInconclusive,
): Decision {
  const policy = verdict === 'pass' ? 'pass' : verdict === 'fail' ? onFailure : onInconclusive;
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
