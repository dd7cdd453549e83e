import { describe, expect, it } from 'vitest';
import { alignByTime } from '../../src/judges/align.ts';
import { harmfulResiduals, tailExcessTest, tailSummary } from '../../src/judges/distribution.ts';
import {
  binomialUpper,
  exceedanceP,
  exceedanceTest,
  upperTailCountTest,
} from '../../src/judges/exceedance.ts';
import { binomialSf } from '../../src/stats/distributions.ts';
import { frameOfAligned } from '../../src/judges/frame.ts';
import { residualTails } from '../../src/judges/residualTails.ts';
import type { MetricData } from '../../src/model/metric.ts';
import { gauss } from './fixtures.ts';
import { noiseCase } from './noise.ts';

function frameAndResiduals(data: MetricData) {
  const f = frameOfAligned(alignByTime(data.baseline, data.canary)!);
  return { f, r: harmfulResiduals(f, 'higher-is-worse') };
}

describe('residual tails shared by the tail tests', () => {
  it('give each test the result it computes alone', () => {
    for (const seed of [1, 2, 3]) {
      const data = noiseCase(seed, { k: 10 }, (i, j) => (i < 2 && j % 7 === 0 ? 40 : 0));
      const { f, r } = frameAndResiduals(data);
      for (const q of [0.9, 0.95]) {
        const tails = residualTails(f, r, Math.min(q, 0.9));
        expect(tailSummary(f, r, q, undefined, tails)).toEqual(tailSummary(f, r, q));
        expect(upperTailCountTest(f, r, undefined, tails!.pooled)).toEqual(upperTailCountTest(f, r));
        expect(exceedanceTest(f, r, undefined, tails!.baseline)).toEqual(exceedanceTest(f, r));
      }
    }
  });
});

describe('residual tails read off the sorted cells', () => {
  it('equal the tails selected from the residuals, in every direction and with ties', () => {
    const cases = [
      noiseCase(4, { k: 10 }, (i, j) => (i < 2 && j % 7 === 0 ? 40 : 0)),
      noiseCase(5, { k: 3, n: 20 }),
      // Whole numbers: many residuals tie, at the median and in the tails.
      noiseCase(6, { k: 5, noise: (r) => Math.round(4 * gauss(r)) }),
    ];
    for (const data of cases)
      for (const direction of ['higher-is-worse', 'lower-is-worse', 'both'] as const) {
        const f = frameOfAligned(alignByTime(data.baseline, data.canary)!);
        const r = harmfulResiduals(f, direction);
        for (const level of [0.5, 0.9, 0.95]) {
          const merged = residualTails(f, r, level, undefined, direction)!;
          const selected = residualTails(f, r, level)!;
          for (const part of ['pooled', 'baseline', 'canary'] as const) {
            expect(merged[part].first).toBe(selected[part].first);
            expect(merged[part].n).toBe(selected[part].n);
            expect(Array.from(merged[part].top)).toEqual(Array.from(selected[part].top));
          }
        }
      }
  });
});

describe('exceedance test', () => {
  it('has the exact exchangeable law of the count beyond the baseline maximum', () => {
    // P(K >= 3) with 10 canary of 20 values: C(10,3)/C(20,3) = 120/1140; sizes ignored (g = 1).
    expect(exceedanceP(3, 1, 10, 20)).toBeCloseTo(120 / 1140, 12);
    // P(K >= 1) = 1/2 for equal sides, and a size twice as rare halves the single-exceedance term.
    expect(exceedanceP(1, 1, 180, 360)).toBeCloseTo(0.5, 12);
    expect(exceedanceP(1, 0.5, 180, 360)).toBeLessThan(0.5);
  });

  it('counts only exchangeability when the baseline top has no usable width', () => {
    // Mostly-constant residuals: fewer than three distinct baseline values above the anchor quantile.
    const data = noiseCase(3, { noise: (r) => (r() < 0.02 ? 40 : 0) }, (i, j) =>
      i === 0 && j < 3 ? 400 : 0,
    );
    const { f, r } = frameAndResiduals(data);
    const e = exceedanceTest(f, r)!;
    expect(e.width).toBe(0);
    // Only the count law: P(K >= k) x 6 counts tried, whatever the size of the canary's values.
    expect(e.beyond).toBeGreaterThanOrEqual(3);
    expect(e.p).toBeCloseTo(Math.min(1, 6 * exceedanceP(e.k, 1, 180, 360)), 12);
    expect(e.p).toBeGreaterThan(0.1);
  });
});

describe('upper-tail count test', () => {
  it('sees 30 spikes among heavy-tailed noise at 10+10 instances where the excess test does not', () => {
    // Noise: mostly small, 3% giant values (x50); spikes of +20 sit far below the giants, above the bulk.
    const noise = (r: () => number) => (r() < 0.03 ? 1000 * r() : 5 * gauss(r));
    const data = noiseCase(11, { k: 10, noise }, (i, j) => ((i * 60 + j) % 20 === 0 ? 40 : 0));
    const { f, r } = frameAndResiduals(data);
    const c = upperTailCountTest(f, r)!;
    const excess = tailExcessTest(f, r, tailSummary(f, r, 0.9)!.threshold)!;
    // 39 vs 21 points above the pooled 95th percentile; the giants drown the score-based excess test.
    expect(c.canaryAbove).toBeGreaterThan(c.baselineAbove);
    expect(c.p).toBeLessThan(0.05);
    expect(excess.p).toBeGreaterThan(0.5);
  });
});

describe('A/A: the new tail tests alone', () => {
  it('the exceedance and count tests alone stay at their level on 600 noise-only metrics', () => {
    let exceed = 0;
    let count = 0;
    for (let s = 0; s < 600; s++) {
      const { f, r } = frameAndResiduals(noiseCase(9000 + s, { k: s % 3 === 0 ? 10 : 3 }));
      if ((exceedanceTest(f, r)?.p ?? 1) < 0.01) exceed++;
      if ((upperTailCountTest(f, r)?.p ?? 1) < 0.01) count++;
    }
    // Level 1%: 6 expected at most (both are conservative); 12 is beyond 2.4 sd of Binomial(600, 0.01).
    expect(exceed).toBeLessThanOrEqual(12);
    expect(count).toBeLessThanOrEqual(12);
  });
});

describe('binomialUpper', () => {
  it('equals the general binomial survival function', () => {
    for (const [k, j, g] of [
      [3, 10, 0.2],
      [4, 5, 0.156],
      [16, 40, 0.01],
      [1, 1, 0.5],
      [6, 200, 0.9],
    ] as const) {
      expect(binomialUpper(k, j, g)).toBeCloseTo(binomialSf(k - 1, j, g), 12);
      expect(binomialUpper(k, j, g) / binomialSf(k - 1, j, g)).toBeCloseTo(1, 9);
    }
  });
});
