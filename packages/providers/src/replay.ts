/**
 * Replay: answers queries from a recorded file (docs/replay-format.md), filtering by window so that
 * incremental polls work exactly as against the live provider. The embedded default of the demo and of
 * every engine test: no account, no network.
 */
import { readFileSync } from 'node:fs';
import type { Group, LogEvent, Point } from '@vigil/core';
import type { ReplayConfig } from './config.ts';
import { ProviderError } from './errors.ts';
import type {
  CallOptions,
  CheckResult,
  DeploymentEvent,
  InstanceSeries,
  LogQuery,
  MetricQuery,
  Problem,
  ProblemOptions,
  Provider,
  ProviderUsage,
  TimeRange,
  Window,
} from './provider.ts';
import { renderTemplate } from './render.ts';
import { alignWindow } from './window.ts';

export const replayFormatVersion = 1;

/** A value as stored: a number, null for NaN, or "+Inf"/"-Inf" (JSON has neither). */
export type StoredValue = number | null | '+Inf' | '-Inf';

export interface ReplayMetricEntry {
  /** Name of the recorded provider. */
  provider: string;
  /** Query with its `{{vars}}` substituted verbatim (no provider escaping). */
  query: string;
  /** Omitted when the query was not made for one side. */
  group?: Group;
  metric?: string;
  instanceLabel?: string;
  /** Canonical unit the recorded provider reported for the metric (`metricUnit`), when it knew one. */
  unit?: string;
  series: { instance: string; points: [number, StoredValue][] }[];
}

export interface ReplayLogEntry {
  provider: string;
  query: string;
  group?: Group;
  events: LogEvent[];
}

export interface ReplayProblemEntry {
  provider: string;
  problems: Problem[];
}

/**
 * How much of its run a recording holds, written by `vigil record` when the run ends. A replay asked for data
 * past `covered.end` fails that fetch with an error naming the gap, so a replay of a cancelled or cut-short
 * recording is judged on what it holds and can never pass on the rest.
 */
export interface ReplayCompleteness {
  /** The recorded run's planned judged window, epoch ms, `[start, end)`. */
  planned: { start: number; end: number };
  /** The part of the planned window the recording holds: every poll up to (excluding) `end`. */
  covered: { start: number; end: number };
  /** How the recorded run ended: `completed`, `incomplete`, `stopped-early` or `cancelled`. */
  status: string;
  /** True when the run was cancelled (Ctrl-C, SIGTERM) before its planned end. */
  cancelled: boolean;
  /** The recorded run's `fractionJudged`: the share of the planned points that arrived usable, 0..1. */
  fractionJudged: number;
  /** Why the run ended early or incomplete, when it did. */
  stopReason?: string;
}

/** The replay file. */
export interface ReplayFile {
  version: 1;
  /** Free text: where and when it was recorded. */
  description?: string;
  /** What part of its run the recording covers; absent in files written by hand or by older versions. */
  completeness?: ReplayCompleteness;
  metrics: ReplayMetricEntry[];
  logs?: ReplayLogEntry[];
  problems?: ReplayProblemEntry[];
}

/** The key text of a query: template vars substituted verbatim, so record and replay agree for any vendor. */
export function replayQueryKey(query: { query: string; vars?: MetricQuery['vars'] }): string {
  return query.vars ? renderTemplate(query.query, query.vars, 'text') : query.query;
}

export function encodeValue(v: number): StoredValue {
  if (Number.isNaN(v)) return null;
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return v;
}

