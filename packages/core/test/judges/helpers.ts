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

/** The numbers the rank judge reads, stated here so the tests do not depend on the sensitivity table. */
export function ctx(alpha = 0.005, minRelativeChange = 0.05, minAbsolute = 0): JudgeContext {
  const settings = {
    sensitivity: 'medium',
    alpha,
    minRelativeChange,
    minAbsoluteChange: {
      error: minAbsolute,
      latency: minAbsolute,
      throughput: minAbsolute,
      resource: minAbsolute,
      other: minAbsolute,
    },
    warnFactor: 5,
  } as SensitivitySettings;
  return { settings };
}

export const range = (from: number, to: number, step = 1): number[] => {
  const out: number[] = [];
  for (let v = from; v <= to + 1e-9; v += step) out.push(v);
  return out;
};
