import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wilcoxonSignedRank } from '../../src/stats/signedRank.ts';
import { relDiff } from './reference.ts';

/** R 4.2.2 wilcox.test(d, alternative, correct = TRUE) values, see fixtures/README.md. */
const ref = JSON.parse(readFileSync(new URL('./fixtures/scipy-r-reference.json', import.meta.url), 'utf8'));

describe('wilcoxonSignedRank reproduces R wilcox.test on paired differences', () => {
  for (const [i, c] of (
    ref.signedRank as { d: number[]; results: Record<string, { V: number; p: number }> }[]
  ).entries()) {
    for (const [alternative, expected] of Object.entries(c.results)) {
      it(`case ${i} (n = ${c.d.length}) ${alternative}`, () => {
        const r = wilcoxonSignedRank(c.d, { alternative: alternative as 'two-sided' | 'greater' | 'less' });
        expect(r.w).toBe(expected.V);
        expect(relDiff(r.p, expected.p)).toBeLessThan(1e-9);
      });
    }
  }

  it('drops zero differences and uses the normal approximation then', () => {
    const r = wilcoxonSignedRank([0, 0, 1, 2, 3, 4, 5, -0.5]);
    expect(r.n).toBe(6);
    expect(r.method).toBe('asymptotic');
    // V = ranks of 1..5 among |{1,2,3,4,5,0.5}| = 2+3+4+5+6 = 20
    expect(r.w).toBe(20);
  });

  it('exact two-sided p of the most extreme n = 5 outcome is 2 / 32', () => {
    const r = wilcoxonSignedRank([1, 2, 3, 4, 5]);
    expect(r.method).toBe('exact');
    expect(r.p).toBeCloseTo(2 / 32, 15);
  });
});
