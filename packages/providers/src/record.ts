/**
 * `recordProvider` wraps any provider, passes every call through, and keeps what came back in the replay
 * format; `save()` writes it. Incremental polls of the same query merge into one entry (points by time).
 */
import { writeFile } from 'node:fs/promises';
import type { LogEvent } from '@vigil/core';
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
import {
  type ReplayFile,
  type ReplayLogEntry,
  type ReplayMetricEntry,
  type StoredValue,
  encodeValue,
  replayFormatVersion,
  replayQueryKey,
} from './replay.ts';

export interface RecordingProvider extends Provider {
  /** What was recorded so far. */
  recording(): ReplayFile;
  /** Writes the recording as JSON. */
  save(path: string): Promise<void>;
}

export function recordProvider(inner: Provider, options: { description?: string } = {}): RecordingProvider {
  const metrics = new Map<
    string,
    { entry: ReplayMetricEntry; points: Map<string, Map<number, StoredValue>> }
  >();
  const logs = new Map<string, ReplayLogEntry>();
  const problems = new Map<string, Problem>();
  /** Units reported by `metricUnit`, by query key. */
  const units = new Map<string, string>();
  let askedProblems = false;
  const keyOf = (query: string, group: string | undefined) => JSON.stringify([query, group ?? null]);

  const recording = (): ReplayFile => ({
    version: replayFormatVersion,
    ...(options.description ? { description: options.description } : {}),
    metrics: [...metrics.values()].map(({ entry, points }) => ({
      ...entry,
      ...(units.has(entry.query) ? { unit: units.get(entry.query) } : {}),
      series: [...points].map(([instance, byT]) => ({
        instance,
        points: [...byT].sort((a, b) => a[0] - b[0]),
      })),
    })),
    logs: [...logs.values()].map((l) => ({ ...l, events: [...l.events].sort((a, b) => a.t - b.t) })),
    // An entry, even an empty one, says the provider was asked: a replay then answers "no alerts" for it.
    problems: askedProblems ? [{ provider: inner.name, problems: [...problems.values()] }] : [],
  });

  const wrapper: RecordingProvider = {
    name: inner.name,
    type: inner.type,
    async fetchMetric(query: MetricQuery, window: Window, opts?: CallOptions): Promise<InstanceSeries[]> {
      const series = await inner.fetchMetric(query, window, opts);
      const q = replayQueryKey(query);
      const k = keyOf(q, query.group);
      let rec = metrics.get(k);
      if (!rec) {
        rec = {
          entry: {
            provider: inner.name,
            query: q,
            ...(query.group ? { group: query.group } : {}),
            metric: query.metric,
            instanceLabel: query.instanceLabel,
            series: [],
          },
          points: new Map(),
        };
        metrics.set(k, rec);
      }
      for (const s of series) {
        const byT = rec.points.get(s.instance) ?? new Map<number, StoredValue>();
        for (const p of s.points) byT.set(p.t, encodeValue(p.v));
        rec.points.set(s.instance, byT);
      }
      return series;
    },
    check: (opts?: CallOptions): Promise<CheckResult[]> => inner.check(opts),
    usage: (): ProviderUsage => inner.usage(),
    close: () => inner.close(),
    recording,
    async save(path: string) {
      await writeFile(path, `${JSON.stringify(recording(), null, 1)}\n`);
    },
  };
  if (inner.metricUnit) {
    const unitOf = inner.metricUnit.bind(inner);
    wrapper.metricUnit = async (query: MetricQuery, opts?: CallOptions) => {
      const unit = await unitOf(query, opts);
      if (unit !== undefined) units.set(replayQueryKey(query), unit);
      return unit;
    };
  }
  if (inner.fetchLogs) {
    const fetchLogs = inner.fetchLogs.bind(inner);
    wrapper.fetchLogs = async function* (
      query: LogQuery,
      range: TimeRange,
      opts?: CallOptions,
    ): AsyncIterable<LogEvent> {
      const q = replayQueryKey(query);
      const k = keyOf(q, query.group);
      const entry = logs.get(k) ?? {
        provider: inner.name,
        query: q,
        ...(query.group ? { group: query.group } : {}),
        events: [],
      };
      logs.set(k, entry);
      for await (const e of fetchLogs(query, range, opts)) {
        const { group: _g, ...stored } = e;
        entry.events.push(stored);
        yield e;
      }
    };
  }
  if (inner.problems) {
    const get = inner.problems.bind(inner);
    wrapper.problems = async (range: TimeRange, opts?: ProblemOptions) => {
      const ps = await get(range, opts);
      askedProblems = true;
      for (const p of ps) problems.set(p.id, p);
      return ps;
    };
  }
  if (inner.retention) wrapper.retention = inner.retention.bind(inner);
  if (inner.markDeployment) {
    const mark = inner.markDeployment.bind(inner);
    wrapper.markDeployment = (event: DeploymentEvent, opts?: CallOptions) => mark(event, opts);
  }
  return wrapper;
}
