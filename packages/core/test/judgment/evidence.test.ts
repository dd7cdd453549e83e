import { describe, expect, it } from 'vitest';
import { judgeVerification } from '../../src/judgment/index.ts';
import type { EvidenceInput } from '../../src/judgment/evidence.ts';
import type { EvidenceItem } from '../../src/model/evidence.ts';
import type { MetricData } from '../../src/model/metric.ts';
import { synthetic } from '../judges/fixtures.ts';

const T0 = Date.UTC(2026, 10, 20, 14, 0);
const ok: MetricData = synthetic({ seed: 1 });
const bad: MetricData = synthetic({ seed: 3, shift: 0.5 });
const problem: EvidenceItem = {
  provider: 'dt',
  kind: 'problem',
  id: 'P-1',
  title: 'Failure rate increase',
  status: 'open',
  severity: 'ERROR',
  start: T0,
  entities: ['checkout'],
};
const monitor: EvidenceItem = {
  provider: 'dd',
  kind: 'monitor',
  id: '101',
  title: 'web error rate',
  status: 'closed',
  start: T0,
  end: T0 + 60_000,
  entities: ['pod_name:web-3'],
};
const input = (over: Partial<EvidenceInput>): EvidenceInput => ({
  policy: 'warn',
  items: [],
  providers: ['dt', 'dd'],
  errors: [],
  ...over,
});

describe('alerts as evidence (policy.evidence)', () => {
  it('nothing raised: the verdict stands and the evidence says what was read', () => {
    const j = judgeVerification([ok], { evidence: input({ policy: 'fail' }) });
    expect(j.verdict).toBe('pass');
    expect(j.reason).not.toMatch(/alert/);
    expect(j.evidence).toMatchObject({
      outcome: 'pass',
      explanation: 'no alerts raised during the window (read from dt, dd)',
    });
  });

  it('warn names the alerts and keeps the verdict; fail fails it, in both judge modes', () => {
    const warned = judgeVerification([ok], { evidence: input({ items: [problem, monitor] }) });
    expect(warned.verdict).toBe('pass');
    expect(warned.evidence!.outcome).toBe('warn');
    expect(warned.reason).toMatch(
      /Also: 2 alerts raised during the window: problem P-1 "Failure rate increase" \(dt, open, error\), monitor 101 "web error rate" \(dd, closed\) \(evidence policy warn\)\.$/,
    );
    for (const mode of ['default', 'kayenta'] as const) {
      const failed = judgeVerification([ok], { mode, evidence: input({ policy: 'fail', items: [monitor] }) });
      expect(failed.verdict).toBe('fail');
      expect(failed.evidence!.outcome).toBe('fail');
      expect(failed.reason).toMatch(/^Fail: 1 alert raised during the window: monitor 101/);
    }
  });

  it('a verification that already fails keeps its own reason first and adds the alert', () => {
    const j = judgeVerification([bad], { evidence: input({ policy: 'fail', items: [problem] }) });
    expect(j.verdict).toBe('fail');
    expect(j.reason).toMatch(/^Fail: m failed .* Also: 1 alert raised/);
  });

  it('ignore keeps the verdict even with alerts (the engine does not read them at all)', () => {
    const j = judgeVerification([ok], { evidence: input({ policy: 'ignore', items: [problem] }) });
    expect(j.verdict).toBe('pass');
  });

  it('an unreadable provider is never "no alerts": under fail a passing verdict follows noData', () => {
    const errors = [{ provider: 'dt', message: 'dynatrace: problems: 403 Token is missing required scope' }];
    expect(judgeVerification([ok], { evidence: input({ policy: 'fail', errors }) }).verdict).toBe(
      'inconclusive',
    );
    expect(
      judgeVerification([ok], { noData: 'fail', evidence: input({ policy: 'fail', errors }) }).verdict,
    ).toBe('fail');
    const accepted = judgeVerification([ok], { noData: 'pass', evidence: input({ policy: 'fail', errors }) });
    expect(accepted.verdict).toBe('pass');
    expect(accepted.reason).toMatch(/Also: evidence could not be read from dt \(dynatrace: problems: 403/);
    const warned = judgeVerification([ok], { evidence: input({ errors }) });
    expect(warned.verdict).toBe('pass');
    expect(warned.evidence!.outcome).toBe('no-data');
    // Alerts from one provider and an error from another: the alerts decide, the error is still named.
    const mixed = judgeVerification([ok], { evidence: input({ policy: 'fail', items: [monitor], errors }) });
    expect(mixed.verdict).toBe('fail');
    expect(mixed.evidence!.explanation).toMatch(/; evidence could not be read from dt/);
  });
});
