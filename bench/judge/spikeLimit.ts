// `pnpm bench judge --spike-limit`: how far any test that holds for every noise law can take the 3+3 spike
// cases (issue #13). Every such test compares the sides given each minute's pooled values, so 9 spikes can never
// be more significant than "those 9 points are all canary" (p = 0.5^9). This prints, on the very cases of the
// judge table (medium): Vigil's rate; what a smallest-p combination of the three tail tests could catch if they
// shared a larger part of the metric's alpha; and the best band of residuals chosen in hindsight, on spike and
// A/A cases alike, to show what picking the band from the data costs. docs/engine.md has the figures.
import { judgeVerification } from '../../packages/core/src/judgment/index.ts';
import { COUNT_SHARE, EXCEEDANCE_SHARE, TAIL_SHARE } from '../../packages/core/src/judges/distribution.ts';
import { sensitivitySettings } from '../../packages/core/src/judges/sensitivity.ts';
import type { MetricData } from '../../packages/core/src/model/metric.ts';
import { printTable } from '../table.ts';
import { CLASSES, INSTANCES, makeCase, POINTS } from './cases.ts';
import type { Trace } from './nab.ts';
import { mulberry32 } from './prng.ts';

/**
 * Shares of the metric's alpha the tail tests could be given together: theirs today, the distribution judge's
 * (no variance test left), the whole metric's (no location test either).
 */
const LEVEL_SHARES = [
  { share: 0.75 * (TAIL_SHARE + COUNT_SHARE + EXCEEDANCE_SHARE), what: "tail tests' shares" },
  { share: 0.75, what: "distribution judge's share" },
  { share: 1, what: 'whole metric' },
];

/** Upper tails of Binomial(n, 1/2), n <= max: tails[n][k] = P(X >= k). */
function binomialHalfTails(max: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let n = 0; n <= max; n++) {
    const t = new Float64Array(n + 2);
    let logC = 0;
    const logs: number[] = [];
    for (let k = 0; k <= n; k++) {
      if (k > 0) logC += Math.log((n - k + 1) / k);
      logs.push(logC + n * Math.log(0.5));
    }
    for (let k = n; k >= 0; k--) t[k] = t[k + 1]! + Math.exp(logs[k]!);
    out.push(t);
  }
  return out;
}

/**
 * The smallest one-sided p, over every band [a, b] of the pooled residuals (value minus the minute's median of
 * all instances), of "this many of the band's points are canary" (Binomial(n, 1/2), as for 3+3 in a minute).
 * The band is chosen after seeing the labels, so this is no test: it bounds what any band count could show.
 */
function hindsightBandP(data: MetricData, tails: Float64Array[]): number {
  const rows = [
    ...data.baseline.map((s) => ({ s, canary: 0 })),
    ...data.canary.map((s) => ({ s, canary: 1 })),
  ];
  const points: [number, number][] = [];
  for (let j = 0; j < POINTS; j++) {
    const v = rows.map((r) => r.s.points[j]!.v);
    const sorted = [...v].sort((a, b) => a - b);
    const h = sorted.length >> 1;
    const med = sorted.length % 2 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
    rows.forEach((r, k) => {
      points.push([v[k]! - med, r.canary]);
    });
  }
  points.sort((a, b) => a[0] - b[0]);
  let top = 0;
  for (const [r] of points) top = Math.max(top, Math.abs(r));
  const tol = 1e-12 * top;
  const groups: { c: number; b: number }[] = [];
  for (let k = 0; k < points.length; k++) {
    if (k === 0 || points[k]![0] - points[k - 1]![0] > tol) groups.push({ c: 0, b: 0 });
    const g = groups[groups.length - 1]!;
    if (points[k]![1]) g.c++;
    else g.b++;
  }
  let best = 1;
  for (let a = 0; a < groups.length; a++) {
    let kc = 0;
    let kb = 0;
    for (let b = a; b < groups.length; b++) {
      kc += groups[b]!.c;
      kb += groups[b]!.b;
      best = Math.min(best, tails[kc + kb]![kc]!);
    }
  }
  return best;
}

/** The tail tests' p-values before their shares (the judge reports each divided by its share). */
function tailPValues(evidence: Record<string, unknown> | undefined): number[] {
  const raw = (key: string, share: number) => {
    const v = evidence?.[key];
    return typeof v === 'number' ? Math.min(1, v * share) : 1;
  };
  return [raw('tailP', TAIL_SHARE), raw('countP', COUNT_SHARE), raw('exceedanceP', EXCEEDANCE_SHARE)];
}

export function spikeLimitBench(traces: Trace[], seed: number, cases: number): void {
  const alpha = sensitivitySettings('medium').alpha;
  const tails = binomialHalfTails(2 * INSTANCES * POINTS);
  const rows: (string | number)[][] = [];
  const perTrace = new Map<string, { n: number; vigil: number; bound: number[] }>();
  for (const cls of ['aa', 'spikes 5% x10'] as const) {
    // The judge table's seeds, so these are its cases.
    const rng = mulberry32(seed + 1000 * CLASSES.indexOf(cls));
    let vigil = 0;
    const bound = LEVEL_SHARES.map(() => 0);
    let band = 0;
    let tailAlone = 0;
    for (let i = 0; i < cases; i++) {
      const c = makeCase(cls, traces, rng, i, INSTANCES);
      const j = judgeVerification([c.data], { sensitivity: 'medium' });
      const failed = j.verdict === 'fail';
      const dist = j.metrics[0]?.judges.find((x) => x.judge === 'distribution');
      const ps = tailPValues(dist?.evidence as Record<string, unknown> | undefined);
      const best = Math.min(...ps);
      if (ps[0]! < alpha * 0.75 * TAIL_SHARE) tailAlone++;
      const caught = LEVEL_SHARES.map(({ share }) => failed || best < alpha * share);
      caught.forEach((x, k) => {
        if (x) bound[k]!++;
      });
      if (failed) vigil++;
      if (hindsightBandP(c.data, tails) <= alpha * 0.75 * TAIL_SHARE) band++;
      if (cls !== 'aa') {
        const t = perTrace.get(c.trace) ?? { n: 0, vigil: 0, bound: LEVEL_SHARES.map(() => 0) };
        t.n++;
        if (failed) t.vigil++;
        caught.forEach((x, k) => {
          if (x) t.bound[k]!++;
        });
        perTrace.set(c.trace, t);
      }
    }
    rows.push([cls, vigil / cases, tailAlone / cases, ...bound.map((b) => b / cases), band / cases, cases]);
  }
  const levels = LEVEL_SHARES.map(
    ({ share, what }) => `or tail p < ${(alpha * share).toPrecision(2)} (${what})`,
  );
  printTable(
    [
      `class (${INSTANCES}+${INSTANCES}, medium)`,
      'vigil',
      'tail test alone at its share',
      ...levels,
      `hindsight band p <= ${(alpha * 0.75 * TAIL_SHARE).toPrecision(2)}`,
      'cases',
    ],
    rows,
  );
  const traceRows = [...perTrace]
    .sort(([, a], [, b]) => a.vigil / a.n - b.vigil / b.n)
    .slice(0, 8)
    .map(([name, t]) => [name, t.n, t.vigil / t.n, ...t.bound.map((b) => b / t.n)]);
  printTable(['spikes 5% x10: trace (lowest vigil first)', 'cases', 'vigil', ...levels], traceRows);
}
