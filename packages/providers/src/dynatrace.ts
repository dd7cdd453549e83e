/**
 * Dynatrace Environment API v2: metrics (`/metrics/query`), logs (`/logs/search`, `nextSliceKey`), problems
 * (`/problems`, `nextPageKey`), deployment events (`/events/ingest`, CUSTOM_DEPLOYMENT) and the token scope
 * check (`/apiTokens/lookup`).
 *
 * `/metrics/query` does not paginate: its `nextPageKey` is documented as deprecated and always null, so one
 * request per metric per group is the whole answer. Dynatrace metrics are usually per service, not per
 * instance: before/after comparison is the natural strategy there.
 */
import { type LogEvent, normaliseLevel, type Point } from '@vigil/core';
import { runChecks } from './check.ts';
import type { DynatraceConfig } from './config.ts';
import { ProviderError } from './errors.ts';
import { HttpClient } from './http.ts';
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
  ProviderDeps,
  ProviderUsage,
  TimeRange,
  Window,
} from './provider.ts';
import { secretsOf } from './redact.ts';
import { renderTemplate } from './render.ts';
import { canonicalUnit, dynatraceUnitSelector, UnitCache } from './units.ts';
import { alignWindow, clip } from './window.ts';

/** Scopes each capability needs; `check()` reports the missing ones. */
export const dynatraceScopes = {
  metrics: 'metrics.read',
  logs: 'logs.read',
  problems: 'problems.read',
  deployments: 'events.ingest',
} as const;

/** Records one log search may return (its slices together), per the API's `limit` maximum. */
const maxSearchLimit = 1000;

