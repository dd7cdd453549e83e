import type { MetricData, MetricSeries } from '../../packages/core/src/model/metric.ts';
import type { Trace } from './nab.ts';
import { poisson, randInt } from './prng.ts';

/** The regression classes of the benchmark. `aa` and `aa-counts` inject nothing. */
export const CLASSES = [
  'aa',
  'aa-counts',
  'mean+10%',
  'mean+20%',
  'mean+50%',
  'variance x2',
  'spikes 5% x10',
  'errors x2',
  'p99 tail',
] as const;
export type CaseClass = (typeof CLASSES)[number];

export const POINTS = 60;
/** Instances per side of the default case set; the bench also runs a wider set (see INSTANCE_SETS). */
export const INSTANCES = 3;
/** The case sets: 3+3 instances (the design) and 10+10 (where sparse effects become visible). */
export const INSTANCE_SETS = [INSTANCES, 10] as const;
/**
 * The seed of one case set: the 3+3 set keeps the seeds it always had, a wider set draws its cases from seeds
 * of its own. Class `ci` of the set draws from `caseSetSeed(seed, instances) + 1000 * ci`; the judge table and
 * the oracle bench both do, so their rates are on the very same cases.
 */
export const caseSetSeed = (seed: number, instances: number): number =>
  instances === INSTANCES ? seed : seed + 7919 * instances;
const MINUTE = 60_000;
/** The mean-shift classes: the shift added to every canary point, as a share of the trace segment's level. */
const MEAN_SHIFT: Partial<Record<CaseClass, number>> = { 'mean+10%': 0.1, 'mean+20%': 0.2, 'mean+50%': 0.5 };

/** One generated case, with what the bench reports per sub-group. */
export interface BenchCase {
  data: MetricData;
  trace: string;
  /** Error classes: mean baseline errors per instance-minute. */
  errorRate?: number;
  /**
   * Spikes: the injected spike is larger than the trace's own 99.5th percentile of noise (on traces whose
   * noise is itself spiky, a x10 spike can hide among natural ones). Other classes: the trace's residual
   * kurtosis is below 15 (light tails).
   */
  distinct: boolean;
  /**
   * Mean-shift classes: the injected shift as a share of the baseline's observed mean. The shift is a share
   * of the trace's own level, but the bootstrapped noise of a bursty trace (disk writes, request counts) can
   * lift the observed mean far above that level, so a "+20%" case can be a 2% change of what the metric shows.
   */
  observedShift?: number;
  /**
   * Mean-shift classes: how the case was made, for the oracle bench's known-process bound (judge/oracle.ts):
   * the trace segment every instance shares and the value added to every canary point.
   */
  injected?: { signal: number[]; shift: number };
}

/**
 * Builds one case: a 60-point segment of a real trace is the signal all instances share (they serve the
 * same traffic at the same minutes); each instance adds its own noise, a seeded bootstrap of the trace's
 * residuals. The canary instances carry the injected regression.
 */
