import { describe, expect, it } from 'vitest';
import { exitCodeOfReport } from '../src/exitCode.ts';

describe('exitCodeOfReport', () => {
  it('exits 0 only when the verification passed with every required metric judged', () => {
    expect(exitCodeOfReport({ verdict: 'pass', outcome: 'passed' })).toBe(0);
    expect(exitCodeOfReport({ verdict: 'pass', outcome: 'could-not-verify' })).toBe(2);
    expect(exitCodeOfReport({ verdict: 'inconclusive', outcome: 'cancelled' })).toBe(2);
    expect(exitCodeOfReport({ verdict: 'fail', outcome: 'could-not-verify' })).toBe(2);
    expect(exitCodeOfReport({ verdict: 'fail', outcome: 'failed' })).toBe(1);
  });

  it('falls back to the verdict for reports written before the outcome existed', () => {
    expect(exitCodeOfReport({ verdict: 'pass' })).toBe(0);
    expect(exitCodeOfReport({ verdict: 'fail' })).toBe(1);
  });
});
