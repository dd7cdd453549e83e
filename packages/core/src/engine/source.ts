/**
 * What the engine needs from the outside world. Providers (@vigil/providers) are adapted to this by the
 * runtime; tests and replays give their own. Keeping it here keeps the engine free of network code.
 */
import type { EvidenceItem } from '../model/evidence.ts';
import type { LogEvent } from '../model/log.ts';
import type { Group, Point } from '../model/metric.ts';

/** One metric query for one group over a half-open window `[start, end)` on the `step` grid (ms). */
export interface MetricFetch {
  /** Spec name of the metric. */
  metric: string;
  /** Key of the provider under `providers` in the spec. */
  provider: string;
  group: Group;
  /** Query template; `{{name}}` placeholders are filled from `vars` by the provider, escaped for its language. */
  query: string;
  vars: Record<string, string | string[]>;
  instanceLabel: string;
  window: { start: number; end: number; step: number };
}

/** One log query for one group over `[start, end)`. */
export interface LogFetch {
  provider: string;
  group: Group;
  query: string;
  vars: Record<string, string | string[]>;
  /** Attribute of a log event that names its instance (`logs.instanceField`, else the metrics' label). */
  instanceLabel: string;
  window: { start: number; end: number };
  limit: number;
}

/** Alerts a provider raised on the service over `[start, end)` (Dynatrace problems, Datadog monitors). */
export interface EvidenceFetch {
  provider: string;
  service: string;
  environment?: string;
  window: { start: number; end: number };
}

export interface VerificationSource {
  /** One series per instance; an empty list when the backend has no data. Throws on errors. */
  fetchMetric(req: MetricFetch, signal?: AbortSignal): Promise<{ instance: string; points: Point[] }[]>;
  /**
   * The unit the backend reports for the metric of `req` (a canonical symbol such as `s` or `B`), asked once
   * per metric whose spec gives no unit; undefined when unknown. A failure means unknown, never an error.
   */
  metricUnit?(req: MetricFetch, signal?: AbortSignal): Promise<string | undefined>;
  fetchLogs?(req: LogFetch, signal?: AbortSignal): Promise<LogEvent[]>;
  /**
   * Alerts raised during the window; `undefined` when this provider has no alerting API (Prometheus, HTTP).
   * Throws when it has one and it cannot be read.
   */
  fetchEvidence?(req: EvidenceFetch, signal?: AbortSignal): Promise<EvidenceItem[] | undefined>;
}

/** Time as the engine sees it. Live runs use the wall clock; replays a virtual one that never waits. */
export interface Clock {
  now(): number;
  /** Resolves after `ms` (or at once on a virtual clock); rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A clock that starts at `start` and advances only when slept on: replays run at once. */
export function virtualClock(start: number): Clock {
  let now = start;
  return {
    now: () => now,
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      now += Math.max(0, ms);
    },
  };
}