export function decodeValue(v: StoredValue): number {
  if (v === null) return Number.NaN;
  if (v === '+Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  return v;
}

/** Parses and checks a replay file; errors name the bad field. */
export function parseReplayFile(text: string, source = 'replay file'): ReplayFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProviderError('malformed', 'replay', `${source} is not JSON (${(e as Error).message})`, {
      hint: 'record it again with `record` or fix the JSON',
    });
  }
  const bad = (field: string, why: string) =>
    new ProviderError('malformed', 'replay', `${source}: ${field} ${why}`, {
      hint: 'see docs/replay-format.md',
    });
  const f = raw as Partial<ReplayFile> | null;
  if (!f || typeof f !== 'object') throw bad('the top level', 'is not an object');
  if (f.version !== replayFormatVersion)
    throw bad('version', `is ${JSON.stringify(f.version)}, expected ${replayFormatVersion}`);
  if (!Array.isArray(f.metrics)) throw bad('metrics', 'is not an array');
  f.metrics.forEach((m, i) => {
    if (typeof m?.provider !== 'string') throw bad(`metrics[${i}].provider`, 'is not a string');
    if (typeof m.query !== 'string') throw bad(`metrics[${i}].query`, 'is not a string');
    if (!Array.isArray(m.series)) throw bad(`metrics[${i}].series`, 'is not an array');
    m.series.forEach((s, j) => {
      if (typeof s?.instance !== 'string')
        throw bad(`metrics[${i}].series[${j}].instance`, 'is not a string');
      if (!Array.isArray(s.points)) throw bad(`metrics[${i}].series[${j}].points`, 'is not an array');
      s.points.forEach((p, k) => {
        const ok =
          Array.isArray(p) &&
          typeof p[0] === 'number' &&
          (typeof p[1] === 'number' || p[1] === null || p[1] === '+Inf' || p[1] === '-Inf');
        if (!ok)
          throw bad(`metrics[${i}].series[${j}].points[${k}]`, 'is not [epochMs, number|null|"+Inf"|"-Inf"]');
      });
    });
  });
  const c = f.completeness;
  if (c !== undefined) {
    const span = (x: unknown) =>
      !!x &&
      typeof (x as { start: unknown }).start === 'number' &&
      typeof (x as { end: unknown }).end === 'number';
    if (!c || typeof c !== 'object' || !span(c.planned) || !span(c.covered))
      throw bad('completeness', 'needs planned and covered as { start, end } in epoch ms');
    if (
      typeof c.cancelled !== 'boolean' ||
      typeof c.status !== 'string' ||
      typeof c.fractionJudged !== 'number'
    )
      throw bad('completeness', 'needs status (string), cancelled (boolean) and fractionJudged (number)');
  }
  (f.logs ?? []).forEach((l, i) => {
    if (typeof l?.provider !== 'string' || typeof l.query !== 'string' || !Array.isArray(l.events)) {
      throw bad(`logs[${i}]`, 'needs provider, query and events');
    }
    l.events.forEach((e, j) => {
      if (typeof e?.t !== 'number' || typeof e.message !== 'string')
        throw bad(`logs[${i}].events[${j}]`, 'needs t and message');
    });
  });
  return f as ReplayFile;
}

export class ReplayProvider implements Provider {
  readonly name: string;
  readonly type = 'replay' as const;
  private readonly file: ReplayFile;
  private readonly source: string;
  private readonly counts = { requests: 0, failures: 0 };
  /**
   * Alerts, as recorded: present only when the recording holds a `problems` entry for this source (the
   * recorded provider had an alerting API and was asked), so that a replayed Prometheus run does not claim
   * "no alerts".
   */
  readonly problems?: (range: TimeRange, options?: ProblemOptions) => Promise<Problem[]>;
  /** Deployment markers "written" during the run, for tests and dry runs. */
  readonly deployments: DeploymentEvent[] = [];

  constructor(config: ReplayConfig | { type: 'replay'; name?: string; data: ReplayFile; source?: string }) {
    this.name = config.name ?? 'replay';
    if ('data' in config) {
      this.file = config.data;
    } else {
      let text: string;
      try {
        text = readFileSync(config.file, 'utf8');
      } catch (e) {
        throw new ProviderError(
          'bad-query',
          this.name,
          `cannot read replay file "${config.file}": ${(e as Error).message}`,
          {
            hint: 'check file: the path is relative to the working directory',
          },
        );
      }
      this.file = parseReplayFile(text, config.file);
    }
    const providers = [
      ...new Set(
        [...this.file.metrics, ...(this.file.logs ?? []), ...(this.file.problems ?? [])].map(
          (e) => e.provider,
        ),
      ),
    ];
    if (config.source !== undefined) {
      if (!providers.includes(config.source)) {
        throw new ProviderError(
          'bad-query',
          this.name,
          `the replay file has no provider "${config.source}"`,
          {
            hint: `set source to one of: ${providers.join(', ') || '(the file is empty)'}`,
          },
        );
      }
      this.source = config.source;
    } else if (providers.length <= 1) {
      this.source = providers[0] ?? '';
    } else {
      throw new ProviderError(
        'bad-query',
        this.name,
        `the replay file holds several providers (${providers.join(', ')})`,
        {
          hint: 'set source to the one this provider replays',
        },
      );
    }
    const recorded = (this.file.problems ?? []).filter((p) => p.provider === this.source);
    if (recorded.length > 0) {
      this.problems = async (range) => {
        this.counts.requests++;
        return recorded
          .flatMap((p) => p.problems)
          .filter((p) => p.start < range.end && (p.end === undefined || p.end > range.start));
      };
    }
  }

