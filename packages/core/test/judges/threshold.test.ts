import { describe, expect, it } from 'vitest';
import { evaluateFailFast, matchIgnoreRule, thresholdJudge } from '../../src/judges/threshold.ts';
import { sensitivitySettings } from '../../src/judges/sensitivity.ts';
import type { MetricData, ThresholdRules } from '../../src/model/metric.ts';
import { definition, MINUTE, series, T0 } from './fixtures.ts';

const ctx = { settings: sensitivitySettings('medium') };

function data(
  thresholds: ThresholdRules,
  canary: number[][],
  baseline: number[][] = [[100, 100, 100, 100, 100]],
): MetricData {
  return {
    definition: definition({ thresholds, unit: 'ms' }),
    baseline: baseline.map((v, i) => series('baseline', `b${i}`, v)),
    canary: canary.map((v, i) => series('canary', `c${i}`, v)),
  };
}

describe('evaluateFailFast', () => {
  it('fires immediately on the first breach, at its time', () => {
    const hit = evaluateFailFast(
      data({ failFast: [{ type: 'absolute', above: 500, when: 'immediately' }] }, [[100, 600, 700]]),
    );
    expect(hit?.t).toBe(T0 + MINUTE);
    expect(hit?.value).toBe(600);
    expect(hit?.side).toBe('above');
    expect(hit?.explanation).toBe('fail-fast: canary c0 was above 500 ms (last value 600 ms)');
  });

  it('counts breaches per instance for "after"', () => {
    const rules = { failFast: [{ type: 'absolute' as const, above: 500, when: 'after' as const, count: 3 }] };
    // Two instances with 2 breaches each: no instance reaches 3.
    expect(
      evaluateFailFast(
        data(rules, [
          [600, 1, 600],
          [1, 600, 600],
        ]),
      ),
    ).toBeNull();
    const hit = evaluateFailFast(data(rules, [[600, 1, 600, 1, 600]]));
    expect(hit?.breaches).toBe(3);
    expect(hit?.t).toBe(T0 + 4 * MINUTE);
  });

  it('needs breaches in a row for "consecutive"; a gap breaks the run', () => {
    const rules = {
      failFast: [{ type: 'absolute' as const, below: 10, when: 'consecutive' as const, count: 2 }],
    };
    expect(evaluateFailFast(data(rules, [[5, Number.NaN, 5, 50, 5]]))).toBeNull();
    const hit = evaluateFailFast(data(rules, [[50, 5, 5]]));
    expect(hit?.side).toBe('below');
    expect(hit?.t).toBe(T0 + 2 * MINUTE);
  });

  it('compares relative rules with the baseline mean of the same minute', () => {
    // Baseline 100 at minute 0, 200 at minute 1; canary 160 breaches +50% only at minute 0.
    const rules = { failFast: [{ type: 'relative' as const, above: 0.5, when: 'immediately' as const }] };
    const hit = evaluateFailFast(data(rules, [[160, 160]], [[100, 200]]));
    expect(hit?.t).toBe(T0);
    expect(evaluateFailFast(data(rules, [[140, 290]], [[100, 200]]))).toBeNull();
  });

  it('names the bad rule', () => {
    expect(() =>
      evaluateFailFast(data({ failFast: [{ type: 'absolute', when: 'immediately' }] }, [[1]])),
    ).toThrow(/thresholds.failFast\[0\]: give "above" or "below"/);
    expect(() =>
      evaluateFailFast(data({ failFast: [{ type: 'absolute', above: 1, when: 'after' }] }, [[1]])),
    ).toThrow(/thresholds.failFast\[0\].count/);
  });
});

describe('matchIgnoreRule', () => {
  it('ignores when every canary value is inside the absolute range', () => {
    expect(
      matchIgnoreRule(data({ ignore: [{ type: 'absolute', upper: 10 }] }, [[1, 2, 10]]))?.explanation,
    ).toBe('ignored: every canary value lies within [-inf, 10 ms]');
    expect(matchIgnoreRule(data({ ignore: [{ type: 'absolute', upper: 10 }] }, [[1, 2, 11]]))).toBeNull();
  });

  it('ignores a relative deviation of the means within the limit', () => {
    // canary mean 108 vs baseline 100: 8% <= 10%.
    expect(
      matchIgnoreRule(data({ ignore: [{ type: 'relative', maxDeviation: 0.1 }] }, [[108, 108]])),
    ).not.toBeNull();
    expect(
      matchIgnoreRule(data({ ignore: [{ type: 'relative', maxDeviation: 0.05 }] }, [[108, 108]])),
    ).toBeNull();
  });
});

describe('thresholdJudge', () => {
  it('fails with risk 1 when a fail-fast rule fires', () => {
    const r = thresholdJudge(
      data({ failFast: [{ type: 'absolute', above: 500, when: 'immediately' }] }, [[900]]),
      ctx,
    );
    expect(r.outcome).toBe('fail');
    expect(r.risk).toBe(1);
    expect(r.classification).toBe('high');
  });

  it('reports an ignore match in its evidence', () => {
    const r = thresholdJudge(data({ ignore: [{ type: 'absolute', lower: 0, upper: 1000 }] }, [[900]]), ctx);
    expect(r.outcome).toBe('pass');
    expect(r.evidence.ignored).toBe(true);
  });

  it('has nothing to say without rules', () => {
    expect(thresholdJudge(data({}, [[1]]), ctx).classification).toBe('nodata');
  });
});
