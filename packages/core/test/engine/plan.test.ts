import { describe, expect, it } from 'vitest';
import { loadSpec, logQuery, metricQueries, planVerification, selects } from '../../src/index.ts';

const base = `apiVersion: vigil/v1
service: s
providers: { r: { type: replay, file: x } }
metrics: [{ name: m, query: q }]
`;
const T = Date.UTC(2026, 0, 1, 12, 0, 30);

describe('planVerification', () => {
  it('canary: aligns the window to the step after the initial delay and polls every interval', () => {
    const spec = loadSpec(
      `${base}strategy: { type: canary, baseline: { pattern: "old-.*" }, canary: { instances: [new-1] } }\nduration: 5m\ninterval: 1m\ninitialDelay: 2m\n`,
    );
    const plan = planVerification(spec, { startedAt: T });
    expect(plan.strategy).toBe('canary');
    expect(plan.analysisStart).toBe(Date.UTC(2026, 0, 1, 12, 3));
    expect(plan.polls).toEqual([4, 5, 6, 7, 8].map((m) => Date.UTC(2026, 0, 1, 12, m)));
    expect(plan.analysisEnd).toBe(plan.polls.at(-1));
    expect(plan.selectors).toEqual({ baseline: { pattern: 'old-.*' }, canary: { instances: ['new-1'] } });
    expect(plan.baselineShift).toBe(0);
  });

  it('blue-green: the baseline is the same length before the deploy, shifted onto the canary window', () => {
    const spec = loadSpec(
      `${base}strategy: { type: blue-green, deployedAt: "2026-01-01T12:00:00Z", settle: 2m }\nduration: 10m\n`,
    );
    const plan = planVerification(spec, { startedAt: T });
    expect(plan.analysisStart).toBe(Date.UTC(2026, 0, 1, 12, 2));
    expect(plan.baselineWindow).toEqual({
      start: Date.UTC(2026, 0, 1, 11, 50),
      end: Date.UTC(2026, 0, 1, 12, 0),
    });
    expect(plan.baselineShift).toBe(12 * 60_000);
  });

  it('auto picks from what the spec offers and says why', () => {
    const plan = (extra: string, stored = false) =>
      planVerification(loadSpec(`${base}${extra}`), { startedAt: T, hasStoredBaseline: stored });
    expect(plan('strategy: { baseline: { pattern: a }, canary: { pattern: b } }\n').strategy).toBe('canary');
    expect(plan('strategy: { deployedAt: 1767268800 }\n').reason).toBe(
      'auto: no canary instances but a deploy time, so after vs before the deploy',
    );
    expect(plan('', true).strategy).toBe('previous');
    expect(plan('').strategy).toBe('blue-green');
  });

  it('refuses a canary strategy without both groups', () => {
    expect(() =>
      planVerification(loadSpec(`${base}strategy: { type: canary, canary: { pattern: b } }\n`), {
        startedAt: T,
      }),
    ).toThrow('strategy.canary and strategy.baseline are required');
  });
});

describe('selects', () => {
  it('matches whole instance names by list or anchored pattern', () => {
    expect(selects({ pattern: 'web-.*' }, 'web-1')).toBe(true);
    expect(selects({ pattern: 'web-.*' }, 'api-web-1')).toBe(false);
    expect(selects({ instances: ['a'] }, 'a')).toBe(true);
    expect(selects({ instances: ['a'] }, 'ab')).toBe(false);
    expect(selects({}, 'anything')).toBe(true);
  });
});

describe('the plan builds the fetch requests', () => {
  const spec = loadSpec(`apiVersion: vigil/v1
service: checkout
version: "2.1"
providers: { prom: { type: replay, file: x } }
strategy: { type: canary, instanceLabel: pod, baseline: { pattern: "old-.*" }, canary: { instances: [new-1, new-2] } }
metrics:
  - { name: p99, query: 'p99{pod=~"{{instances}}"}', baselineQuery: 'p99_old{pod=~"{{instances}}"}' }
  - { name: errors, query: errs, provider: prom }
logs: { query: "service:{{service}}", instanceField: host, limit: 500 }
`);
  const plan = planVerification(spec, { startedAt: T });

  it('one request per metric and group: the baseline query for the baseline, the only provider by default', () => {
    expect(metricQueries(spec, plan, 'baseline')).toEqual([
      {
        metric: 'p99',
        provider: 'prom',
        group: 'baseline',
        query: 'p99_old{pod=~"{{instances}}"}',
        vars: {
          group: 'baseline',
          service: 'checkout',
          environment: '',
          version: '2.1',
          instances: 'old-.*',
        },
        instanceLabel: 'pod',
      },
      expect.objectContaining({ metric: 'errors', provider: 'prom', query: 'errs', group: 'baseline' }),
    ]);
    const canary = metricQueries(spec, plan, 'canary');
    expect(canary.map((q) => [q.query, q.vars.instances])).toEqual([
      ['p99{pod=~"{{instances}}"}', ['new-1', 'new-2']],
      ['errs', ['new-1', 'new-2']],
    ]);
  });

  it('the log request names its own instance field, and is absent without logs', () => {
    expect(logQuery(spec, plan, 'canary')).toEqual({
      provider: 'prom',
      group: 'canary',
      query: 'service:{{service}}',
      vars: expect.objectContaining({ instances: ['new-1', 'new-2'] }),
      instanceLabel: 'host',
      limit: 500,
    });
    const noLogs = loadSpec(base);
    expect(logQuery(noLogs, planVerification(noLogs, { startedAt: T }), 'canary')).toBeUndefined();
  });
});
