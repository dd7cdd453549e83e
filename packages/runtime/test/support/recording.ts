/**
 * Builds replay recordings for end-to-end tests: a shared per-minute signal plus per-instance noise, with
 * an optional change applied to one group from a given minute. Deterministic (seeded).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@vigil/core';

export function seeded(seed: number) {
  const next = seededRandom(seed);
  return { next, gauss: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()) };
}

export interface SeriesPlan {
  /** Rendered query key (as the engine renders it with the replay provider's verbatim substitution). */
  query: string;
  group?: 'baseline' | 'canary';
  instances: string[];
  start: number;
  minutes: number;
  level: number;
  noise: number;
  /** Multiplies values from `from` minutes on. */
  change?: { from: number; factor: number };
  seed: number;
}

export function series(p: SeriesPlan) {
  const r = seeded(p.seed);
  const shared = Array.from({ length: p.minutes }, (_, i) => p.level * (1 + 0.1 * Math.sin(i / 5)));
  return {
    provider: 'rec',
    query: p.query,
    ...(p.group ? { group: p.group } : {}),
    series: p.instances.map((instance) => ({
      instance,
      points: shared.map((v, i): [number, number] => {
        const factor = p.change && i >= p.change.from ? p.change.factor : 1;
        return [p.start + i * 60_000, Math.round((v + p.noise * r.gauss()) * factor * 100) / 100];
      }),
    })),
  };
}

/** Writes a spec and its recording into a fresh temp dir; returns the dir. */
export async function writeScenario(spec: string, recording: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-e2e-'));
  await writeFile(join(dir, 'vigil.yaml'), spec);
  await writeFile(join(dir, 'recording.json'), JSON.stringify(recording));
  return dir;
}

/**
 * The replayed canary spec the end-to-end tests share: pods `b-*` against `c-*`, 20 one-minute polls and a
 * latency metric in ms read from `recording.json`. `tail` is appended verbatim: more lines of the latency
 * metric or further metrics first, then top-level keys such as `policy:`.
 */
export function replayCanarySpec(tail = ''): string {
  return `apiVersion: vigil/v1
service: shop
providers: { rec: { type: replay, file: recording.json } }
strategy: { type: canary, instanceLabel: pod, baseline: { pattern: "b-.*" }, canary: { pattern: "c-.*" } }
duration: 20m
interval: 1m
metrics:
  - name: latency
    query: 'lat{pod=~"{{instances}}"}'
    kind: latency
    unit: ms
${tail}`;
}

/** Where replayCanaryRecording starts, and its pods. */
export const CANARY_START = Date.UTC(2026, 10, 20, 14, 0);
export const BASELINE_PODS = ['b-1', 'b-2', 'b-3'];
export const CANARY_PODS = ['c-1', 'c-2', 'c-3'];

/**
 * The recording `replayCanarySpec` reads: 20 minutes of latency around 100 ms (noise 4 unless given) on pods
 * `b-*` (seed `seed`) and `c-*` (seed `seed + 1`), the canary's multiplied by `factor` from minute `from`.
 */
export function replayCanaryRecording(o: { factor: number; from?: number; seed?: number; noise?: number }) {
  const common = { start: CANARY_START, minutes: 20, level: 100, noise: o.noise ?? 4 };
  const seed = o.seed ?? 1;
  return {
    version: 1,
    metrics: [
      series({ ...common, query: 'lat{pod=~"b-.*"}', group: 'baseline', instances: BASELINE_PODS, seed }),
      series({
        ...common,
        query: 'lat{pod=~"c-.*"}',
        group: 'canary',
        instances: CANARY_PODS,
        seed: seed + 1,
        change: { from: o.from ?? 0, factor: o.factor },
      }),
    ],
  };
}

/**
 * Healthy per-pod response times (level 100, seeded) in the shape the Dynatrace fake serves as
 * `builtin:service.response.time` split by pod.
 */
export function dynatraceResponseTimes(instances: string[], start: number, minutes: number) {
  const s = series({ query: 'x', instances, start, minutes, level: 100, noise: 2, seed: 4 });
  return s.series.map((x) => ({
    metric: 'builtin:service.response.time',
    dims: { pod: x.instance },
    points: x.points,
  }));
}