/** Dynatrace resolution string for a step: whole minutes as `Nm`, else whole hours (minimum 1m). */
export function dynatraceResolution(stepMs: number): string {
  const minutes = Math.max(1, Math.round(stepMs / 60_000));
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

export class DynatraceProvider implements Provider {
  readonly name: string;
  readonly type = 'dynatrace' as const;
  private readonly http: HttpClient;
  private readonly config: DynatraceConfig;
  private readonly now: () => number;
  private readonly units = new UnitCache();

  constructor(config: DynatraceConfig, deps: ProviderDeps = {}) {
    this.config = config;
    this.name = config.name ?? 'dynatrace';
    this.now = deps.now ?? Date.now;
    if (!config.token) {
      throw new ProviderError('auth', this.name, 'token is empty', {
        hint: 'set token (a Dynatrace API token) in the provider config',
      });
    }
    this.http = new HttpClient({
      provider: this.name,
      type: 'dynatrace',
      baseUrl: `${config.url.replace(/\/+$/, '')}/api/v2`,
      headers: { authorization: `Api-Token ${config.token}` },
      secrets: secretsOf(config),
      ...(config.http ? { http: config.http } : {}),
      deps,
      errors: {
        message: (_s, body) => {
          const e = (
            body as { error?: { message?: string; constraintViolations?: { message?: string }[] } } | null
          )?.error;
          if (!e?.message) return undefined;
          const cv = (e.constraintViolations ?? []).map((c) => c.message).filter(Boolean);
          return cv.length ? `${e.message}: ${cv.join('; ')}` : e.message;
        },
      },
    });
  }

  /**
   * From the metric descriptor (`GET /api/v2/metrics/{metricKey}`, with the selector's `:toUnit`/`:rate`
   * so the unit is that of the values returned), once per metric key.
   */
  metricUnit(query: MetricQuery, options: CallOptions = {}): Promise<string | undefined> {
    let key: string | undefined;
    try {
      key = dynatraceUnitSelector(
        query.vars ? renderTemplate(query.query, query.vars, 'dynatrace', this.name) : query.query,
      );
    } catch {
      return Promise.resolve(undefined);
    }
    if (!key) return Promise.resolve(undefined);
    return this.units.get(key, async () => {
      const res = await this.http.send({
        method: 'GET',
        path: `/metrics/${encodeURIComponent(key)}`,
        what: `descriptor of "${query.metric}"`,
        retries: 1,
        signal: options.signal,
      });
      return canonicalUnit((res.body as { unit?: unknown } | null)?.unit as string | undefined);
    });
  }

  async fetchMetric(
    query: MetricQuery,
    window: Window,
    options: CallOptions = {},
  ): Promise<InstanceSeries[]> {
    const aligned = alignWindow(window, this.name);
    if (!aligned) return [];
    const selector = query.vars
      ? renderTemplate(query.query, query.vars, 'dynatrace', this.name)
      : query.query;
    const entitySelector = this.config.entitySelector;
    const range = { start: aligned.first, end: aligned.last + aligned.step };
    const res = await this.http.send({
      method: 'GET',
      path: '/metrics/query',
      query: {
        metricSelector: selector,
        resolution: dynatraceResolution(window.step),
        from: range.start,
        to: range.end,
        ...(entitySelector ? { entitySelector } : {}),
      },
      what: `metrics query of "${query.metric}"`,
      signal: options.signal,
    });
    const body = res.body as {
      result?: {
        metricId?: string;
        data?: { dimensionMap?: Record<string, string>; timestamps?: unknown[]; values?: unknown[] }[];
      }[];
    } | null;
    if (!body || !Array.isArray(body.result)) {
      throw new ProviderError('malformed', this.name, `"${query.metric}": the response has no result array`);
    }
    if (body.result.length > 1) {
      throw new ProviderError(
        'bad-query',
        this.name,
        `"${query.metric}": the selector matched ${body.result.length} metrics`,
        {
          hint: 'select exactly one metric per query',
        },
      );
    }
    const out = new Map<string, Point[]>();
    for (const d of body.result[0]?.data ?? []) {
      const instance = d.dimensionMap?.[query.instanceLabel];
      if (instance === undefined) {
        throw new ProviderError(
          'bad-query',
          this.name,
          `"${query.metric}" returned a series without the dimension "${query.instanceLabel}"`,
          { hint: `split the metric by it: <metric>:splitBy("${query.instanceLabel}")` },
        );
      }
      if (out.has(instance)) {
        throw new ProviderError(
          'bad-query',
          this.name,
          `"${query.metric}" returned several series for ${query.instanceLabel}=${instance}`,
          {
            hint: `split by the instance dimension only: :splitBy("${query.instanceLabel}")`,
          },
        );
      }
      const ts = d.timestamps;
      const vs = d.values;
      if (!Array.isArray(ts) || !Array.isArray(vs) || ts.length !== vs.length) {
        throw new ProviderError(
          'malformed',
          this.name,
          `"${query.metric}": series ${instance} has mismatched timestamps and values`,
        );
      }
      const points: Point[] = ts.map((t, i) => {
        const v = vs[i];
        if (typeof t !== 'number' || (v !== null && typeof v !== 'number')) {
          throw new ProviderError(
            'malformed',
            this.name,
            `"${query.metric}": a point of ${instance} is not a number`,
          );
        }
        return { t, v: v === null ? Number.NaN : v };
      });
      out.set(instance, clip(points, range));
    }
    return [...out].filter(([, p]) => p.length > 0).map(([instance, points]) => ({ instance, points }));
  }

  async *fetchLogs(query: LogQuery, range: TimeRange, options: CallOptions = {}): AsyncIterable<LogEvent> {
    const limit = query.limit ?? 10_000;
    const q = query.vars ? renderTemplate(query.query, query.vars, 'dynatrace', this.name) : query.query;
    let emitted = 0;
    // One search returns at most 1,000 records (its slices included). A longer range continues with a new
    // search from the last timestamp seen, skipping the records of that millisecond already emitted.
    let from = range.start;
    let skipAtFrom = 0;
    for (;;) {
      const want = Math.min(maxSearchLimit, query.pageSize ?? maxSearchLimit, limit - emitted + skipAtFrom);
      let sliceKey: string | undefined;
      let inSearch = 0;
      let lastT = Number.NaN;
      let atLastT = 0;
      let skip = skipAtFrom;
      const seen = new Set<string>();
      do {
        const res = await this.http.send({
          method: 'GET',
          path: '/logs/search',
          // With nextSliceKey every other parameter is ignored by Dynatrace, so none is sent.
          query: sliceKey
            ? { nextSliceKey: sliceKey }
            : { from, to: range.end, query: q, limit: want, sort: 'timestamp' },
          what: 'logs search',
          signal: options.signal,
        });
        const body = res.body as {
          results?: {
            timestamp?: number;
            content?: string;
            status?: string;
            additionalColumns?: Record<string, string[]>;
          }[];
          nextSliceKey?: string | null;
        } | null;
        if (!body || !Array.isArray(body.results)) {
          throw new ProviderError('malformed', this.name, 'logs search: the response has no results array');
        }
        for (const r of body.results) {
          if (typeof r.timestamp !== 'number') {
            throw new ProviderError('malformed', this.name, 'logs search: a record has no timestamp');
          }
          inSearch++;
          atLastT = r.timestamp === lastT ? atLastT + 1 : 1;
          lastT = r.timestamp;
          if (skip > 0 && r.timestamp === from) {
            skip--;
            continue;
          }
          const ev: LogEvent = { t: r.timestamp, message: r.content ?? '', level: normaliseLevel(r.status) };
          const inst = query.instanceField ? r.additionalColumns?.[query.instanceField]?.[0] : undefined;
          if (inst !== undefined) ev.instance = inst;
          if (query.group) ev.group = query.group;
          yield ev;
          if (++emitted >= limit) return;
        }
        sliceKey = body.nextSliceKey ?? undefined;
        if (sliceKey !== undefined) {
          if (seen.has(sliceKey))
            throw new ProviderError('malformed', this.name, 'logs search: the server repeated a slice key');
          seen.add(sliceKey);
        }
      } while (sliceKey);
      if (inSearch < want) return;
      // A full search: there may be more. If the whole search sat in one millisecond we cannot move on.
      if (lastT === from && atLastT >= want) {
        throw new ProviderError(
          'malformed',
          this.name,
          `logs search: more than ${want} records at ${new Date(from).toISOString()}`,
          {
            hint: 'narrow the log query',
          },
        );
      }
      skipAtFrom = atLastT;
      from = lastT;
    }
  }

  /**
   * Problems open at any time in the range, scoped by `options.entityId` when given, else by the config's
   * `problemSelector` / `entitySelector`; when neither is set, by the service entity named like the spec's service (never the whole environment, whose
   * unrelated problems would then count against every deploy).
   */
  async problems(range: TimeRange, options: ProblemOptions = {}): Promise<Problem[]> {
    const out: Problem[] = [];
    let pageKey: string | undefined;
    const seen = new Set<string>();
    const tilde = (v: string) => v.replace(/[~"]/g, (c) => `~${c}`);
    const entitySelector = options.entityId
      ? `entityId("${tilde(options.entityId)}")`
      : (this.config.entitySelector ??
        (this.config.problemSelector || !options.service
          ? undefined
          : `type("SERVICE"),entityName.equals("${tilde(options.service)}")`));
    do {
      const res = await this.http.send({
        method: 'GET',
        path: '/problems',
        query: pageKey
          ? { nextPageKey: pageKey }
          : {
              from: range.start,
              to: range.end,
              pageSize: 500,
              ...(this.config.problemSelector ? { problemSelector: this.config.problemSelector } : {}),
              ...(entitySelector ? { entitySelector } : {}),
            },
        what: 'problems',
        signal: options.signal,
      });
      const body = res.body as {
        problems?: {
          problemId?: string;
          displayId?: string;
          title?: string;
          status?: string;
          severityLevel?: string;
          impactLevel?: string;
          startTime?: number;
          endTime?: number;
          affectedEntities?: { name?: string; entityId?: { id?: string } }[];
        }[];
        nextPageKey?: string | null;
      } | null;
      if (!body || !Array.isArray(body.problems)) {
        throw new ProviderError('malformed', this.name, 'problems: the response has no problems array');
      }
      for (const p of body.problems) {
        if (typeof p.problemId !== 'string' || typeof p.startTime !== 'number') {
          throw new ProviderError('malformed', this.name, 'problems: an entry has no problemId or startTime');
        }
        const end = typeof p.endTime === 'number' && p.endTime >= 0 ? p.endTime : undefined;
        // Open at some time in [start, end): began before the end, and not closed before the start.
        if (p.startTime >= range.end || (end !== undefined && end <= range.start)) continue;
        out.push({
          kind: 'problem',
          id: p.problemId,
          ...(p.displayId ? { displayId: p.displayId } : {}),
          title: p.title ?? p.problemId,
          status: p.status === 'OPEN' || end === undefined ? 'open' : 'closed',
          ...(p.severityLevel ? { severity: p.severityLevel } : {}),
          ...(p.impactLevel ? { impact: p.impactLevel } : {}),
          start: p.startTime,
          ...(end !== undefined ? { end } : {}),
          entities: (p.affectedEntities ?? []).map((e) => e.name ?? e.entityId?.id ?? '?'),
        });
      }
      pageKey = body.nextPageKey ?? undefined;
      if (pageKey !== undefined) {
        if (seen.has(pageKey))
          throw new ProviderError('malformed', this.name, 'problems: the server repeated a page key');
        seen.add(pageKey);
      }
    } while (pageKey);
    return out;
  }

  async markDeployment(event: DeploymentEvent, options: CallOptions = {}): Promise<void> {
    const t = event.t ?? this.now();
    const entitySelector = event.entitySelector ?? this.config.entitySelector;
    const text = [event.text, event.verdict ? `Verdict: ${event.verdict}` : undefined]
      .filter(Boolean)
      .join(' | ');
    const res = await this.http.send({
      method: 'POST',
      path: '/events/ingest',
      body: {
        eventType: 'CUSTOM_DEPLOYMENT',
        title: event.title ?? `Vigil: ${event.service} ${event.version} (${event.env})`,
        startTime: t,
        ...(entitySelector ? { entitySelector } : {}),
        properties: {
          'dt.event.deployment.name': `${event.service} ${event.version}`,
          'dt.event.deployment.version': event.version,
          'dt.event.deployment.release_stage': event.env,
          'dt.event.deployment.release_product': event.service,
          'dt.event.deployment.project': event.service,
          'dt.event.is_rootcause_relevant': 'true',
          ...(text ? { 'dt.event.description': text } : {}),
          ...event.tags,
        },
      },
      what: 'deployment event',
      idempotent: false,
      signal: options.signal,
    });
    const results =
      (res.body as { eventIngestResults?: { status?: string }[] } | null)?.eventIngestResults ?? [];
    const bad = results.find((r) => r.status !== 'OK');
    if (bad) {
      throw new ProviderError('bad-query', this.name, `deployment event rejected: ${bad.status}`, {
        hint:
          bad.status === 'INVALID_ENTITY_TYPE'
            ? 'check entitySelector'
            : 'check the event fields (times, properties)',
      });
    }
  }

  /**
   * Dynatrace rolls metric data up as it ages (its documented retention): 1-minute points for 14 days,
   * 5-minute for 28 days, 1-hour for 400 days, 1-day for 5 years. A window further back than its step's
   * resolution is kept would come back coarser than the step asks for.
   */
  async retention(step: number): Promise<number | undefined> {
    const day = 86_400_000;
    if (step < 5 * 60_000) return 14 * day;
    if (step < 3_600_000) return 28 * day;
    if (step < day) return 400 * day;
    return 5 * 365 * day;
  }

  async check(options: CallOptions = {}): Promise<CheckResult[]> {
    return runChecks([
      {
        name: 'credentials',
        run: async () => {
          const res = await this.http.send({
            method: 'POST',
            path: '/apiTokens/lookup',
            body: { token: this.config.token },
            what: 'token lookup',
            signal: options.signal,
          });
          const tok = res.body as { enabled?: boolean; scopes?: string[]; expirationDate?: string } | null;
          if (tok?.enabled === false) {
            return {
              name: 'credentials',
              ok: false,
              detail: 'the token is disabled',
              hint: 'enable the token or create a new one',
            };
          }
          const scopes = new Set(tok?.scopes ?? []);
          const missing = Object.entries(dynatraceScopes).filter(([, s]) => !scopes.has(s));
          return {
            name: 'permissions',
            ok: missing.length === 0,
            detail: missing.length
              ? `token lacks ${missing.map(([what, s]) => `${s} (for ${what})`).join(', ')}`
              : `token has ${Object.values(dynatraceScopes).join(', ')}${tok?.expirationDate ? `; expires ${tok.expirationDate}` : ''}`,
            hint: missing.length ? `add the scopes ${missing.map(([, s]) => s).join(', ')} to the token` : '',
          };
        },
      },
    ]);
  }

  usage(): ProviderUsage {
    return this.http.usage();
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
