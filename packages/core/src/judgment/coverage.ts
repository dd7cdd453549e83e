/**
 * Coverage: how much of the data a metric should have had arrived usable, per side. A metric passes only on
 * data that was there to judge; gaps, NaN, silent instances and provider errors are evidence that it was not,
 * and `dataIssueOf` names which.
 */
import { quantileInPlace, type Scratch, scratch, take } from '../judges/select.ts';
import type { MinData } from '../judges/sensitivity.ts';
import { type SideValues, sideValues } from '../judges/sideValues.ts';
import type { Direction, Group, MetricData, MetricSeries } from '../model/metric.ts';
import type { DataIssue, SideCoverage } from '../model/verdict.ts';

/** Default `minCoverage`: below 80% of the expected points a side cannot pass (every metric, not only critical). */
export const DEFAULT_MIN_COVERAGE = 0.8;

/** Whether a value is usable: finite, or the infinity in the metric's worse direction (the worst value there is). */
export function usableValue(v: number, direction: Direction): boolean {
  if (Number.isFinite(v)) return true;
  if (v === Number.POSITIVE_INFINITY) return direction !== 'lower-is-worse';
  if (v === Number.NEGATIVE_INFINITY) return direction !== 'higher-is-worse';
  return false;
}

/** The time grid a side is measured on: step index i covers [start + i step, start + (i + 1) step). */
interface Grid {
  start: number;
  step: number;
  steps: number;
  /** Round to the nearest step (a grid read from the data) instead of flooring (the run's grid). */
  nearest: boolean;
}

const MAX_STEP_SAMPLES = 256;

const EMPTY_GRID: Grid = { start: 0, step: 1, steps: 0, nearest: false };

/** First and last timestamp of a side (series are sorted by time). */
function spanOf(side: MetricSeries[]): { lo: number; hi: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of side) {
    const n = s.points.length;
    if (n === 0) continue;
    if (s.points[0]!.t < lo) lo = s.points[0]!.t;
    if (s.points[n - 1]!.t > hi) hi = s.points[n - 1]!.t;
  }
  return { lo, hi };
}

/**
 * The grid of each side: the run's, else one read from the data (`vigil compare`): the step is the median
 * spacing of consecutive points of a series; the span is both sides' when they overlap in time (a canary that
 * ends early has a gap), else each side's own (before vs after).
 */
function gridsOf(data: MetricData, values: Record<Group, SideValues>, work: Scratch): Record<Group, Grid> {
  const g = data.expected?.grid;
  if (g) {
    const grid = { ...g, nearest: false };
    return { baseline: grid, canary: grid };
  }
  const sides = [values.baseline, values.canary];
  // The spacing of the first few hundred consecutive points is enough to read the step.
  const diffs = take(work, MAX_STEP_SAMPLES);
  let k = 0;
  for (const { start, t } of sides)
    for (let si = 0; si + 1 < start.length && k < MAX_STEP_SAMPLES; si++)
      for (let i = start[si]! + 1; i < start[si + 1]! && k < MAX_STEP_SAMPLES; i++) {
        const d = t[i]! - t[i - 1]!;
        if (d > 0) diffs[k++] = d;
      }
  const step = k > 0 ? quantileInPlace(diffs.subarray(0, k), 0.5) : 1;
  const b = spanOf(data.baseline);
  const c = spanOf(data.canary);
  const overlap = b.lo <= c.hi && c.lo <= b.hi;
  const grid = (own: { lo: number; hi: number }): Grid => {
    const lo = overlap ? Math.min(b.lo, c.lo) : own.lo;
    const hi = overlap ? Math.max(b.hi, c.hi) : own.hi;
    if (!Number.isFinite(lo)) return EMPTY_GRID;
    return { start: lo, step, steps: Math.round((hi - lo) / step) + 1, nearest: true };
  };
  return { baseline: grid(b), canary: grid(c) };
}

/** Per-instance detail kept for the explanation of a data issue. */
export interface InstanceCoverage {
  instance: string;
  expected: number;
  usable: number;
}

/**
 * Coverage of one side of a metric (`values`: both sides as read; `grids` from `gridsOf`, shared by both
 * sides of one metric).
 */
export function sideCoverage(
  data: MetricData,
  group: Group,
  values: Record<Group, SideValues> = {
    baseline: sideValues(data.baseline),
    canary: sideValues(data.canary),
  },
  grids: Record<Group, Grid> = gridsOf(data, values, scratch()),
): SideCoverage & { perInstance: InstanceCoverage[] } {
  const side = data[group];
  const direction = data.definition.direction;
  const grid = grids[group];
  const named = data.expected?.instances?.[group] ?? [];
  const perInstance = new Map<string, InstanceCoverage>();
  // Per step: the last series (1-based) that had a usable point there, and one that had an unusable one.
  const hitBy = new Int32Array(grid.steps);
  const badBy = new Int32Array(grid.steps);
  const covered = new Uint8Array(grid.steps);
  let usable = 0;
  let nonFinite = 0;
  let worstInfinite = 0;
  for (const name of named) perInstance.set(name, { instance: name, expected: grid.steps, usable: 0 });
  const read = values[group];
  const { start: g0, step, steps, nearest } = grid;
  for (let si = 0; si < side.length; si++) {
    const s = side[si]!;
    const id = si + 1;
    let first = -1;
    let got = 0;
    let bad = 0;
    for (let k = read.start[si]!; k < read.start[si + 1]!; k++) {
      const x = (read.t[k]! - g0) / step;
      const i = nearest ? Math.round(x) : Math.floor(x);
      if (i < 0 || i >= steps) continue;
      const v = read.v[k]!;
      if (first < 0 || i < first) first = i;
      if (!(v - v === 0) && !usableValue(v, direction)) {
        if (badBy[i] !== id) {
          badBy[i] = id;
          bad++;
        }
        continue;
      }
      if (hitBy[i] === id) continue;
      if (badBy[i] === id) bad--;
      hitBy[i] = id;
      badBy[i] = id;
      covered[i] = 1;
      got++;
      if (!(v - v === 0)) worstInfinite++;
    }
    usable += got;
    nonFinite += bad;
    if (first < 0) continue;
    const known = perInstance.get(s.instance);
    // An instance the spec named is expected at every step; one found in the data from its first point on.
    const expected = known ? known.expected : grid.steps - first;
    perInstance.set(s.instance, { instance: s.instance, expected, usable: (known?.usable ?? 0) + got });
  }
  let expected = 0;
  for (const c of perInstance.values()) expected += c.expected;
  let stepsCovered = 0;
  for (let i = 0; i < grid.steps; i++) stepsCovered += covered[i]!;
  const instances = [...perInstance.values()];
  return {
    expected,
    usable,
    fraction: expected > 0 ? Math.min(1, usable / expected) : 1,
    steps: grid.steps,
    stepsCovered,
    instances: instances.filter((c) => c.usable > 0).length,
    missingInstances: instances.filter((c) => c.usable === 0).map((c) => c.instance),
    nonFinite,
    worstInfinite,
    errors: [...new Set(data.errors?.[group] ?? [])],
    perInstance: instances,
  };
}

