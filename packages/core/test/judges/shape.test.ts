import { describe, expect, it } from 'vitest';
import { sensitivitySettings } from '../../src/judges/sensitivity.ts';
import {
  createShapeJudge,
  paa,
  saxBreakpoints,
  saxDistance,
  saxWord,
  shapeJudge,
} from '../../src/judges/shape.ts';
import { synthetic } from './fixtures.ts';

const ctx = { settings: sensitivitySettings('medium') };

describe('SAX building blocks', () => {
  it('uses the Gaussian breakpoints of the published SAX table', () => {
    const b = saxBreakpoints(4);
    expect(b[0]).toBeCloseTo(-0.6744897501960817, 9);
    expect(b[1]).toBeCloseTo(0, 12);
    expect(b[2]).toBeCloseTo(0.6744897501960817, 9);
    expect(() => saxBreakpoints(2)).toThrow(/alphabet must be a whole number in \[3, 20\]/);
  });

  it('averages equal segments (PAA) and maps them to symbols', () => {
    expect(paa([1, 2, 3, 4, 5, 6], 3)).toEqual([1.5, 3.5, 5.5]);
    expect(Array.from(saxWord([-2, -2, 0.1, 0.1, 2, 2], 3, saxBreakpoints(4)))).toEqual([0, 2, 3]);
  });

  it('MINDIST counts only harmful, non-adjacent symbols, weighted toward recent segments', () => {
    const b = saxBreakpoints(4);
    const ref = Int32Array.from([0, 0]);
    const cand = Int32Array.from([0, 3]);
    // One differing segment (last, weight 2/1.5 with recentWeight 2): dist cell = b[2] - b[0] = 1.34898;
    // sqrt((n/w) * weight * d^2) with n = 4, w = 2.
    const d = 2 * 0.6744897501960817;
    expect(saxDistance(cand, ref, b, 4, 'higher-is-worse', 2)).toBeCloseTo(
      Math.sqrt(2 * (2 / 1.5) * d * d),
      12,
    );
    expect(saxDistance(cand, ref, b, 4, 'lower-is-worse', 2)).toBe(0);
    expect(saxDistance(Int32Array.from([1, 1]), ref, b, 4, 'both', 2)).toBe(0);
  });
});

describe('shapeJudge', () => {
  it('passes A/A and never fails', () => {
    for (let seed = 1; seed <= 10; seed++)
      expect(shapeJudge(synthetic({ seed }), ctx).outcome).not.toBe('fail');
  });

  it('warns on a canary far from every baseline instance', () => {
    const r = createShapeJudge({ alphabet: 6 })(synthetic({ seed: 2, shift: 0.8 }), ctx);
    expect(r.outcome).toBe('warn');
    expect(r.evidence.alphabet).toBe(6);
    // Baseline instances share the signal and differ by 5% noise: their words match, the canary's do not.
    expect(r.evidence.canaryDistance as number).toBeGreaterThan(1.5 * (r.evidence.baselineSpread as number));
    expect(r.evidence.canaryDistance as number).toBeGreaterThan(0);
  });

  it('does not warn on a change below the minimum relative change', () => {
    const r = shapeJudge(synthetic({ seed: 2, shift: 0.03 }), ctx);
    expect(r.outcome).toBe('pass');
  });
});
