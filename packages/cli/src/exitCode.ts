import type { Verdict } from '@vigil/core';

/** The process exit code of a verdict: 0 pass, 1 fail, 2 inconclusive. */
export function exitCodeOf(verdict: Verdict): number {
  return verdict === 'pass' ? 0 : verdict === 'fail' ? 1 : 2;
}
