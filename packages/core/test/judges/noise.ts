import type { MetricData } from '../../src/model/metric.ts';
import { definition, gauss, rng, series } from './fixtures.ts';

/** k+k instances x n minutes of level + N(0, sd) noise; `spike(i, j)` adds to canary instance i at minute j. */
export function noiseCase(
  seed: number,
  o: { k?: number; n?: number; sd?: number; noise?: (r: () => number) => number } = {},
  spike: (i: number, j: number) => number = () => 0,
): MetricData {
  const r = rng(seed);
  const k = o.k ?? 3;
  const n = o.n ?? 60;
  const draw = o.noise ?? ((x: () => number) => (o.sd ?? 5) * gauss(x));
  const signal = Array.from({ length: n }, (_, j) => 100 + 10 * Math.sin(j / 7));
  const side = (group: 'baseline' | 'canary') =>
    Array.from({ length: k }, (_, i) =>
      series(
        group,
        `${group}-${i}`,
        signal.map((s, j) => s + draw(r) + (group === 'canary' ? spike(i, j) : 0)),
      ),
    );
  return {
    definition: definition({ kind: 'latency', unit: 'ms' }),
    baseline: side('baseline'),
    canary: side('canary'),
  };
}
