import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mannWhitneyExactSf, mannWhitneyU } from '../../src/stats/mannWhitney.ts';
import { reference, relDiff } from './reference.ts';

describe('mannWhitneyU reproduces scipy 1.10.1', () => {
  for (const [name, c] of Object.entries(reference.mannwhitneyu)) {
    for (const [key, expected] of Object.entries(c.results)) {
      const [alternative, method, cc] = key.split('|') as [
        'two-sided' | 'greater' | 'less',
        'auto' | 'exact' | 'asymptotic',
        string,
      ];
      it(`${name} ${key}`, () => {
        const r = mannWhitneyU(c.x, c.y, { alternative, method, continuity: cc === 'cc=True' });
        expect(relDiff(r.u, expected.U)).toBeLessThan(1e-9);
        expect(relDiff(r.p, expected.p)).toBeLessThan(1e-9);
      });
    }
  }
});

/** scipy 1.10.1 exact p-values on untied random samples, see fixtures/README.md. */
const extra = JSON.parse(readFileSync(new URL('./fixtures/scipy-r-reference.json', import.meta.url), 'utf8'));

describe('exact Mann-Whitney distribution', () => {
  it('matches scipy exact p-values across sample sizes', () => {
    for (const c of extra.mwuExact as {
      x: number[];
      y: number[];
      alternative: 'two-sided' | 'greater' | 'less';
      U: number;
      p: number;
    }[]) {
      const r = mannWhitneyU(c.x, c.y, { alternative: c.alternative, method: 'exact' });
      expect(r.u).toBe(c.U);
      expect(relDiff(r.p, c.p)).toBeLessThan(1e-9);
    }
  });

  it('equals brute-force enumeration of all splits for m = 4, n = 6', () => {
    // Every choice of 4 ranks out of 10 for x is equally likely under H0; count U = sum(ranks) - 10.
    const counts = new Map<number, number>();
    let total = 0;
    for (let mask = 0; mask < 1 << 10; mask++) {
      let bits = 0;
      let rankSum = 0;
      for (let i = 0; i < 10; i++) {
        if (mask & (1 << i)) {
          bits++;
          rankSum += i + 1;
        }
      }
      if (bits !== 4) continue;
      total++;
      counts.set(rankSum - 10, (counts.get(rankSum - 10) ?? 0) + 1);
    }
    for (let u = 0; u <= 24; u++) {
      let atLeast = 0;
      for (const [k, c] of counts) if (k >= u) atLeast += c;
      expect(relDiff(mannWhitneyExactSf(u, 4, 6), atLeast / total)).toBeLessThan(1e-12);
    }
  });

  it('stays finite for samples whose count of arrangements overflows a double', () => {
    const x = Array.from({ length: 600 }, (_, i) => i + 0.5);
    const y = Array.from({ length: 600 }, (_, i) => i + 0.25);
    const exact = mannWhitneyU(x, y, { method: 'exact' });
    const asymptotic = mannWhitneyU(x, y, { method: 'asymptotic' });
    expect(exact.p).toBeGreaterThan(0);
    expect(Math.abs(exact.p - asymptotic.p)).toBeLessThan(1e-3);
  });

  it('rejects NaN and empty samples with a message naming the fix', () => {
    expect(() => mannWhitneyU([1, Number.NaN], [2])).toThrow(/remove NaN/);
    expect(() => mannWhitneyU([], [2])).toThrow(/at least one value/);
  });
});
