import { describe, expect, it } from 'vitest';
import {
  distributionJudge,
  harmfulResiduals,
  squaredDeviationTest,
  tailSummary,
  varianceRatio,
} from '../../src/judges/distribution.ts';
import { frameOfCells } from '../../src/judges/frame.ts';
import { sensitivitySettings } from '../../src/judges/sensitivity.ts';
import { synthetic } from './fixtures.ts';

const ctx = { settings: sensitivitySettings('medium') };

describe('varianceRatio', () => {
  it('scales deviations from each side mean by k/(k-1)', () => {
    // b = [1, 3]: deviations 1, 1, scaled x2 -> variance 2; c = [0, 4]: 4, 4 x2 -> 8; ratio 4.
    const v = varianceRatio(
      frameOfCells([
        { b: [1, 3], c: [0, 4] },
        { b: [1, 3], c: [0, 4] },
      ]),
    );
    expect(v?.baseline).toBe(2);
    expect(v?.canary).toBe(8);
    expect(v?.ratio).toBe(4);
    expect(v?.dfBaseline).toBe(2);
  });
});

describe('harmfulResiduals and tailSummary', () => {
  it('orients residuals from the cell median by direction', () => {
    const f = frameOfCells([{ b: [1, 2], c: [3, 10] }]);
    // median of 1,2,3,10 = 2.5; baseline first, then canary
    expect(Array.from(harmfulResiduals(f, 'higher-is-worse'))).toEqual([-1.5, -0.5, 0.5, 7.5]);
    expect(Array.from(harmfulResiduals(f, 'lower-is-worse'))).toEqual([1.5, 0.5, -0.5, -7.5]);
    expect(Array.from(harmfulResiduals(f, 'both'))).toEqual([1.5, 0.5, 0.5, 7.5]);
  });

  it('counts exceedances of the pooled quantile', () => {
    // Residuals: baseline 0..9, canary 10..19; pooled q0.9 of 0..19 = 17.1 -> 2 canary points above.
    const f = frameOfCells([
      { b: Array.from({ length: 10 }, (_, i) => i), c: Array.from({ length: 10 }, (_, i) => 10 + i) },
    ]);
    const t = tailSummary(f, f.values, 0.9);
    expect(t?.threshold).toBeCloseTo(17.1, 12);
    expect(t?.canaryExceed).toBe(2);
    expect(t?.baselineExceed).toBe(0);
    // p95: 8.55 vs 18.55; p99: 8.91 vs 18.91
    expect(t?.p95Increase).toBeCloseTo(10, 12);
    expect(t?.p99Increase).toBeCloseTo(10, 12);
  });
});

describe('squaredDeviationTest', () => {
  it('scores squared deviations from the cell pooled mean', () => {
    // b = [0, 0], c = [-1, 1]: pooled mean 0, scores 0, 0 | 1, 1: canary sum 2 vs expected 1,
    // ss = 4 x 0.25 = 1, var = (2*2/(4*3)) x 1 = 1/3 -> z = sqrt(3).
    expect(squaredDeviationTest(frameOfCells([{ b: [0, 0], c: [-1, 1] }]))?.z).toBeCloseTo(Math.sqrt(3), 12);
    // b = [0, 2], c = [1, 3]: a pure shift with equal spreads gives scores 2.25, 0.25 | 0.25, 2.25: z = 0.
    expect(squaredDeviationTest(frameOfCells([{ b: [0, 2], c: [1, 3] }]))?.z).toBeCloseTo(0, 12);
  });
});

describe('distributionJudge', () => {
  it('passes A/A cases', () => {
    for (let seed = 1; seed <= 20; seed++) {
      expect(distributionJudge(synthetic({ seed }), ctx).outcome).not.toBe('fail');
    }
  });

  it('fails a doubled noise sd (variance x4) on 10+10 instances, decided by variance', () => {
    const r = distributionJudge(synthetic({ seed: 4, noiseScale: 2, instances: 10 }), ctx);
    expect(r.outcome).toBe('fail');
    expect(r.evidence.decidedBy).toBe('variance');
    expect(r.evidence.varianceRatio as number).toBeGreaterThan(3);
    expect(r.evidence.varianceRatio as number).toBeLessThan(5);
  });

  it('fails sparse large spikes that leave the median alone', () => {
    const r = distributionJudge(synthetic({ seed: 9, spikes: 3, instances: 10 }), ctx);
    expect(r.outcome).toBe('fail');
    expect(r.explanation).toMatch(/canary (tail|variance) increase/);
  });
});
