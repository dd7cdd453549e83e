import { describe, expect, it } from 'vitest';
import { holmAcrossMetrics } from '../../src/judgment/acrossMetrics.ts';
import { judgeVerification } from '../../src/judgment/index.ts';
import type { JudgeResult, MetricJudgment } from '../../src/model/verdict.ts';
import { definition, synthetic } from '../judges/fixtures.ts';

/**
 * A metric judged alone: `fail` by one judge with p-value p at alpha 0.01 (or passing). A `threshold` judge
 * is a rule: it carries no test, whatever its evidence says.
 */
function metric(name: string, p: number | null, judge = 'paired', muted = false): MetricJudgment {
  const result: JudgeResult = {
    judge,
    outcome: p === null ? 'pass' : 'fail',
    risk: p === null ? 0.1 : 0.9,
    classification: p === null ? 'pass' : 'high',
    explanation: `${name} judged alone`,
    evidence: { p: p ?? 0.5, alpha: 0.01 },
    ...(judge === 'threshold' ? {} : { test: { p: p ?? 0.5, alpha: 0.01 } }),
  };
  const summary = { instances: 3, points: 180, mean: 1, median: 1, p95: 1, p99: 1 };
  return {
    metric: name,
    definition: definition({ name }),
    sensitivity: 'medium',
    outcome: result.outcome,
    risk: result.risk,
    decidedBy: p === null ? [] : [judge],
    muted,
    change: 0,
    baseline: summary,
    canary: summary,
    judges: [result],
    explanation: result.explanation,
  };
}

describe("Holm's procedure across metrics", () => {
  it('keeps fails from the strongest evidence down while each meets alpha / (M - k + 1)', () => {
    // M = 4 deciding metrics; ratios p/alpha 0.1, 0.3, 0.45: bounds 1/4, 1/3, 1/2.
    const out = holmAcrossMetrics([
      metric('a', 0.003),
      metric('b', 0.001),
      metric('c', null),
      metric('d', 0.0045),
    ]);
    expect(out.map((m) => m.outcome)).toEqual(['fail', 'fail', 'pass', 'fail']);
    // Ratios 0.1 and 0.4 with M = 4: the second needs <= 1/3, so it warns, and so would every weaker one.
    const weaker = holmAcrossMetrics([
      metric('a', 0.004),
      metric('b', 0.001),
      metric('c', null),
      metric('d', null),
    ]);
    expect(weaker.map((m) => m.outcome)).toEqual(['warn', 'fail', 'pass', 'pass']);
    expect(weaker[0]!.risk).toBeLessThan(0.8);
    expect(weaker[0]!.explanation).toContain('not a fail, among 4 metrics');
    expect(weaker[0]!.explanation).toContain('1/3');
  });

  it('leaves one metric, muted metrics and fail-fast rules alone', () => {
    expect(holmAcrossMetrics([metric('a', 0.009)])[0]!.outcome).toBe('fail');
    const out = holmAcrossMetrics([
      metric('rule', 0.009, 'threshold'),
      metric('muted', 0.009, 'paired', true),
      metric('x', null),
      metric('y', null),
    ]);
    expect(out.map((m) => m.outcome)).toEqual(['fail', 'fail', 'pass', 'pass']);
  });

  it('holds the false-fail rate of many-metric A/A verifications near one metric, and still finds a real regression', () => {
    let failAlone = 0;
    let failHolm = 0;
    for (let v = 0; v < 60; v++) {
      const metrics = Array.from({ length: 30 }, (_, i) =>
        synthetic({ seed: 1000 * v + i, def: { name: `m${i}` } }),
      );
      if (judgeVerification(metrics, { sensitivity: 'high', acrossMetrics: 'none' }).verdict === 'fail')
        failAlone++;
      if (judgeVerification(metrics, { sensitivity: 'high' }).verdict === 'fail') failHolm++;
    }
    // Judged alone, 30 metrics at alpha 0.03 fail a good share of pure-noise verifications; with Holm
    // the verification-wide rate stays at the scale of one metric's alpha.
    expect(failAlone).toBeGreaterThanOrEqual(12);
    expect(failHolm).toBeLessThanOrEqual(2);

    const metrics = Array.from({ length: 30 }, (_, i) =>
      synthetic({ seed: 7_000 + i, def: { name: `m${i}` }, ...(i === 17 ? { shift: 0.5 } : {}) }),
    );
    const judgment = judgeVerification(metrics, { sensitivity: 'high' });
    expect(judgment.verdict).toBe('fail');
    expect(judgment.metrics.filter((m) => m.outcome === 'fail').map((m) => m.metric)).toEqual(['m17']);
  });
});
