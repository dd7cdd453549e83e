import { describe, expect, it } from 'vitest';
import { loadSpec, planVerification, selects } from '../../src/index.ts';

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
