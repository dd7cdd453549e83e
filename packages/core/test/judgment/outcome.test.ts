import { describe, expect, it } from 'vitest';
import { type OutcomeInput, verificationOutcome } from '../../src/judgment/outcome.ts';

type M = OutcomeInput['metrics'][number];
const metric = (metric: string, over: Partial<M> = {}): M => ({
  metric,
  outcome: 'pass',
  critical: false,
  muted: false,
  explanation: `${metric}: no harmful change`,
  ...over,
});
const input = (over: Partial<OutcomeInput>): OutcomeInput => ({
  verdict: 'pass',
  status: 'completed',
  metrics: [metric('p99 latency')],
  errors: [],
  ...over,
});

describe('verificationOutcome', () => {
  it('passes only a verification whose metrics were all judged', () => {
    expect(verificationOutcome(input({}))).toEqual({ outcome: 'passed' });
  });

  it('could not verify when the only metric had no data because every query failed (the verdict said inconclusive)', () => {
    const o = verificationOutcome(
      input({
        verdict: 'inconclusive',
        metrics: [
          metric('p99 latency', {
            outcome: 'no-data',
            explanation: 'no data: the canary returned no values',
          }),
        ],
        errors: [
          { metric: 'p99 latency', message: 'prometheus: HTTP 400 bad_data: parse error at char 5' },
          { metric: 'p99 latency', message: 'prometheus: HTTP 400 bad_data: parse error at char 5' },
        ],
      }),
    );
    expect(o.outcome).toBe('could-not-verify');
    expect(o.unjudged).toEqual(['p99 latency']);
    expect(o.cause).toBe(
      'could not verify: metric "p99 latency" could not be judged (provider error: prometheus: HTTP 400 bad_data: parse error at char 5)',
    );
  });

  it('could not verify when a critical metric had no data although the verdict passed on the others', () => {
    const o = verificationOutcome(
      input({
        verdict: 'pass',
        metrics: [
          metric('errors', {
            critical: true,
            outcome: 'no-data',
            explanation: 'no data: the canary returned no values for errors',
          }),
          metric('cpu'),
        ],
      }),
    );
    expect(o.outcome).toBe('could-not-verify');
    expect(o.cause).toBe(
      'could not verify: critical metric "errors" could not be judged (no data: the canary returned no values for errors)',
    );
  });

  it('only critical metrics are required when some are marked critical', () => {
    const o = verificationOutcome(
      input({
        verdict: 'inconclusive',
        metrics: [metric('errors', { critical: true }), metric('cpu', { outcome: 'no-data' })],
      }),
    );
    expect(o).toEqual({ outcome: 'inconclusive' });
  });

  it('names the data issue the metric carries, even when its outcome is pass', () => {
    const o = verificationOutcome(
      input({
        metrics: [
          metric('p99 latency', {
            dataIssue: { cause: 'low-coverage', detail: '4 of 10 minutes had canary data' },
          }),
        ],
      }),
    );
    expect(o.outcome).toBe('could-not-verify');
    expect(o.cause).toContain('(low-coverage: 4 of 10 minutes had canary data)');
  });

  it('counts provider errors against a judged metric, and names how many fetches failed', () => {
    const o = verificationOutcome(
      input({
        errors: [
          { metric: 'p99 latency', message: 'HTTP 502 Bad Gateway' },
          { metric: 'p99 latency', message: 'HTTP 503 Service Unavailable' },
          { metric: 'other', message: 'HTTP 500' },
        ],
      }),
    );
    expect(o.outcome).toBe('could-not-verify');
    expect(o.cause).toContain('provider error (2 failed fetches): HTTP 503 Service Unavailable');
  });

  it('ignores muted metrics', () => {
    const o = verificationOutcome(
      input({ metrics: [metric('a'), metric('b', { muted: true, outcome: 'no-data' })] }),
    );
    expect(o.outcome).toBe('passed');
  });

  it('keeps a judged failure a failure although another metric could not be judged', () => {
    const o = verificationOutcome(
      input({
        verdict: 'fail',
        metrics: [metric('p99 latency', { outcome: 'fail' }), metric('errors', { outcome: 'no-data' })],
      }),
    );
    expect(o).toEqual({ outcome: 'failed' });
  });

  it('a fail that comes only from the no-data policy is could-not-verify', () => {
    const o = verificationOutcome(
      input({ verdict: 'fail', metrics: [metric('p99 latency', { outcome: 'no-data' })] }),
    );
    expect(o.outcome).toBe('could-not-verify');
  });

  it('a Kayenta fail on the score with every metric judged is a failure', () => {
    expect(
      verificationOutcome(input({ verdict: 'fail', metrics: [metric('a', { outcome: 'warn' })] })).outcome,
    ).toBe('failed');
  });

  it('a cancelled run is cancelled, whatever the verdict so far', () => {
    const o = verificationOutcome(
      input({ verdict: 'pass', status: 'cancelled', stopReason: 'cancelled after 1m of 10m (SIGTERM)' }),
    );
    expect(o.outcome).toBe('cancelled');
    expect(o.cause).toContain('cancelled after 1m of 10m (SIGTERM)');
  });

  it('could not verify a verification with nothing to judge', () => {
    expect(verificationOutcome(input({ verdict: 'inconclusive', metrics: [] })).outcome).toBe(
      'could-not-verify',
    );
    expect(
      verificationOutcome(
        input({
          verdict: 'inconclusive',
          metrics: [],
          logs: { outcome: 'no-data', explanation: 'no events' },
        }),
      ).cause,
    ).toContain('the logs had no data (no events)');
    expect(
      verificationOutcome(
        input({ verdict: 'pass', metrics: [], logs: { outcome: 'pass', explanation: 'no new clusters' } }),
      ).outcome,
    ).toBe('passed');
  });
});
