import { describe, expect, it } from 'vitest';
import { judgeMetric, judgeVerification, summarizeSide } from '../../src/judgment/index.ts';
import type { MetricData } from '../../src/model/metric.ts';
import { definition, series, synthetic } from '../judges/fixtures.ts';

function named(data: MetricData, name: string, over: Partial<MetricData['definition']> = {}): MetricData {
  return { ...data, definition: { ...data.definition, name, ...over } };
}

describe('summarizeSide', () => {
  it('computes mean and type-7 quantiles over finite values', () => {
    const s = summarizeSide([
      series('baseline', 'a', [1, 2, 3, Number.NaN]),
      series('baseline', 'b', [4, 5]),
    ]);
    // 1..5: mean 3, median 3, p95 = 1 + 0.95*4 = 4.8, p99 = 4.96
    expect(s).toEqual({ instances: 2, points: 5, mean: 3, median: 3, p95: 4.8, p99: 4.96 });
  });
});

describe('judgeMetric', () => {
  it('judges the data as it is now, also after values changed in place', () => {
    // Judging again after a canary value changed in place (same points, same last timestamps, as a caller
    // correcting a value would) must see the new value: nothing read from the first judgment is reused.
    const data = synthetic({ seed: 1, instances: 3 });
    const before = judgeMetric(data);
    for (const s of data.canary) for (const p of s.points) p.v *= 1.5;
    const after = judgeMetric(data);
    expect(after).toEqual(judgeMetric(structuredClone(data)));
    expect(after.canary.mean).toBeCloseTo(before.canary.mean! * 1.5, 9);
    expect(after.outcome).toBe('fail');
  });

  it('passes an A/A metric with the judges that ran', () => {
    const m = judgeMetric(synthetic({ seed: 1 }));
    expect(m.outcome).toBe('pass');
    expect(m.decidedBy).toEqual([]);
    expect(m.judges.map((j) => j.judge)).toEqual(['paired', 'distribution', 'shape']);
    expect(m.sensitivity).toBe('medium');
  });

  it('splits alpha over the statistical judges (weighted Bonferroni, 0.25 / 0.75)', () => {
    // High sensitivity: alpha 0.03 for the metric.
    const m = judgeMetric(synthetic({ seed: 1 }), { sensitivity: 'high' });
    expect(m.judges[0]!.evidence.alpha).toBeCloseTo(0.0075, 15);
    expect(m.judges[1]!.evidence.alpha).toBeCloseTo(0.0225, 15);
  });

  it('fails a +50% shift, decided by the paired judge, with the change', () => {
    const m = judgeMetric(synthetic({ seed: 2, shift: 0.5 }));
    expect(m.outcome).toBe('fail');
    expect(m.decidedBy).toContain('paired');
    expect(m.risk).toBeGreaterThanOrEqual(0.8);
    expect(m.explanation).toMatch(/^paired: canary \+/);
  });

  it('lets a metric override the sensitivity', () => {
    const m = judgeMetric(named(synthetic({ seed: 2 }), 'm', { sensitivity: 'low' }), {
      sensitivity: 'high',
    });
    expect(m.sensitivity).toBe('low');
  });

  it('reports missing data as its own outcome', () => {
    const data: MetricData = {
      definition: definition(),
      baseline: [series('baseline', 'b', [1, 2])],
      canary: [],
    };
    const m = judgeMetric(data);
    expect(m.outcome).toBe('no-data');
    expect(m.explanation).toBe('no data: the canary returned no values for m');
  });

  it('fails on a fail-fast rule even without a baseline', () => {
    const data: MetricData = {
      definition: definition({
        thresholds: { failFast: [{ type: 'absolute', above: 10, when: 'immediately' }] },
      }),
      baseline: [],
      canary: [series('canary', 'c', [1, 20])],
    };
    const m = judgeMetric(data);
    expect(m.outcome).toBe('fail');
    expect(m.decidedBy).toEqual(['threshold']);
  });

  it('routes error counts to the rate judge', () => {
    const b = Array.from({ length: 3 }, (_, i) => series('baseline', `b${i}`, Array(30).fill(1)));
    const c = Array.from({ length: 3 }, (_, i) => series('canary', `c${i}`, Array(30).fill(3)));
    const m = judgeMetric({ definition: definition({ kind: 'error' }), baseline: b, canary: c });
    expect(m.judges.map((j) => j.judge)).toContain('rate');
    expect(m.outcome).toBe('fail');
    expect(m.decidedBy).toEqual(['rate']);
  });

  it('uses the pooled rank judge when timestamps do not line up', () => {
    const data: MetricData = {
      definition: definition(),
      baseline: [
        series(
          'baseline',
          'b',
          Array.from({ length: 30 }, (_, i) => 100 + (i % 5)),
        ),
      ],
      canary: [
        series(
          'canary',
          'c',
          Array.from({ length: 30 }, (_, i) => 150 + (i % 5)),
          1000,
        ),
      ],
    };
    const m = judgeMetric(data);
    expect(m.judges.map((j) => j.judge)).toContain('rank');
    expect(m.outcome).toBe('fail');
  });
});