export function makeCase(
  cls: CaseClass,
  traces: Trace[],
  rng: () => number,
  index: number,
  instances: number = INSTANCES,
): BenchCase {
  const trace = traces[randInt(rng, traces.length)]!;
  let start = 0;
  let segment: number[] = [];
  let level = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    start = randInt(rng, trace.values.length - POINTS);
    segment = trace.values.slice(start, start + POINTS);
    level = segment.reduce((a, v) => a + Math.abs(v), 0) / POINTS;
    if (level > 0) break;
  }
  const t0 = 1_700_000_000_000 + index * POINTS * MINUTE;
  if (cls === 'aa-counts' || cls === 'errors x2') {
    return countCase(cls, trace, segment, level, rng, t0, instances);
  }
  const noise = () => trace.residuals[randInt(rng, trace.residuals.length)]!;
  const canaryValue = (signal: number, j: number, spikes: Set<number>): number => {
    let r = noise();
    if (cls === 'variance x2') r *= Math.SQRT2;
    if (cls === 'p99 tail' && r > trace.residualQ90) r += 2 * (r - trace.residualQ90);
    let v = signal + r;
    v += (MEAN_SHIFT[cls] ?? 0) * level;
    if (spikes.has(j)) v += 9 * level;
    return v;
  };
  const series = (group: 'baseline' | 'canary', k: number): MetricSeries => {
    const spikes = new Set<number>();
    if (group === 'canary' && cls === 'spikes 5% x10') {
      while (spikes.size < Math.round(0.05 * POINTS)) spikes.add(randInt(rng, POINTS));
    }
    return {
      metric: trace.name,
      instance: `${group}-${k}`,
      group,
      points: segment.map((signal, j) => ({
        t: t0 + j * MINUTE,
        v: group === 'canary' ? canaryValue(signal, j, spikes) : signal + noise(),
      })),
    };
  };
  const baseline = Array.from({ length: instances }, (_, k) => series('baseline', k));
  const canary = Array.from({ length: instances }, (_, k) => series('canary', k));
  const shift = MEAN_SHIFT[cls];
  let observedShift: number | undefined;
  let injected: BenchCase['injected'];
  if (shift !== undefined) {
    let sum = 0;
    for (const s of baseline) for (const p of s.points) sum += p.v;
    observedShift = (shift * level) / Math.abs(sum / (instances * POINTS));
    injected = { signal: segment, shift: shift * level };
  }
  return {
    trace: trace.name,
    distinct: cls === 'spikes 5% x10' ? 9 * level > trace.absResidualQ995 : trace.kurtosis < 15,
    ...(observedShift === undefined ? {} : { observedShift }),
    ...(injected === undefined ? {} : { injected }),
    data: {
      definition: { name: trace.name, kind: 'other', direction: 'higher-is-worse' },
      baseline,
      canary,
    },
  };
}

/**
 * Error counts: Poisson counts per instance-minute whose rate follows the trace's shape (the load all
 * instances share), with a base rate log-uniform in [0.2, 10] errors per instance-minute, so about 40% of the
 * cases are sparse (under one error a minute). A third of the cases carry a traffic series (requests per
 * instance-minute) that the rate judge normalises by.
 */
function countCase(
  cls: CaseClass,
  trace: Trace,
  segment: number[],
  level: number,
  rng: () => number,
  t0: number,
  instances: number,
): BenchCase {
  const shape = segment.map((v) => (level > 0 ? Math.max(v, 0) / level : 1));
  const meanShape = shape.reduce((a, v) => a + v, 0) / POINTS || 1;
  const rate = 0.2 * 50 ** rng();
  const withTraffic = rng() < 1 / 3;
  const factor = cls === 'errors x2' ? 2 : 1;
  const traffic: { baseline: MetricSeries[]; canary: MetricSeries[] } = { baseline: [], canary: [] };
  const series = (group: 'baseline' | 'canary', k: number): MetricSeries => {
    const requests = shape.map((s) => poisson(rng, (500 * s) / meanShape));
    if (withTraffic) {
      traffic[group].push({
        metric: 'requests',
        instance: `${group}-${k}`,
        group,
        points: requests.map((v, j) => ({ t: t0 + j * MINUTE, v })),
      });
    }
    return {
      metric: 'errors',
      instance: `${group}-${k}`,
      group,
      points: shape.map((s, j) => {
        const mean = withTraffic ? (rate * requests[j]!) / 500 : (rate * s) / meanShape;
        return { t: t0 + j * MINUTE, v: poisson(rng, mean * (group === 'canary' ? factor : 1)) };
      }),
    };
  };
  const data: MetricData = {
    definition: {
      name: `${trace.name}:errors`,
      kind: 'error',
      direction: 'higher-is-worse',
      ...(withTraffic ? { trafficMetric: 'requests' } : {}),
    },
    baseline: Array.from({ length: instances }, (_, k) => series('baseline', k)),
    canary: Array.from({ length: instances }, (_, k) => series('canary', k)),
  };
  if (withTraffic) data.traffic = traffic;
  return { trace: trace.name, data, errorRate: rate, distinct: trace.kurtosis < 15 };
}