/**
 * Coverage of both sides of a metric (the baseline's only when it is judged), from its sides as read;
 * `work` holds the spacings the step is read from.
 */
export function coverageOfSides(
  data: MetricData,
  withBaseline: boolean,
  values: Record<Group, SideValues>,
  work: Scratch = scratch(),
) {
  const grids = gridsOf(data, values, work);
  return {
    canary: sideCoverage(data, 'canary', values, grids),
    baseline: withBaseline ? sideCoverage(data, 'baseline', values, grids) : undefined,
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

function listed(names: string[], max = 3): string {
  return `${names.slice(0, max).join(', ')}${names.length > max ? ` and ${names.length - max} more` : ''}`;
}

/**
 * Why a side's data is not enough to judge, or undefined when it is. In order: provider errors (whenever the
 * side is short of data and fetches failed, they are the cause), no data at all, too little data (minimum
 * points, time steps, instances), then coverage below `minCoverage` (missing instances by name, NaN values,
 * or gaps, naming the instances with the least coverage).
 */
export function dataIssueOf(
  group: Group,
  c: SideCoverage & { perInstance: InstanceCoverage[] },
  min: MinData,
  minCoverage: number,
): DataIssue | undefined {
  const short =
    c.usable === 0 ||
    c.usable < min.points ||
    c.stepsCovered < min.steps ||
    c.instances < min.instances ||
    c.fraction < minCoverage;
  if (!short) return undefined;
  const counts = `${c.usable} of ${c.expected} expected points, ${pct(c.fraction)}`;
  if (c.errors.length > 0) {
    return {
      cause: 'provider-error',
      detail: `${group}: ${c.errors.length} provider error${c.errors.length > 1 ? 's' : ''} (${c.errors.slice(0, 2).join('; ')}${c.errors.length > 2 ? '; ...' : ''}), ${counts}`,
    };
  }
  if (c.usable === 0) {
    if (c.missingInstances.length > 0 && c.nonFinite === 0)
      return {
        cause:
          c.expected > 0 && (c.perInstance.length > c.missingInstances.length || c.nonFinite === 0)
            ? 'missing-instances'
            : 'no-data',
        detail: `${group}: no values from ${listed(c.missingInstances)}`,
      };
    if (c.nonFinite > 0)
      return {
        cause: 'non-finite',
        detail: `${group}: all ${c.nonFinite} points were NaN or the harmless infinity`,
      };
    return { cause: 'no-data', detail: `${group}: no values` };
  }
  if (c.usable < min.points)
    return {
      cause: 'too-little-data',
      detail: `${group}: too little data (${c.usable} points, need ${min.points})`,
    };
  if (c.stepsCovered < min.steps)
    return {
      cause: 'too-little-data',
      detail: `${group}: too little data (${c.stepsCovered} time step${c.stepsCovered === 1 ? '' : 's'} covered, need ${min.steps})`,
    };
  if (c.instances < min.instances)
    return {
      cause: 'too-little-data',
      detail: `${group}: too little data (${c.instances} instance${c.instances === 1 ? '' : 's'}, need ${min.instances})`,
    };
  const need = `need ${pct(minCoverage)}`;
  if (c.missingInstances.length > 0)
    return {
      cause: 'missing-instances',
      detail: `${group} coverage ${counts} (${need}): no values from ${listed(c.missingInstances)}`,
    };
  const gaps = c.expected - c.usable - c.nonFinite;
  if (c.nonFinite >= gaps)
    return {
      cause: 'non-finite',
      detail: `${group} coverage ${counts} (${need}): ${c.nonFinite} points were NaN or the harmless infinity`,
    };
  const worst = c.perInstance
    .filter((i) => i.expected > 0 && i.usable / i.expected < minCoverage)
    .sort((a, b) => a.usable / a.expected - b.usable / b.expected)
    .map((i) => `${i.instance} ${pct(i.usable / i.expected)}`);
  return {
    cause: 'low-coverage',
    detail: `${group} coverage ${counts} (${need}): ${gaps} points missing in time${worst.length ? ` (least covered: ${listed(worst)})` : ''}`,
  };
}

/** The coverage without its per-instance detail, as reports carry it. */
export function publicCoverage(c: SideCoverage & { perInstance?: InstanceCoverage[] }): SideCoverage {
  const { perInstance: _p, ...rest } = c;
  return rest;
}
