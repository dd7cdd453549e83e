import { describe, expect, it } from 'vitest';
import { compareVariants, parseVariants } from '../bench/nab/variants.ts';
import { file, scores, standard } from './support/nabFixture.ts';

describe('bench nab --variants', () => {
  it('reads one object of constants per line, skipping blank and comment lines', () => {
    const text = '# family one\n{"novelty": 1.2}\n\n{"zAlert": 5, "refractory": 20}\n';
    expect(parseVariants(text)).toEqual([{ novelty: 1.2 }, { zAlert: 5, refractory: 20 }]);
  });

  it('rejects a name the detector does not have, naming the line, instead of scoring the defaults under it', () => {
    expect(() => parseVariants('{"novelty": 1.2}\n{"novelty": 1.2, "noveltyy": 1}')).toThrow(
      'variants line 2: "noveltyy" is not a detector constant',
    );
  });

  it('rejects values that are not finite numbers and lines that are not objects', () => {
    expect(() => parseVariants('{"novelty": "1.2"}')).toThrow(
      'variants line 1: "novelty" must be a finite number',
    );
    expect(() => parseVariants('[1, 2]')).toThrow('variants line 1: write an object');
    expect(() => parseVariants('{novelty: 1}')).toThrow('variants line 1: not JSON');
  });

  it('scores each variant held out, and the choice among them on the other categories only', () => {
    const files = ['a', 'b', 'c'].map(file);
    // Row 0 catches every window at 0.6; row 1 catches c's at 0.9 but a's and b's only at 0.3, below false alarms
    // at 0.5: on a and b row 0 wins, so the fold that holds out c keeps row 0 although row 1 suits c alone.
    const row0 = [scores(0.6, 0), scores(0.6, 0), scores(0.6, 0)];
    const row1 = [scores(0.3, 0.5), scores(0.3, 0.5), scores(0.9, 0)];
    const variants = [{}, { novelty: 2 }];
    const r = compareVariants(files, [standard], variants, [row0, row1]);
    // Row 0: every window caught at its first row, no false alarm, in-sample and held out.
    expect(r.rows[0]!.figures[0]!.best).toBeCloseTo(100, 10);
    expect(r.rows[0]!.figures[0]!.heldOut).toBeCloseTo(100, 10);
    expect(r.rows[1]!.figures[0]!.best).toBeLessThan(100);
    for (const search of r.search) {
      expect(search.chosen).toEqual(expect.arrayContaining([expect.stringMatching(/^c: #0@/)]));
      expect(search.heldOut[0]).toBeCloseTo(100, 10);
    }
  });
});
