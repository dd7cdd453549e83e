import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hodgesLehmann } from '../../src/stats/hodgesLehmann.ts';
import { type HlCase, reference } from './reference.ts';

/** The R cases name their data by size; the samples are the Kayenta tie-out cases of the MWU section. */
function samples(c: HlCase): { x: number[]; y: number[] } {
  if (Array.isArray(c.experiment) && Array.isArray(c.control)) return { x: c.experiment, y: c.control };
  const mwu = Object.values(reference.mannwhitneyu).find(
    (m) => m.n_x === c.experiment && m.n_y === c.control,
  );
  if (!mwu) throw new Error(`no sample of sizes ${c.experiment}/${c.control} for ${c.name}`);
  return { x: mwu.x, y: mwu.y };
}

describe('hodgesLehmann reproduces R wilcox.test(conf.int = TRUE, exact = FALSE, correct = TRUE)', () => {
  for (const c of reference.hodges_lehmann) {
    it(c.name, () => {
      const { x, y } = samples(c);
      const r = hodgesLehmann(x, y, { confidence: c.confidence });
      expect(Math.abs(r.lower - c.ci[0])).toBeLessThan(1e-6);
      expect(Math.abs(r.upper - c.ci[1])).toBeLessThan(1e-6);
      expect(Math.abs(r.estimate - c.estimate)).toBeLessThan(1e-6);
      expect(r.confidence).toBe(c.confidence);
    });
  }
});

/** More R 4.2.2 cases (gamma samples, with and without rounding ties), see fixtures/README.md. */
const extra = JSON.parse(readFileSync(new URL('./fixtures/scipy-r-reference.json', import.meta.url), 'utf8'));

describe('hodgesLehmann on further R cases', () => {
  for (const [i, c] of (
    extra.hodgesLehmannR as {
      x: number[];
      y: number[];
      confidence: number;
      ci: [number, number];
      estimate: number;
    }[]
  ).entries()) {
    it(`case ${i}: ${c.x.length} vs ${c.y.length} at ${c.confidence}`, () => {
      const r = hodgesLehmann(c.x, c.y, { confidence: c.confidence });
      expect(Math.abs(r.lower - c.ci[0])).toBeLessThan(1e-6);
      expect(Math.abs(r.upper - c.ci[1])).toBeLessThan(1e-6);
      expect(Math.abs(r.estimate - c.estimate)).toBeLessThan(1e-6);
    });
  }

  it('rejects bad input by naming it', () => {
    expect(() => hodgesLehmann([1, 2], [3], { confidence: 1 })).toThrow(/confidence/);
    expect(() => hodgesLehmann([1, Number.NaN], [3])).toThrow(/finite/);
  });

  it('gives the exact shift when both samples are constant (where R stops with an error)', () => {
    expect(hodgesLehmann([1, 1], [1, 1])).toEqual({ estimate: 0, lower: 0, upper: 0, confidence: 0.95 });
    expect(hodgesLehmann([3, 3, 3], [1, 1], { confidence: 0.9 })).toEqual({
      estimate: 2,
      lower: 2,
      upper: 2,
      confidence: 0.9,
    });
  });
});
