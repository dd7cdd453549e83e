import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../../src/stats/mannWhitney.ts';
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
