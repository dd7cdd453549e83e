/**
 * Datadog: metrics through `/api/v1/query` (or `/api/v2/query/timeseries`) grouped by the instance tag,
 * logs through `/api/v2/logs/events/search` with cursor pagination, monitors in alert on the service through
 * `/api/v1/monitor`, deployment events through `/api/v1/events` with unified service tags, and key validation
 * through `/api/v1/validate`.
 */
import { DATADOG_SITES, type LogEvent, normaliseLevel, type Point } from '@vigil/core';
import { runChecks } from './check.ts';
import type { DatadogConfig, DatadogSite } from './config.ts';
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
import { canonicalUnit, datadogQueryMetric, UnitCache } from './units.ts';
import { alignWindow, clip } from './window.ts';

/** Datadog's public sites (the core's list, which the spec schema accepts). */
export const datadogSites: readonly DatadogSite[] = DATADOG_SITES;

/** The API base URL of a site. */
export function datadogApiUrl(site: DatadogSite = 'datadoghq.com'): string {
  if (!datadogSites.includes(site)) {
    throw new ProviderError('bad-query', 'datadog', `site "${site}" is not a Datadog site`, {
      hint: `use one of ${datadogSites.join(', ')}`,
    });
  }
  return `https://api.${site}`;
}

const maxLogPage = 1000;
/** Monitors per page of `GET /api/v1/monitor` (the API's maximum). */
const maxMonitorPage = 1000;

/** The fields of a Datadog monitor that `problems()` reads (group timestamps are epoch seconds). */
interface DatadogMonitor {
  id?: number;
  name?: string;
  overall_state?: string;
  priority?: number | null;
  state?: {
    groups?: Record<
      string,
      { name?: string; status?: string; last_triggered_ts?: number; last_resolved_ts?: number }
    >;
  };
}

/** The monitor as an alert open at some time in the range, or undefined. */
function monitorAlert(m: DatadogMonitor, range: TimeRange): Problem | undefined {
  if (typeof m.id !== 'number') return undefined;
  const groups = Object.entries(m.state?.groups ?? {});
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  let open = false;
  const entities: string[] = [];
  for (const [key, g] of groups) {
    const triggered = typeof g.last_triggered_ts === 'number' ? g.last_triggered_ts * 1000 : undefined;
    const resolved = typeof g.last_resolved_ts === 'number' ? g.last_resolved_ts * 1000 : undefined;
    if (triggered === undefined || triggered <= 0 || triggered >= range.end) continue;
    const alerting = g.status === 'Alert';
    const resolvedInRange = resolved !== undefined && resolved >= triggered && resolved > range.start;
    if (!alerting && !resolvedInRange) continue;
    start = Math.min(start, triggered);
    if (alerting) open = true;
    else end = Math.max(end, resolved!);
    entities.push(g.name ?? key);
  }
  if (entities.length === 0) {
    // No group detail: a monitor alerting as a whole is taken as alerting through the range.
    if (groups.length > 0 || m.overall_state !== 'Alert') return undefined;
    start = range.start;
    open = true;
  }
  return {
    kind: 'monitor',
    id: String(m.id),
    title: m.name ?? `monitor ${m.id}`,
    status: open ? 'open' : 'closed',
    ...(typeof m.priority === 'number' ? { severity: `P${m.priority}` } : {}),
    start,
    ...(open ? {} : { end }),
    entities,
  };
}

interface V1Series {
  pointlist?: [number, number | null][];
  scope?: string;
  tag_set?: string[];
}

/** Tag value of `key` in `key:value` tags; Datadog tag values may themselves contain colons. */
function tagValue(tags: readonly string[] | undefined, key: string): string | undefined {
  const prefix = `${key}:`;
  return tags?.find((t) => t.startsWith(prefix))?.slice(prefix.length);
}

export class DatadogProvider implements Provider {
  readonly name: string;
  readonly type = 'datadog' as const;
  private readonly http: HttpClient;
  private readonly config: DatadogConfig;
  private readonly now: () => number;
  private readonly units = new UnitCache();

