/** Builders for judge tests: metric data from plain arrays. */
import type { JudgeContext } from '../../src/judges/judge.ts';
import type { SensitivitySettings } from '../../src/judges/sensitivity.ts';
import type { Direction, MetricData, MetricKind, MetricSeries } from '../../src/model/metric.ts';

export function series(group: 'baseline' | 'canary', instance: string, values: number[]): MetricSeries {
  return { metric: 'm', instance, group, points: values.map((v, i) => ({ t: i * 60_000, v })) };
}

export function metricData(
  baseline: number[][],
  canary: number[][],
  def: {
    direction?: Direction;
    kind?: MetricKind;
    unit?: string;
    critical?: boolean;
    muted?: boolean;
    group?: string;
  } = {},
): MetricData {
  return {
    definition: {
      name: 'm',
      kind: def.kind ?? 'other',
      direction: def.direction ?? 'higher-is-worse',
      ...def,
    },
    baseline: baseline.map((v, i) => series('baseline', `b${i}`, v)),
    canary: canary.map((v, i) => series('canary', `c${i}`, v)),
  };
}

/**
 * The numbers the rank judge reads, stated here so the tests do not depend on the sensitivity table. The
 * absolute floor `minAbsolute` applies to metrics in ms, counts or ratios (none without a unit).
 */
export function ctx(alpha = 0.005, minRelativeChange = 0.05, minAbsolute = 0): JudgeContext {
  const floor = [
    { value: minAbsolute, unit: 'ms' },
    { value: minAbsolute, unit: 'count' },
    { value: minAbsolute, unit: 'ratio' },
  ];
  const settings = {
    sensitivity: 'medium',
    alpha,
    minRelativeChange,
    minAbsoluteChange: { error: floor, latency: floor, throughput: floor, resource: floor, other: floor },
    warnFactor: 5,
  } as unknown as SensitivitySettings;
  return { settings };
}

export const range = (from: number, to: number, step = 1): number[] => {
  const out: number[] = [];
  for (let v = from; v <= to + 1e-9; v += step) out.push(v);
  return out;
};
