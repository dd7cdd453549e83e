/**
 * Coverage: how much of the data a metric should have had arrived usable, per side. A metric passes only on
 * data that was there to judge; gaps, NaN, silent instances and provider errors are evidence that it was not,
 * and `dataIssueOf` names which.
 */
import type { MinData } from '../judges/sensitivity.ts';
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

interface Grid {
  /** Step index of a timestamp, or -1 outside the grid. */
  index(t: number): number;
  steps: number;
}

/** The grid a side is measured on: the run's, else one read from the data (see `MetricData.expected`). */
function gridOf(data: MetricData, side: MetricSeries[]): Grid {
  const g = data.expected?.grid;
  if (g) {
    return {
      steps: g.steps,
      index: (t) => {
        const i = Math.floor((t - g.start) / g.step);
        return i >= 0 && i < g.steps ? i : -1;
      },
    };
  }
  // No plan (e.g. `vigil compare`): the step is the median spacing of the timestamps; the span is both sides'
  // when they overlap in time (a canary that ends early has a gap), else the side's own (before vs after).
  const span = (ss: MetricSeries[]) => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const s of ss) {
      const first = s.points[0];
      const last = s.points[s.points.length - 1];
      if (first && first.t < lo) lo = first.t;
      if (last && last.t > hi) hi = last.t;
    }
    return { lo, hi };
  };
  const times = new Set<number>();
  for (const s of [...data.baseline, ...data.canary]) for (const p of s.points) times.add(p.t);
  const sorted = [...times].sort((a, b) => a - b);
  const diffs: number[] = [];
  for (let i = 1; i < sorted.length; i++) diffs.push(sorted[i]! - sorted[i - 1]!);
  diffs.sort((a, b) => a - b);
  const step = diffs[Math.floor(diffs.length / 2)] ?? 1;
  const own = span(side);
  const b = span(data.baseline);
  const c = span(data.canary);
  const overlap = b.lo <= c.hi && c.lo <= b.hi;
  const lo = overlap ? Math.min(b.lo, c.lo) : own.lo;
  const hi = overlap ? Math.max(b.hi, c.hi) : own.hi;
  if (!Number.isFinite(lo)) return { steps: 0, index: () => -1 };
  const steps = Math.round((hi - lo) / step) + 1;
  return {
    steps,
    index: (t) => {
      const i = Math.round((t - lo) / step);
      return i >= 0 && i < steps ? i : -1;
    },
  };
}

/** Per-instance detail kept for the explanation of a data issue. */
export interface InstanceCoverage {
  instance: string;
  expected: number;
  usable: number;
}

/** Coverage of one side of a metric. */
export function sideCoverage(
  data: MetricData,
  group: Group,
): SideCoverage & { perInstance: InstanceCoverage[] } {
  const side = data[group];
  const direction = data.definition.direction;
  const grid = gridOf(data, side);
  const named = data.expected?.instances?.[group] ?? [];
  const perInstance = new Map<string, InstanceCoverage>();
  const covered = new Uint8Array(grid.steps);
  let usable = 0;
  let nonFinite = 0;
  let worstInfinite = 0;
  for (const name of named) perInstance.set(name, { instance: name, expected: grid.steps, usable: 0 });
  for (const s of side) {
    const hit = new Uint8Array(grid.steps);
    let first = -1;
    const bad = new Set<number>();
    for (const p of s.points) {
      const i = grid.index(p.t);
      if (i < 0) continue;
      if (first < 0 || i < first) first = i;
      if (!usableValue(p.v, direction)) {
        bad.add(i);
        continue;
      }
      if (hit[i]) continue;
      hit[i] = 1;
      covered[i] = 1;
      usable++;
      if (!Number.isFinite(p.v)) worstInfinite++;
    }
    for (const i of bad) if (!hit[i]) nonFinite++;
    if (first < 0) continue;
    let got = 0;
    for (let i = 0; i < grid.steps; i++) got += hit[i]!;
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