describe('judgeVerification', () => {
  it('passes A/A metrics with a high score', () => {
    const j = judgeVerification([named(synthetic({ seed: 1 }), 'a'), named(synthetic({ seed: 2 }), 'b')]);
    expect(j.verdict).toBe('pass');
    expect(j.score).toBeGreaterThanOrEqual(50);
    expect(j.reason).toMatch(/^Pass: 2 metrics showed no harmful change/);
  });

  it('fails when a metric fails and names it with its numbers', () => {
    const j = judgeVerification([
      named(synthetic({ seed: 1 }), 'cpu'),
      named(synthetic({ seed: 3, shift: 0.5 }), 'latency'),
    ]);
    expect(j.verdict).toBe('fail');
    expect(j.reason).toMatch(/^Fail: latency failed \(paired: canary \+/);
  });

  it('calls a critical failing metric critical', () => {
    const j = judgeVerification([named(synthetic({ seed: 3, shift: 0.5 }), 'latency', { critical: true })]);
    expect(j.reason).toMatch(/^Fail: critical metric latency failed/);
  });

  it('shows a muted failing metric without letting it decide', () => {
    const j = judgeVerification([
      named(synthetic({ seed: 1 }), 'ok'),
      named(synthetic({ seed: 3, shift: 0.5 }), 'dry', { muted: true }),
    ]);
    expect(j.verdict).toBe('pass');
    expect(j.metrics[1]!.outcome).toBe('fail');
    expect(j.metrics[1]!.muted).toBe(true);
    expect(j.reason).toMatch(/1 muted metric would fail/);
  });

  it('lets the no-data policy decide metrics without data', () => {
    const empty: MetricData = { definition: definition({ name: 'gone' }), baseline: [], canary: [] };
    const ok = named(synthetic({ seed: 1 }), 'ok');
    expect(judgeVerification([ok, empty]).verdict).toBe('inconclusive');
    expect(judgeVerification([ok, empty], { noData: 'fail' }).verdict).toBe('fail');
    const pass = judgeVerification([ok, empty], { noData: 'pass' });
    expect(pass.verdict).toBe('pass');
    expect(pass.reason).toMatch(/1 of 2 metrics had no data \(gone\), accepted by the no-data policy/);
    expect(judgeVerification([]).verdict).toBe('inconclusive');
  });

  it('counts a failing log judgment like a metric', () => {
    const j = judgeVerification([named(synthetic({ seed: 1 }), 'ok')], {
      logs: { outcome: 'fail', risk: 0.9, explanation: '3 new error clusters' },
    });
    expect(j.verdict).toBe('fail');
    expect(j.reason).toMatch(/logs failed: 3 new error clusters/);
    expect(j.logs?.outcome).toBe('fail');
  });

  it('lets the no-data policy decide logs without events: never "the logs passed"', () => {
    const ok = named(synthetic({ seed: 1 }), 'ok');
    const logs = {
      outcome: 'no-data' as const,
      risk: 0,
      explanation: 'No canary log messages (baseline: 0).',
    };
    const inconclusive = judgeVerification([ok], { logs, noData: 'inconclusive' });
    expect(inconclusive.verdict).toBe('inconclusive');
    expect(inconclusive.reason).toMatch(/^Inconclusive: the logs had no data \(No canary log messages/);
    expect(inconclusive.reason).not.toMatch(/logs passed/);
    expect(judgeVerification([ok], { logs }).verdict).toBe('inconclusive');
    expect(judgeVerification([ok], { logs, noData: 'fail' }).verdict).toBe('fail');
    const accepted = judgeVerification([ok], { logs, noData: 'pass' });
    expect(accepted.verdict).toBe('pass');
    expect(accepted.reason).toMatch(/the logs had no data .*accepted by the no-data policy/);
    // Logs alone, without events: nothing was judged.
    expect(judgeVerification([], { logs }).verdict).toBe('inconclusive');
    // Kayenta mode follows the same policy.
    expect(judgeVerification([ok], { logs, mode: 'kayenta' }).verdict).toBe('inconclusive');
    expect(judgeVerification([ok], { logs, mode: 'kayenta', noData: 'pass' }).verdict).toBe('pass');
  });

  it('scores the weighted mean of 100 x (1 - risk)', () => {
    const j = judgeVerification([
      named(synthetic({ seed: 3, shift: 0.5 }), 'bad', { weight: 3 }),
      named(synthetic({ seed: 1 }), 'ok'),
    ]);
    const [bad, ok] = j.metrics;
    expect(j.score).toBe(Math.round((3 * 100 * (1 - bad!.risk) + 100 * (1 - ok!.risk)) / 4));
  });

  it('Kayenta mode: a High metric zeroes its group, the score 0 fails', () => {
    const j = judgeVerification([named(synthetic({ seed: 3, shift: 0.5 }), 'latency')], { mode: 'kayenta' });
    expect(j.verdict).toBe('fail');
    expect(j.score).toBe(0);
    expect(j.metrics[0]!.judges[0]!.judge).toBe('kayenta');
    expect(j.reason).toMatch(/^Kayenta Fail: score 0/);
  });

  it('Kayenta mode keeps the order of precedence: fail-fast fails, ignore passes, before the classification', () => {
    const aa = named(synthetic({ seed: 1 }), 'a');
    const failFast = judgeVerification(
      [
        {
          ...aa,
          definition: {
            ...aa.definition,
            thresholds: { failFast: [{ type: 'absolute', above: 0, when: 'immediately' }] },
          },
        },
      ],
      { mode: 'kayenta' },
    );
    expect(failFast.verdict).toBe('fail');
    expect(failFast.metrics[0]).toMatchObject({ outcome: 'fail', decidedBy: ['threshold'] });
    expect(failFast.reason).toMatch(/^Fail: fail-fast rule of "a" fired/);
    const shifted = named(synthetic({ seed: 3, shift: 0.5 }), 'b');
    const ignored = judgeVerification(
      [
        {
          ...shifted,
          definition: {
            ...shifted.definition,
            thresholds: { ignore: [{ type: 'relative', maxDeviation: 1 }] },
          },
        },
      ],
      { mode: 'kayenta' },
    );
    expect(ignored.metrics[0]).toMatchObject({ outcome: 'pass', decidedBy: ['threshold'] });
    expect(ignored.verdict).toBe('pass');
    expect(ignored.score).toBe(100);
  });

  it('Kayenta mode: one High of two metrics scores 50, marginal, inconclusive', () => {
    const j = judgeVerification(
      [named(synthetic({ seed: 3, shift: 0.5 }), 'a'), named(synthetic({ seed: 1 }), 'b')],
      {
        mode: 'kayenta',
      },
    );
    expect(j.score).toBe(50);
    expect(j.verdict).toBe('inconclusive');
  });
});

describe('threshold-only judgment', () => {
  const canary = [
    series('canary', 'c1', [100, 120, 180, 190, 110]),
    series('canary', 'c2', [100, 101, 99, 102, 98]),
  ];
  const data = (failFast: NonNullable<MetricData['definition']['thresholds']>['failFast']) => ({
    definition: definition({ thresholds: failFast ? { failFast } : {} }),
    baseline: [],
    canary,
  });

  it('passes while the rules hold, fails when one fires, and never passes a metric without rules', () => {
    const ok = judgeMetric(data([{ type: 'absolute', above: 200, when: 'immediately' }]), {
      thresholdOnly: true,
    });
    expect(ok.outcome).toBe('pass');
    const bad = judgeMetric(data([{ type: 'absolute', above: 150, when: 'consecutive', count: 2 }]), {
      thresholdOnly: true,
    });
    expect(bad.outcome).toBe('fail');
    expect(bad.decidedBy).toEqual(['threshold']);
    const none = judgeMetric(data(undefined), { thresholdOnly: true });
    expect(none.outcome).toBe('no-data');
    expect(none.explanation).toBe(
      'm has no ignore or fail-fast rules, and the threshold strategy judges by rules alone',
    );
  });
});
