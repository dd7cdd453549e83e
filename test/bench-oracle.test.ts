/**
 * The oracle bench's known-process bound (bench/judge/oracle.ts) reads how a mean-shift case was made from
 * `BenchCase.injected`: every baseline value must be the shared segment plus one of the trace's residuals, and
 * every canary value that plus the injected shift. Otherwise the bound would test another process.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCase } from '../bench/judge/cases.ts';
import { loadTraces } from '../bench/judge/nab.ts';
import { firstAtOrAbove } from '../bench/judge/oracle.ts';
import { mulberry32 } from '../bench/judge/prng.ts';

const { traces } = loadTraces(resolve(import.meta.dirname, '../../shared/bench-data/nab/data'));

/** Whether `v` is one of `sorted` within a rounding error of the values it was computed from. */
function among(sorted: number[], v: number, scale: number): boolean {
  const lo = firstAtOrAbove(sorted, v);
  const tol = 1e-9 * scale;
  return [lo - 1, lo].some((i) => i >= 0 && i < sorted.length && Math.abs(sorted[i]! - v) <= tol);
}

describe('BenchCase.injected describes the generated mean-shift case', () => {
  for (const cls of ['mean+10%', 'mean+20%', 'mean+50%'] as const) {
    it(`${cls}: baseline = segment + residual, canary = segment + residual + shift`, () => {
      const rng = mulberry32(77);
      for (let i = 0; i < 6; i++) {
        const c = makeCase(cls, traces, rng, i);
        const trace = traces.find((t) => t.name === c.trace)!;
        const residuals = [...trace.residuals].sort((a, b) => a - b);
        const { signal, shift } = c.injected!;
        expect(signal).toHaveLength(60);
        expect(shift).toBeGreaterThan(0);
        let sum = 0;
        let n = 0;
        for (const [side, add] of [
          [c.data.baseline, 0],
          [c.data.canary, shift],
        ] as const) {
          for (const s of side) {
            s.points.forEach((p, j) => {
              const scale = Math.abs(signal[j]!) + Math.abs(p.v) + shift;
              expect(among(residuals, p.v - signal[j]! - add, scale)).toBe(true);
              if (add === 0) {
                sum += p.v;
                n++;
              }
            });
          }
        }
        expect(c.observedShift).toBeCloseTo(shift / Math.abs(sum / n), 9);
      }
    });
  }
  it('other classes carry no injected shift', () => {
    const rng = mulberry32(78);
    for (const cls of ['aa', 'variance x2', 'errors x2'] as const) {
      expect(makeCase(cls, traces, rng, 0).injected).toBeUndefined();
    }
  });
});
