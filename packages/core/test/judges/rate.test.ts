import { describe, expect, it } from 'vitest';
import { dispersionIndex, isCountSeries, rateJudge } from '../../src/judges/rate.ts';
import { alignByTime } from '../../src/judges/align.ts';
import { sensitivitySettings } from '../../src/judges/sensitivity.ts';
import { judgeMetric } from '../../src/judgment/judgeMetric.ts';
import { definition, series } from './fixtures.ts';

const ctx = { settings: sensitivitySettings('medium') };

/** `k` instances of `n` minutes whose counts add up to `total`, spread as evenly as possible. */
function counts(group: 'baseline' | 'canary', k: number, n: number, total: number) {
  return Array.from({ length: k }, (_, i) =>
    series(
      group,
      `${group}-${i}`,
      Array.from({ length: n }, (_, j) => {
        const idx = i * n + j;
        return Math.floor(((idx + 1) * total) / (k * n)) - Math.floor((idx * total) / (k * n));
      }),
    ),
  );
}

describe('rateJudge', () => {
  it('uses the exact conditional binomial test', () => {
    // 10 vs 30 errors on equal exposure: P(X >= 30), X ~ Bin(40, 0.5) = 0.0011107168866146822.
    const data = {
      definition: definition({ kind: 'error' }),
      baseline: counts('baseline', 3, 10, 10),
      canary: counts('canary', 3, 10, 30),
    };
    const r = rateJudge(data, ctx);
    expect(r.evidence.baselineErrors).toBe(10);
    expect(r.evidence.canaryErrors).toBe(30);
    expect(r.evidence.pRaw as number).toBeCloseTo(0.0011107168866146822, 12);
    expect(r.evidence.rateRatio).toBe(3);
    expect(r.outcome).toBe('fail');
    expect(r.classification).toBe('high');
  });

  it('normalises by traffic: twice the errors on twice the requests is no change', () => {
    const data = {
      definition: definition({ kind: 'error', trafficMetric: 'req' }),
      baseline: counts('baseline', 3, 20, 50),
      canary: counts('canary', 3, 20, 100),
      traffic: { baseline: counts('baseline', 3, 20, 6000), canary: counts('canary', 3, 20, 12000) },
    };
    const r = rateJudge(data, ctx);
    expect(r.evidence.exposure).toBe('requests');
    expect(r.evidence.rateRatio).toBeCloseTo(1, 12);
    expect(r.outcome).toBe('pass');
  });

  it('does not judge values that are not counts', () => {
    const data = {
      definition: definition({ kind: 'error' }),
      baseline: [series('baseline', 'b', [0.5, 1])],
      canary: [series('canary', 'c', [1, 2])],
    };
    expect(isCountSeries(data.baseline)).toBe(false);
    expect(rateJudge(data, ctx).outcome).toBe('no-data');
  });

  it('measures overdispersion within minutes', () => {
    // One minute x 8 repeats, baseline counts 0 and 4 (mean 2): chi = (4 + 4)/2 = 4 per minute, df 1 -> phi 4.
    const n = 8;
    const data = {
      definition: definition({ kind: 'error' }),
      baseline: [series('baseline', 'b1', Array(n).fill(0)), series('baseline', 'b2', Array(n).fill(4))],
      canary: [series('canary', 'c1', Array(n).fill(2)), series('canary', 'c2', Array(n).fill(2))],
    };
    const d = dispersionIndex(alignByTime(data.baseline, data.canary));
    // Canary minutes have no spread: chi 0 over df 8; baseline chi 4 per minute over df 8 -> phi = 32/16 = 2.
    expect(d.df).toBe(16);
    expect(d.phi).toBeCloseTo(2, 12);
    expect(d.significant).toBe(true);
  });

  it('fails a sparse new error: 8 vs 0 errors in an hour on 3+3 instances (exact p = 0.5^8)', () => {
    // 0.044 extra errors per instance-minute: below the old per-interval floor of 0.05, which passed it.
    const data = {
      definition: definition({ kind: 'error' }),
      baseline: counts('baseline', 3, 60, 0),
      canary: counts('canary', 3, 60, 8),
    };
    const m = judgeMetric(data, { sensitivity: 'medium' });
    expect(m.judges.find((r) => r.judge === 'rate')?.evidence.pRaw).toBeCloseTo(0.5 ** 8, 12);
    expect(m.outcome).toBe('fail');
    // The same 8 errors over 10+10 instances: the floor does not grow with the number of instances.
    const wide = {
      definition: definition({ kind: 'error' }),
      baseline: counts('baseline', 10, 60, 0),
      canary: counts('canary', 10, 60, 8),
    };
    expect(judgeMetric(wide, { sensitivity: 'medium' }).outcome).toBe('fail');
  });

  it('passes a significant change of fewer extra errors than the window floor', () => {
    // 2 errors on a canary with 1/20 of the traffic, none on the baseline: p = 0.05^2, but 2 extra errors < 3.
    const data = {
      definition: definition({ kind: 'error', trafficMetric: 'req' }),
      baseline: counts('baseline', 3, 60, 0),
      canary: counts('canary', 3, 60, 2),
      traffic: { baseline: counts('baseline', 3, 60, 19000), canary: counts('canary', 3, 60, 1000) },
    };
    const r = rateJudge(data, ctx);
    expect(r.evidence.pRaw as number).toBeCloseTo(0.05 ** 2, 12);
    expect(r.evidence.extraErrors).toBe(2);
    expect(r.outcome).toBe('pass');
    expect(r.explanation).toContain('3 extra errors over the window');
  });
});
