/**
 * Synthetic recordings for the replay provider: per entity, metrics with a daily cycle and seeded noise,
 * optionally with an anomaly in a chosen window, and log events. The data is made here (not fetched), and
 * the numbers that matter to assertions are chosen so the right answer is known by construction.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplayFile } from '@vigil/providers';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A seeded PRNG: the same data on every run. */
import { seededRandom as prng } from '@vigil/core';

export { prng };

/** Standard normal via Box-Muller. */
function gauss(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export interface SyntheticEntity {
  /** Value of `{{service}}`. */
  service: string;
  /** Multiplies metric 0 by this factor inside `anomaly` (e.g. 6 = a sixfold error rate). */
  anomaly?: { start: number; end: number; factor: number; metric?: number };
  /** Adds a new error message in this window, every `everyMs`. */
  newLogError?: { start: number; end: number; message: string; everyMs: number };
}

export const metricQuery = (i: number) =>
  `sum by (instance) (rate(vigil_metric_${i}{service="{{service}}"}[1m]))`;
export const LOG_QUERY = 'service:{{service}}';

/** Builds a replay recording of `metrics` metrics per entity on a 1-minute grid over `[from, to)`. */
export function syntheticReplay(
  entities: readonly SyntheticEntity[],
  options: { metrics: number; from: number; to: number; step?: number; seed?: number; logs?: boolean },
): ReplayFile {
  const step = options.step ?? MINUTE;
  const file: ReplayFile = { version: 1, description: 'synthetic Service Guard data', metrics: [], logs: [] };
  entities.forEach((e, ei) => {
    for (let m = 0; m < options.metrics; m++) {
      const rand = prng((options.seed ?? 1) * 1_000_003 + ei * 101 + m);
      const base = 50 + 10 * m;
      const points: [number, number][] = [];
      for (let t = Math.ceil(options.from / step) * step; t < options.to; t += step) {
        let v = base * (1 + 0.3 * Math.sin((2 * Math.PI * t) / DAY)) + gauss(rand) * base * 0.02;
        const a = e.anomaly;
        if (a && (a.metric ?? 0) === m && t >= a.start && t < a.end) v *= a.factor;
        points.push([t, Math.round(v * 1000) / 1000]);
      }
      file.metrics.push({
        provider: 'replay',
        query: metricQuery(m).replace('{{service}}', e.service),
        metric: `m${m}`,
        instanceLabel: 'instance',
        series: [{ instance: `${e.service}-0`, points }],
      });
    }
    if (options.logs) {
      const events = [];
      const rand = prng(ei + 77);
      for (let t = options.from; t < options.to; t += 5 * MINUTE) {
        events.push({
          t,
          message: `GET /orders/${Math.floor(rand() * 1e6)} 200 in ${Math.floor(rand() * 50)} ms`,
          level: 'info' as const,
        });
        events.push({
          t: t + 1000,
          message: `cache refreshed: ${Math.floor(rand() * 500)} keys`,
          level: 'info' as const,
        });
      }
      const n = e.newLogError;
      if (n)
        for (let t = n.start; t < n.end; t += n.everyMs)
          events.push({ t, message: n.message, level: 'error' as const });
      file.logs!.push({ provider: 'replay', query: LOG_QUERY.replace('{{service}}', e.service), events });
    }
  });
  return file;
}

export function writeReplay(dir: string, file: ReplayFile, name = 'replay.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(file));
  return path;
}

/** A `serviceGuard` app-config section watching `metrics` replayed metrics with profile `web`. */
export function serviceGuardConfig(options: {
  replayFile: string;
  metrics: number;
  periodMs: number;
  historyMs: number;
  shards?: number;
  logs?: boolean;
  frequency?: object;
  concurrency?: number;
  /** Claim lease (schedule.lease); default the plugin's. */
  leaseMs?: number;
  timeout?: object;
}): Record<string, unknown> {
  return {
    providers: { recorded: { type: 'replay', file: options.replayFile } },
    profiles: {
      web: {
        provider: 'recorded',
        instanceLabel: 'instance',
        step: { minutes: 1 },
        metrics: Array.from({ length: options.metrics }, (_, i) => ({
          name: `m${i}`,
          query: metricQuery(i),
          kind: i === 0 ? 'error' : 'latency',
          direction: 'higher-is-worse',
          ...(i === 0 ? { critical: true } : {}),
        })),
        ...(options.logs ? { logs: { query: LOG_QUERY, history: { hours: 6 } } } : {}),
      },
    },
    schedule: {
      frequency: options.frequency ?? { minutes: 30 },
      timeout: options.timeout ?? { minutes: 5 },
      period: { milliseconds: options.periodMs },
      ...(options.leaseMs ? { lease: { milliseconds: options.leaseMs } } : {}),
      history: { milliseconds: options.historyMs },
      shards: options.shards ?? 1,
      concurrency: options.concurrency ?? 4,
    },
  };
}

/** A catalog Component that opts in. */
export function component(name: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'vigil.dev/service-guard': 'web', 'prometheus.io/service-name': name, ...annotations },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}
