import { describe, expect, it } from 'vitest';
import { judgeMetric } from '../../src/judgment/judgeMetric.ts';
import type { MetricData } from '../../src/model/metric.ts';
import { gauss } from '../judges/fixtures.ts';
import { noiseCase } from '../judges/noise.ts';

/** Issue #13's spike miss and the false-fail rate of the whole metric judgment on seeded noise-only cases. */
describe('spikes', () => {
  it('catches 4 spikes of +150 ms (30 sd) among 180 canary points at medium', () => {
    // The miss of issue #13: the score-based tail test gave p = 0.07 and the metric passed.
    const spikes = new Set(['0:10', '1:25', '2:40', '0:50']);
    const data = noiseCase(7, {}, (i, j) => (spikes.has(`${i}:${j}`) ? 150 : 0));
    const m = judgeMetric(data, { sensitivity: 'medium' });
    expect(m.outcome).toBe('fail');
    const d = m.judges.find((j) => j.judge === 'distribution')!;
    expect(d.evidence.decidedBy).toBe('spikes beyond the baseline');
    expect(d.explanation).toMatch(/the 4 largest at least \+1\d\d(\.\d)? ms/);
  });
});

describe('A/A: noise alone fails no more often than alpha', () => {
  const rate = (cases: MetricData[]) =>
    cases.filter((d) => judgeMetric(d, { sensitivity: 'medium' }).outcome === 'fail').length / cases.length;

  it('Gaussian noise, 3+3 instances: at most 2% of 400 metrics fail at medium (alpha 1%)', () => {
    const cases = Array.from({ length: 400 }, (_, s) => noiseCase(1000 + s));
    expect(rate(cases)).toBeLessThanOrEqual(0.02);
  });

  it('heavy-tailed noise (Student t, 2 df), 3+3 and 10+10 instances: at most 2% fail', () => {
    const t2 = (r: () => number) => {
      const z = gauss(r);
      const chi = gauss(r) ** 2 + gauss(r) ** 2;
      return (3 * z) / Math.sqrt(chi / 2);
    };
    const cases = [
      ...Array.from({ length: 300 }, (_, s) => noiseCase(5000 + s, { noise: t2 })),
      ...Array.from({ length: 100 }, (_, s) => noiseCase(6000 + s, { k: 10, noise: t2 })),
    ];
    expect(rate(cases)).toBeLessThanOrEqual(0.02);
  });
});
