/**
 * The oracle bench's known-process bound (bench/judge/oracle.ts) reads how a mean-shift case was made from
 * `BenchCase.injected`: every baseline value must be the shared segment plus one of the trace's residuals, and
 * every canary value that plus the injected shift. Otherwise the bound would test another process. The oracle
 * statistics built from instances (medians and means of instances, per-minute pairs) must hold for 10+10 cases
 * as for 3+3, since `--instances 10` scores them on the judge table's 10+10 cases.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricData } from '../packages/core/src/model/metric.ts';
import { caseSetSeed, INSTANCES, makeCase } from '../bench/judge/cases.ts';
import { loadTraces } from '../bench/judge/nab.ts';
import { firstAtOrAbove, oracleStatistics } from '../bench/judge/oracle.ts';
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

/** Plain re-computations of the statistics built from instances, by sorting, for any instance count. */
const sortedMedian = (x: number[]) => {
  const s = [...x].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};
const avg = (x: number[]) => x.reduce((a, v) => a + v, 0) / x.length;
const sampleVariance = (x: number[]) => {
  const m = avg(x);
  return x.reduce((a, v) => a + (v - m) ** 2, 0) / (x.length - 1);
};
function expected(data: MetricData): Record<string, number> {
  const b = data.baseline.map((s) => s.points.map((p) => p.v));
  const c = data.canary.map((s) => s.points.map((p) => p.v));
  const minutes = b[0]!.map((_, j) => j);
  const column = (rows: number[][], j: number) => rows.map((r) => r[j]!);
  const diffs = minutes.map((j) => avg(column(c, j)) - avg(column(b, j)));
  const mb = b.map(avg);
  const mc = c.map(avg);
  let pairs = 0;
  for (const j of minutes) {
    for (const x of column(c, j)) for (const y of column(b, j)) pairs += x > y ? 1 : x === y ? 0.5 : 0;
  }
  return {
    'paired median-of-instances diff': avg(
      minutes.map((j) => sortedMedian(column(c, j)) - sortedMedian(column(b, j))),
    ),
    'instance-mean t':
      (avg(mc) - avg(mb)) / Math.sqrt(sampleVariance(mb) / mb.length + sampleVariance(mc) / mc.length),
    'paired t': avg(diffs) / Math.sqrt(sampleVariance(diffs) / diffs.length),
    'within-minute rank sum': pairs,
  };
}

describe('oracle statistics at 3+3 and 10+10', () => {
  it('the 10+10 oracle draws the cases of the judge table 10+10 column, the 3+3 one its old seeds', () => {
    expect(caseSetSeed(20261122, INSTANCES)).toBe(20261122);
    expect(caseSetSeed(20261122, 10)).toBe(20261122 + 79190);
  });
  for (const instances of [3, 10]) {
    it(`${instances}+${instances}: instance-built statistics match their plain definitions`, () => {
      const rng = mulberry32(4242 + instances);
      for (const cls of ['aa', 'mean+10%', 'variance x2', 'spikes 5% x10'] as const) {
        for (let i = 0; i < 4; i++) {
          const c = makeCase(cls, traces, rng, i, instances);
          expect(c.data.baseline).toHaveLength(instances);
          const got = new Map(oracleStatistics(c.data, cls).map((s) => [s.name, s.value]));
          for (const [name, want] of Object.entries(expected(c.data))) {
            expect(got.get(name), `${cls} #${i} ${name}`).toBeCloseTo(want, 9);
          }
        }
      }
    });
    it(`${instances}+${instances}: swapping the sides negates the location statistics`, () => {
      const rng = mulberry32(99 + instances);
      for (let i = 0; i < 4; i++) {
        const { data } = makeCase('mean+20%', traces, rng, i, instances);
        const swapped: MetricData = { ...data, baseline: data.canary, canary: data.baseline };
        const one = new Map(oracleStatistics(data, 'mean+20%').map((s) => [s.name, s.value]));
        const other = new Map(oracleStatistics(swapped, 'mean+20%').map((s) => [s.name, s.value]));
        for (const name of [
          'mean diff',
          'median diff',
          'instance-mean t',
          'paired t',
          'paired median-of-instances diff',
        ]) {
          expect(other.get(name)! + one.get(name)!, name).toBeCloseTo(0, 6);
        }
      }
    });
  }
});
