import type { MetricData, MetricSeries } from '../../packages/core/src/model/metric.ts';
import type { Trace } from './nab.ts';
import { randInt } from './prng.ts';

/**
 * The timing workload: `metrics` metrics, each with `instances` baseline and `instances` canary instances of
 * `points` one-minute points, drawn like the A/A cases (a real segment as shared signal plus bootstrap noise).
 */
export function timingWorkload(
  traces: Trace[],
  rng: () => number,
  metrics = 200,
  instances = 10,
  points = 60,
): MetricData[] {
  const out: MetricData[] = [];
  for (let m = 0; m < metrics; m++) {
    const trace = traces[m % traces.length]!;
    const start = randInt(rng, trace.values.length - points);
    const series = (group: 'baseline' | 'canary', k: number): MetricSeries => ({
      metric: `${trace.name}#${m}`,
      instance: `${group}-${k}`,
      group,
      points: Array.from({ length: points }, (_, j) => ({
        t: 1_700_000_000_000 + j * 60_000,
        v: trace.values[start + j]! + trace.residuals[randInt(rng, trace.residuals.length)]!,
      })),
    });
    out.push({
      definition: {
        name: `${trace.name}#${m}`,
        kind: m % 5 === 0 ? 'latency' : 'other',
        direction: 'higher-is-worse',
      },
      baseline: Array.from({ length: instances }, (_, k) => series('baseline', k)),
      canary: Array.from({ length: instances }, (_, k) => series('canary', k)),
    });
  }
  return out;
}
