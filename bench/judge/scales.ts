import type { MetricData, MetricSeries } from '../../packages/core/src/model/metric.ts';
import type { CaseClass } from './cases.ts';

/**
 * Scale diversity: the same case at other numeric levels, to show that a verdict depends on the data, not on
 * the scale it is written at. Counts are left out: a count times 1000 is other data (Poisson noise shrinks).
 */
export const SCALE_CLASSES: readonly CaseClass[] = [
  'aa',
  'mean+10%',
  'mean+20%',
  'mean+50%',
  'variance x2',
  'spikes 5% x10',
  'p99 tail',
];

/** Baseline levels of the unit-less family: the same case rescaled so that its baseline mean is each one. */
export const LEVELS = [1e-3, 1e-2, 1e-1, 1, 10, 100, 1e3, 1e4, 1e5, 1e6] as const;

/**
 * Families written with a unit: one physical latency shown in several units, whose numeric levels span
 * about 1e-3 to 1e6. At 1 s the latency floor (2 ms at medium) never binds; at 5 ms it binds for shifts
 * under 40%, in every unit alike.
 */
export const UNIT_FAMILIES: readonly { name: string; seconds: number; units: readonly [string, number][] }[] =
  [
    {
      name: '1 s latency',
      seconds: 1,
      units: [
        ['h', 1 / 3600],
        ['min', 1 / 60],
        ['s', 1],
        ['ms', 1e3],
        ['us', 1e6],
      ],
    },
    {
      name: '5 ms latency',
      seconds: 0.005,
      units: [
        ['s', 1],
        ['ms', 1e3],
        ['us', 1e6],
        ['ns', 1e9],
      ],
    },
  ];

/** Mean absolute baseline value: the level a rescaling is relative to. */
export function baselineLevel(data: MetricData): number {
  let sum = 0;
  let n = 0;
  for (const s of data.baseline)
    for (const p of s.points)
      if (Number.isFinite(p.v)) {
        sum += Math.abs(p.v);
        n++;
      }
  return n > 0 && sum > 0 ? sum / n : 1;
}

/** The case with every value times `factor`, as a latency metric in `unit` (none when undefined). */
export function rescaled(data: MetricData, factor: number, unit?: string): MetricData {
  const scale = (ss: MetricSeries[]) =>
    ss.map((s) => ({ ...s, points: s.points.map((p) => ({ t: p.t, v: p.v * factor })) }));
  const { unit: _unit, ...definition } = data.definition;
  return {
    ...data,
    definition: { ...definition, kind: 'latency', ...(unit ? { unit } : {}) },
    baseline: scale(data.baseline),
    canary: scale(data.canary),
  };
}

/** Rates of failing verdicts per scale, and how many cases got a verdict other than at the first scale. */
export interface ScaleRow {
  label: string;
  /** Failing share of the cases at each scale, in the order of the family's scales. */
  rates: number[];
  cases: number;
  /** Cases whose verdict at some scale differs from their verdict at the first one. */
  differing: number;
}

/**
 * Judges every case of the scale classes at every level without a unit and in every unit of each family
 * (medium sensitivity, kind latency). `judge` returns whether the verification fails.
 */
export function scaleDiversity(
  makeCase: (cls: CaseClass, i: number) => MetricData,
  cases: number,
  judge: (data: MetricData) => boolean,
): { unitless: ScaleRow[]; families: { name: string; units: string[]; rows: ScaleRow[] }[] } {
  const unitless: ScaleRow[] = [];
  const families = UNIT_FAMILIES.map((f) => ({
    name: f.name,
    units: f.units.map(([u, perSecond]) => `${u} (${(f.seconds * perSecond).toExponential(0)})`),
    rows: [] as ScaleRow[],
  }));
  for (const cls of SCALE_CLASSES) {
    const label = cls === 'aa' ? 'aa (false-fail)' : cls;
    const free = { fails: LEVELS.map(() => 0), differing: 0 };
    const byFamily = UNIT_FAMILIES.map((f) => ({ fails: f.units.map(() => 0), differing: 0 }));
    for (let i = 0; i < cases; i++) {
      const data = makeCase(cls, i);
      const level = baselineLevel(data);
      const verdicts = LEVELS.map((l) => judge(rescaled(data, l / level)));
      verdicts.forEach((v, k) => {
        if (v) free.fails[k]!++;
      });
      if (verdicts.some((v) => v !== verdicts[0])) free.differing++;
      UNIT_FAMILIES.forEach((f, fi) => {
        const vs = f.units.map(([u, perSecond]) => judge(rescaled(data, (f.seconds * perSecond) / level, u)));
        vs.forEach((v, k) => {
          if (v) byFamily[fi]!.fails[k]!++;
        });
        if (vs.some((v) => v !== vs[0])) byFamily[fi]!.differing++;
      });
    }
    unitless.push({ label, rates: free.fails.map((f) => f / cases), cases, differing: free.differing });
    byFamily.forEach((g, fi) => {
      families[fi]!.rows.push({ label, rates: g.fails.map((f) => f / cases), cases, differing: g.differing });
    });
  }
  return { unitless, families };
}
