import { describe, expect, it } from 'vitest';
import {
  distributionJudge,
  harmfulResiduals,
  scaleTest,
  squaredDeviationTest,
  tailSummary,
  varianceRatio,
} from '../../src/judges/distribution.ts';
import { frameOfCells, typicalShift } from '../../src/judges/frame.ts';
import { sensitivitySettings } from '../../src/judges/sensitivity.ts';
import { normalQuantile, normalSf } from '../../src/stats/distributions.ts';
import { judgeVerification } from '../../src/judgment/index.ts';
import { gauss, rng, series, synthetic } from './fixtures.ts';

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

describe('scaleTest (Klotz scores within cells)', () => {
  it('matches a hand computation with mid-ranks', () => {
    // Cell medians 0: deviations [0, 0 | 2, 2] and [1, 1 | 0, 0]. Pooled mid-ranks of 8 values: 0 -> 2.5,
    // 1 -> 5.5, 2 -> 7.5; Klotz score s(r) = Phi^-1(1/2 + r / 18)^2. Cell 1 adds s2 - s0 to the canary's
    // excess with variance (s2 - s0)^2 / 3, cell 2 adds s0 - s1 with variance (s1 - s0)^2 / 3.
    const s = (r: number) => normalQuantile(0.5 + r / 18) ** 2;
    const [s0, s1, s2] = [s(2.5), s(5.5), s(7.5)];
    const z = (s2 - s1) / Math.sqrt(((s2 - s0) ** 2 + (s1 - s0) ** 2) / 3);
    const r = scaleTest(
      frameOfCells([
        { b: [0, 0], c: [-2, 2] },
        { b: [-1, 1], c: [0, 0] },
      ]),
    );
    expect(r?.z).toBeCloseTo(z, 12);
    expect(r?.p).toBeCloseTo(normalSf(z), 12);
  });

  it('reads a pure shift, an improvement included, as no change of spread once the shift is removed', () => {
    const cells = [
      { b: [1, 4, 2], c: [-4, -1, -3] },
      { b: [10, 13, 11], c: [5, 8, 6] },
      { b: [3, 0, 7], c: [-2, -5, 2] },
    ];
    const f = frameOfCells(cells);
    expect(typicalShift(f)).toBe(-5);
    expect(scaleTest(f, typicalShift(f))?.z).toBeCloseTo(0, 12);
  });

  it('takes the shift as the median over cells of the difference of side medians', () => {
    // 6 - 2 = 4; 1.5 - 5 = -3.5; 1 - 0 = 1 -> median 1.
    const f = frameOfCells([
      { b: [1, 2, 3], c: [5, 6, 7] },
      { b: [0, 10], c: [1, 2] },
      { b: [0], c: [1] },
    ]);
    expect(typicalShift(f)).toBe(1);
  });
});

describe('distributionJudge: the variance gate on heavy-tailed noise', () => {
  // 10+10 instances x 60 minutes: Gaussian noise (sd 1) around a shared level of 100, plus a few giant values
  // (+/-1000) that the baseline happened to draw four times and the canary twice. The canary's Gaussian noise
  // is x1.5 (variance x2.25): the rank test sees it at once, but the giants make the plain variance ratio
  // about x0.5.
  const heavy = (canaryScale: number) => {
    const r = rng(23);
    const side = (group: 'baseline' | 'canary', giants: number[]) =>
      Array.from({ length: 10 }, (_, i) =>
        series(
          group,
          `${group}-${i}`,
          Array.from({ length: 60 }, (_, j) => {
            const giant = giants.indexOf(i * 60 + j);
            if (giant >= 0) return 100 + (giant % 2 ? -1000 : 1000);
            return 100 + gauss(r) * (group === 'canary' ? canaryScale : 1);
          }),
        ),
      );
    return {
      definition: { name: 'm', kind: 'other' as const, direction: 'higher-is-worse' as const },
      baseline: side('baseline', [7, 130, 301, 555]),
      canary: side('canary', [222, 480]),
    };
  };

  it('fails noise x1.5 whose plain variance ratio the giants pull below 1', () => {
    const j = judgeVerification([heavy(1.5)], { sensitivity: 'medium' });
    expect(j.verdict).toBe('fail');
    const d = j.metrics[0]!.judges.find((x) => x.judge === 'distribution')!;
    expect(d.evidence.decidedBy).toBe('variance');
    expect(d.evidence.varianceRatio as number).toBeLessThan(1);
    expect(d.evidence.robustVarianceRatio as number).toBeGreaterThan(1.8);
    expect(d.evidence.robustVarianceRatio as number).toBeLessThan(2.6);
    expect(d.explanation).toMatch(/from absolute deviations capped at their 99th percentile/);
  });

  it('passes the same noise unchanged', () => {
    expect(judgeVerification([heavy(1)], { sensitivity: 'medium' }).verdict).toBe('pass');
  });
});