  /** The unit recorded with the query, so a replay judges with the units the live run had. */
  async metricUnit(query: MetricQuery): Promise<string | undefined> {
    const key = replayQueryKey(query);
    return this.file.metrics.find(
      (m) => m.provider === this.source && m.query === key && typeof m.unit === 'string',
    )?.unit;
  }

  async fetchMetric(query: MetricQuery, window: Window, _options?: CallOptions): Promise<InstanceSeries[]> {
    this.counts.requests++;
    const aligned = alignWindow(window, this.name);
    if (!aligned) return [];
    const key = replayQueryKey(query);
    const entry = this.file.metrics.find(
      (m) =>
        m.provider === this.source && m.query === key && (m.group === undefined || m.group === query.group),
    );
    if (!entry) {
      this.counts.failures++;
      const known = this.file.metrics
        .filter((m) => m.provider === this.source)
        .map((m) => `${m.query} [${m.group ?? '-'}]`);
      throw new ProviderError(
        'bad-query',
        this.name,
        `no recording of "${key}" for group ${query.group ?? '-'}`,
        {
          hint: `record it, or use one of the recorded queries: ${known.slice(0, 5).join('; ')}${known.length > 5 ? '; ...' : ''}`,
        },
      );
    }
    const end = aligned.last + aligned.step;
    this.checkCovered(end);
    return entry.series
      .map((s) => ({
        instance: s.instance,
        points: s.points
          .filter(([t]) => t >= aligned.first && t < end)
          .map(([t, v]): Point => ({ t, v: decodeValue(v) }))
          .sort((a, b) => a.t - b.t),
      }))
      .filter((s) => s.points.length > 0);
  }

  /**
   * Refuses a window that runs past what an incomplete recording holds: "no data there" would be a lie, the
   * recorded run never got there.
   */
  private checkCovered(end: number): void {
    const c = this.file.completeness;
    if (!c || end <= c.covered.end) return;
    this.counts.failures++;
    const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
    const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
    const how = c.cancelled
      ? `cancelled after ${seconds(c.covered.end - c.planned.start)} of ${seconds(c.planned.end - c.planned.start)}`
      : `${c.status}${c.stopReason ? ` (${c.stopReason})` : ''}`;
    throw new ProviderError(
      'unavailable',
      this.name,
      `the recording holds data up to ${iso(c.covered.end)} only (the recorded run was ${how}); nothing was recorded up to ${iso(end)}`,
      { hint: 'record the run again, or replay a shorter duration' },
    );
  }

  async *fetchLogs(query: LogQuery, range: TimeRange, _options?: CallOptions): AsyncIterable<LogEvent> {
    this.counts.requests++;
    this.checkCovered(range.end);
    const key = replayQueryKey(query);
    const limit = query.limit ?? 10_000;
    const entries = (this.file.logs ?? []).filter(
      (l) =>
        l.provider === this.source && l.query === key && (l.group === undefined || l.group === query.group),
    );
    let n = 0;
    const events = entries.flatMap((e) => e.events).filter((e) => e.t >= range.start && e.t < range.end);
    for (const e of events.sort((a, b) => a.t - b.t)) {
      yield { ...e, ...(query.group ? { group: query.group } : {}) };
      if (++n >= limit) return;
    }
  }

  async markDeployment(event: DeploymentEvent, _options?: CallOptions): Promise<void> {
    this.deployments.push(event);
  }

  async check(_options?: CallOptions): Promise<CheckResult[]> {
    const n = this.file.metrics.filter((m) => m.provider === this.source).length;
    return [
      {
        name: 'recording',
        ok: n > 0,
        detail: `${n} recorded metric queries from "${this.source || '(none)'}"`,
        hint: n > 0 ? '' : 'record a run first, or point file at a replay file that has metrics',
      },
    ];
  }

  usage(): ProviderUsage {
    return {
      provider: this.name,
      type: 'replay',
      requests: this.counts.requests,
      calls: 0,
      retries: 0,
      rateLimited: 0,
      failures: this.counts.failures,
      bytes: 0,
    };
  }

  async close(): Promise<void> {}
}