  constructor(config: DatadogConfig, deps: ProviderDeps = {}) {
    this.config = config;
    this.name = config.name ?? 'datadog';
    this.now = deps.now ?? Date.now;
    for (const f of ['apiKey', 'appKey'] as const) {
      if (!config[f]) {
        throw new ProviderError('auth', this.name, `${f} is empty`, {
          hint: `set ${f} (from DD_${f === 'apiKey' ? 'API' : 'APP'}_KEY) in the provider config`,
        });
      }
    }
    this.http = new HttpClient({
      provider: this.name,
      type: 'datadog',
      baseUrl: config.baseUrl ?? datadogApiUrl(config.site),
      headers: { 'DD-API-KEY': config.apiKey, 'DD-APPLICATION-KEY': config.appKey },
      secrets: secretsOf(config),
      ...(config.http ? { http: config.http } : {}),
      deps,
      errors: {
        message: (_s, body) => {
          const b = body as { errors?: unknown } | null;
          return Array.isArray(b?.errors) ? b.errors.map(String).join('; ') : undefined;
        },
      },
    });
  }

  /** The query as sent: rendered, grouped by the instance tag, and rolled up to the step. */
  render(query: MetricQuery, stepMs: number): string {
    let q = query.vars ? renderTemplate(query.query, query.vars, 'datadog', this.name) : query.query;
    if (!/\bby\s*\{/.test(q)) {
      const at = q.lastIndexOf('}');
      if (at < 0) {
        throw new ProviderError('bad-query', this.name, `"${query.metric}": the query has no {scope}`, {
          hint: 'write a metrics query such as avg:trace.http.request.errors{service:web} by {pod_name}',
        });
      }
      q = `${q.slice(0, at + 1)} by {${query.instanceLabel}}${q.slice(at + 1)}`;
    }
    if ((this.config.metricsApi ?? 'v1') === 'v1' && !q.includes('.rollup(')) {
      q = `${q}.rollup(${this.config.rollup ?? 'avg'}, ${Math.max(1, Math.round(stepMs / 1000))})`;
    }
    return q;
  }

  /**
   * From the metric's metadata (`GET /api/v1/metrics/{metric_name}`: `unit`, and `per_unit` for rates), once
   * per metric. Formulas and functions have no single metric, hence an unknown unit.
   */
  metricUnit(query: MetricQuery, options: CallOptions = {}): Promise<string | undefined> {
    let metric: string | undefined;
    try {
      metric = datadogQueryMetric(
        query.vars ? renderTemplate(query.query, query.vars, 'datadog', this.name) : query.query,
      );
    } catch {
      return Promise.resolve(undefined);
    }
    if (!metric) return Promise.resolve(undefined);
    return this.units.get(metric, async () => {
      const res = await this.http.send({
        method: 'GET',
        path: `/api/v1/metrics/${encodeURIComponent(metric)}`,
        what: `metadata of "${query.metric}"`,
        retries: 1,
        signal: options.signal,
      });
      const body = res.body as { unit?: unknown; per_unit?: unknown } | null;
      const unit = typeof body?.unit === 'string' ? body.unit : undefined;
      const per = typeof body?.per_unit === 'string' ? body.per_unit : undefined;
      if (!unit) return per ? canonicalUnit(`1/${per}`) : undefined;
      return canonicalUnit(per ? `${unit}/${per}` : unit);
    });
  }

  async fetchMetric(
    query: MetricQuery,
    window: Window,
    options: CallOptions = {},
  ): Promise<InstanceSeries[]> {
    const aligned = alignWindow(window, this.name);
    if (!aligned) return [];
    const q = this.render(query, window.step);
    const range = { start: aligned.first, end: aligned.last + aligned.step };
    const raw =
      (this.config.metricsApi ?? 'v1') === 'v1'
        ? await this.v1(query, q, range, options)
        : await this.v2(query, q, range, window.step, options);
    return raw
      .map((s) => ({ instance: s.instance, points: clip(s.points, range) }))
      .filter((s) => s.points.length > 0);
  }

  private async v1(
    query: MetricQuery,
    q: string,
    range: TimeRange,
    options: CallOptions,
  ): Promise<InstanceSeries[]> {
    const res = await this.http.send({
      method: 'GET',
      path: '/api/v1/query',
      // Seconds: from floored and to ceiled, so the window is covered; the extra is clipped afterwards.
      query: { from: Math.floor(range.start / 1000), to: Math.ceil(range.end / 1000), query: q },
      what: `query of "${query.metric}"`,
      signal: options.signal,
    });
    const body = res.body as { status?: string; error?: string; series?: V1Series[] } | null;
    if (body?.status === 'error') {
      throw new ProviderError('bad-query', this.name, `"${query.metric}": ${body.error ?? 'query failed'}`);
    }
    if (!body || !Array.isArray(body.series)) {
      throw new ProviderError('malformed', this.name, `"${query.metric}": the response has no series array`);
    }
    const seen = new Set<string>();
    return body.series.map((s) => {
      const instance =
        tagValue(s.tag_set, query.instanceLabel) ?? tagValue(s.scope?.split(','), query.instanceLabel);
      if (instance === undefined) {
        throw new ProviderError(
          'bad-query',
          this.name,
          `"${query.metric}" returned a series without the tag "${query.instanceLabel}" (scope ${s.scope ?? '?'})`,
          { hint: `group the query by the instance tag: ... by {${query.instanceLabel}}` },
        );
      }
      if (seen.has(instance)) {
        throw new ProviderError(
          'bad-query',
          this.name,
          `"${query.metric}" returned several series for ${query.instanceLabel}:${instance}`,
          {
            hint: `group by the instance tag only: ... by {${query.instanceLabel}}`,
          },
        );
      }
      seen.add(instance);
      if (!Array.isArray(s.pointlist)) {
        throw new ProviderError(
          'malformed',
          this.name,
          `"${query.metric}": series ${instance} has no pointlist`,
        );
      }
      return { instance, points: s.pointlist.map((p) => this.point(p[0], p[1], query.metric)) };
    });
  }

  private async v2(
    query: MetricQuery,
    q: string,
    range: TimeRange,
    step: number,
    options: CallOptions,
  ): Promise<InstanceSeries[]> {
    const res = await this.http.send({
      method: 'POST',
      path: '/api/v2/query/timeseries',
      body: {
        data: {
          type: 'timeseries_request',
          attributes: {
            from: range.start,
            to: range.end,
            interval: step,
            queries: [{ data_source: 'metrics', name: 'q', query: q }],
            formulas: [{ formula: 'q' }],
          },
        },
      },
      what: `timeseries query of "${query.metric}"`,
      signal: options.signal,
    });
    const body = res.body as {
      errors?: string;
      data?: {
        attributes?: { series?: { group_tags?: string[] }[]; times?: number[]; values?: (number | null)[][] };
      };
    } | null;
    if (body?.errors) throw new ProviderError('bad-query', this.name, `"${query.metric}": ${body.errors}`);
    const a = body?.data?.attributes;
    if (!a || !Array.isArray(a.series) || !Array.isArray(a.times) || !Array.isArray(a.values)) {
      throw new ProviderError(
        'malformed',
        this.name,
        `"${query.metric}": the response has no series/times/values`,
      );
    }
    const times = a.times;
    return a.series.map((s, i) => {
      const instance = tagValue(s.group_tags, query.instanceLabel);
      const values = a.values![i];
      if (instance === undefined || !Array.isArray(values) || values.length !== times.length) {
        throw new ProviderError(
          instance === undefined ? 'bad-query' : 'malformed',
          this.name,
          instance === undefined
            ? `"${query.metric}" returned a series without the tag "${query.instanceLabel}"`
            : `"${query.metric}": series ${instance} has ${values?.length ?? 0} values for ${times.length} times`,
        );
      }
      return { instance, points: times.map((t, j) => this.point(t, values[j], query.metric)) };
    });
  }

  private point(t: unknown, v: unknown, metric: string): Point {
    if (typeof t !== 'number' || !Number.isFinite(t) || (v !== null && typeof v !== 'number')) {
      throw new ProviderError('malformed', this.name, `"${metric}": a point is not [ms, number|null]`);
    }
    return { t, v: v === null ? Number.NaN : v };
  }

  async *fetchLogs(query: LogQuery, range: TimeRange, options: CallOptions = {}): AsyncIterable<LogEvent> {
    const limit = query.limit ?? 10_000;
    const pageSize = Math.min(maxLogPage, query.pageSize ?? maxLogPage);
    const q = query.vars ? renderTemplate(query.query, query.vars, 'datadog', this.name) : query.query;
    let cursor: string | undefined;
    let emitted = 0;
    const seenCursors = new Set<string>();
    do {
      const res = await this.http.send({
        method: 'POST',
        path: '/api/v2/logs/events/search',
        body: {
          filter: {
            query: q,
            from: new Date(range.start).toISOString(),
            to: new Date(range.end).toISOString(),
            ...(this.config.logIndexes ? { indexes: this.config.logIndexes } : {}),
          },
          page: { limit: Math.min(pageSize, limit - emitted), ...(cursor ? { cursor } : {}) },
          sort: 'timestamp',
        },
        what: 'logs search',
        signal: options.signal,
      });
      const body = res.body as {
        data?: {
          attributes?: {
            timestamp?: string;
            message?: string;
            status?: string;
            host?: string;
            service?: string;
            tags?: string[];
            attributes?: Record<string, unknown>;
          };
        }[];
        meta?: { page?: { after?: string } };
      } | null;
      if (!body || !Array.isArray(body.data)) {
        throw new ProviderError('malformed', this.name, 'logs search: the response has no data array');
      }
      for (const item of body.data) {
        const a = item.attributes ?? {};
        const t = Date.parse(a.timestamp ?? '');
        if (!Number.isFinite(t))
          throw new ProviderError('malformed', this.name, 'logs search: a log has no valid timestamp');
        const ev: LogEvent = { t, message: a.message ?? '', level: normaliseLevel(a.status) };
        const field = query.instanceField;
        if (field) {
          const inst =
            field === 'host' ? a.host : (tagValue(a.tags, field) ?? stringAttr(a.attributes, field));
          if (inst !== undefined) ev.instance = inst;
        }
        if (query.group) ev.group = query.group;
        const attrs: Record<string, string> = {};
        if (a.service) attrs.service = a.service;
        if (a.host) attrs.host = a.host;
        if (Object.keys(attrs).length) ev.attributes = attrs;
        yield ev;
        if (++emitted >= limit) return;
      }
      cursor = body.meta?.page?.after;
      if (cursor !== undefined) {
        // A server that repeats a cursor would loop forever; stop with an error rather than duplicate events.
        if (seenCursors.has(cursor))
          throw new ProviderError('malformed', this.name, 'logs search: the server repeated a page cursor');
        seenCursors.add(cursor);
      }
    } while (cursor && emitted < limit);
  }

  /**
   * Monitors tagged `service:<service>` whose groups were in alert at some time in the range, one `Problem`
   * per monitor (`kind: monitor`), through `GET /api/v1/monitor` with every group's state. A group counts
   * when it is alerting now and triggered before the range ends, or when its last alert triggered before
   * the range ends and resolved after it began. Datadog keeps only a group's last trigger and resolution,
   * so an alert that fired and resolved in the range and has fired again since is seen as its latest one.
   */
  async problems(range: TimeRange, options: ProblemOptions = {}): Promise<Problem[]> {
    if (!options.service) {
      throw new ProviderError('bad-query', this.name, 'monitors: no service to read the monitors of', {
        hint: 'set service in the spec: monitors tagged service:<service> are read',
      });
    }
    const out: Problem[] = [];
    for (let page = 0; ; page++) {
      const res = await this.http.send({
        method: 'GET',
        path: '/api/v1/monitor',
        query: {
          monitor_tags: `service:${options.service}`,
          group_states: 'all',
          page,
          page_size: maxMonitorPage,
        },
        what: 'monitors',
        signal: options.signal,
      });
      const body = res.body as DatadogMonitor[] | null;
      if (!Array.isArray(body)) {
        throw new ProviderError('malformed', this.name, 'monitors: the response is not a list of monitors');
      }
      for (const m of body) {
        const p = monitorAlert(m, range);
        if (p) out.push(p);
      }
      if (body.length < maxMonitorPage) return out;
      if (page >= 100) {
        throw new ProviderError(
          'malformed',
          this.name,
          `monitors: more than ${100 * maxMonitorPage} monitors`,
          {
            hint: 'tag fewer monitors with the service, or set evidence: ignore',
          },
        );
      }
    }
  }

  async markDeployment(event: DeploymentEvent, options: CallOptions = {}): Promise<void> {
    const tags = [
      `service:${event.service}`,
      `env:${event.env}`,
      `version:${event.version}`,
      ...Object.entries(event.tags ?? {}).map(([k, v]) => `${k}:${v}`),
    ];
    const text = [event.text, event.verdict ? `Verdict: ${event.verdict}` : undefined]
      .filter(Boolean)
      .join('\n\n');
    const verdict = (event.verdict ?? '').toLowerCase();
    await this.http.send({
      method: 'POST',
      path: '/api/v1/events',
      body: {
        title: event.title ?? `Vigil: ${event.service} ${event.version} (${event.env})`,
        text: text || `Deployment of ${event.service} ${event.version} to ${event.env}`,
        tags,
        date_happened: Math.floor((event.t ?? this.now()) / 1000),
        alert_type: verdict.startsWith('fail') ? 'error' : verdict.startsWith('pass') ? 'success' : 'info',
        source_type_name: 'vigil',
        aggregation_key: `vigil-${event.service}-${event.env}`.slice(0, 100),
      },
      what: 'deployment event',
      idempotent: false,
      signal: options.signal,
    });
  }

  /** Datadog keeps metric points for 15 months at full resolution (its documented metrics retention). */
  async retention(): Promise<number | undefined> {
    return 15 * 30 * 86_400_000;
  }

  async check(options: CallOptions = {}): Promise<CheckResult[]> {
    return runChecks([
      {
        name: 'credentials',
        run: async () => {
          try {
            const res = await this.http.send({
              method: 'GET',
              path: '/api/v1/validate',
              what: 'API key validation',
              signal: options.signal,
            });
            if ((res.body as { valid?: boolean } | null)?.valid !== true) {
              return {
                name: 'credentials',
                ok: false,
                detail: 'Datadog did not confirm the API key',
                hint: 'check apiKey and site',
              };
            }
          } catch (e) {
            // /validate answers 403 for an invalid API key: that is a credentials problem, not a scope one.
            if (e instanceof ProviderError && e.status === 403) {
              return {
                name: 'credentials',
                ok: false,
                detail: 'the API key is not valid for this site',
                hint: 'check apiKey and that site matches the organisation (e.g. datadoghq.eu)',
              };
            }
            throw e;
          }
          return 'API key valid';
        },
      },
      {
        name: 'permissions',
        run: async () => {
          const to = Math.floor(this.now() / 1000);
          await this.http.send({
            method: 'GET',
            path: '/api/v1/query',
            query: { from: to - 60, to, query: 'avg:datadog.estimated_usage.hosts{*}' },
            what: 'metrics query permission',
            signal: options.signal,
          });
          return 'application key can query metrics (timeseries_query)';
        },
      },
      {
        name: 'permissions',
        run: async () => {
          await this.http.send({
            method: 'GET',
            path: '/api/v1/monitor',
            query: { page: 0, page_size: 1 },
            what: 'monitors read permission',
            signal: options.signal,
          });
          return 'application key can read monitors (monitors_read), for alerts as evidence (policy.evidence)';
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

function stringAttr(attrs: Record<string, unknown> | undefined, path: string): string | undefined {
  let cur: unknown = attrs;
  for (const k of path.replace(/^@/, '').split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return typeof cur === 'string' || typeof cur === 'number' ? String(cur) : undefined;
}
