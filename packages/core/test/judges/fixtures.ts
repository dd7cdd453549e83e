import type {
  Direction,
  MetricData,
  MetricDefinition,
  MetricKind,
  MetricSeries,
} from '../../src/model/metric.ts';

/** Seeded, so synthetic cases are the same on every run. */
import { seededRandom as rng } from '../../src/random.ts';

export { rng };

/** A standard normal draw (Box-Muller). */
export function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
}

export const T0 = 1_700_000_000_000;
export const MINUTE = 60_000;

/** Series built from explicit values, one-minute timestamps from T0. */
export function series(
  group: 'baseline' | 'canary',
  instance: string,
  values: number[],
  offset = 0,
): MetricSeries {
  return {
    metric: 'm',
    instance,
    group,
    points: values.map((v, j) => ({ t: T0 + (j + offset) * MINUTE, v })),
  };
}

export function definition(over: Partial<MetricDefinition> = {}): MetricDefinition {
  return { name: 'm', kind: 'other' as MetricKind, direction: 'higher-is-worse' as Direction, ...over };
}

/** Options of {@link synthetic}. */
export interface SyntheticOptions {
  seed: number;
  instances?: number;
  points?: number;
  /** Level of the shared signal. */
  level?: number;
  /** Canary mean shift as a fraction of the level. */
  shift?: number;
  /** Canary noise sd multiplier. */
  noiseScale?: number;
  /** Canary points (per instance) that get a spike of 9 x level. */
  spikes?: number;
  def?: Partial<MetricDefinition>;
}

/**
 * A canary case like the benchmark's: a shared, wandering signal around `level` plus independent Gaussian
 * noise (sd 5% of the level) per instance; the canary gets the requested regression.
 */
export function synthetic(o: SyntheticOptions): MetricData {
  const r = rng(o.seed);
  const k = o.instances ?? 3;
  const n = o.points ?? 60;
  const level = o.level ?? 100;
  const signal: number[] = [];
  let s = 0;
  for (let j = 0; j < n; j++) {
    s = 0.8 * s + gauss(r) * 0.2 * level;
    signal.push(level + s);
  }
  const make = (group: 'baseline' | 'canary', i: number) => {
    const spikes = new Set<number>();
    while (group === 'canary' && spikes.size < (o.spikes ?? 0)) spikes.add(Math.floor(r() * n));
    return series(
      group,
      `${group}-${i}`,
      signal.map((x, j) => {
        if (group === 'baseline') return x + gauss(r) * 0.05 * level;
        return (
          x +
          (o.shift ?? 0) * level +
          gauss(r) * 0.05 * level * (o.noiseScale ?? 1) +
          (spikes.has(j) ? 9 * level : 0)
        );
      }),
    );
  };
  return {
    definition: definition(o.def),
    baseline: Array.from({ length: k }, (_, i) => make('baseline', i)),
    canary: Array.from({ length: k }, (_, i) => make('canary', i)),
  };
}
