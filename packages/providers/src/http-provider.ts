/**
 * Generic HTTP ("custom APM"): a templated request and JSONPath picks that turn any JSON response into
 * per-instance series. One request per metric per group per poll, like the vendor adapters.
 */
import type { Point } from '@vigil/core';
import { runChecks } from './check.ts';
import type { HttpProviderConfig } from './config.ts';
import { ProviderError } from './errors.ts';
import { HttpClient } from './http.ts';
import { JsonPathError, pickJsonPath, queryJsonPath } from './jsonpath.ts';
import type {
  CallOptions,
  CheckResult,
  InstanceSeries,
  MetricQuery,
  Provider,
  ProviderDeps,
  ProviderUsage,
  TemplateVars,
  Window,
} from './provider.ts';
import { secretsOf } from './redact.ts';
import { renderTemplate } from './render.ts';
import { alignWindow, clip } from './window.ts';

export class HttpMetricsProvider implements Provider {
  readonly name: string;
  readonly type = 'http' as const;
  private readonly http: HttpClient;
  private readonly config: HttpProviderConfig;
  private readonly now: () => number;

  constructor(config: HttpProviderConfig, deps: ProviderDeps = {}) {
    this.config = config;
    this.name = config.name ?? 'http';
    this.now = deps.now ?? Date.now;
    for (const p of ['series', 'points', 'timestamp', 'value', 'instance'] as const) {
      const path = config.pick[p];
      if (path === undefined) continue;
      try {
        queryJsonPath({}, path);
      } catch (e) {
        throw new ProviderError('bad-query', this.name, `pick.${p}: ${(e as Error).message}`, {
          hint: `fix pick.${p}`,
        });
      }
    }
    let origin: string;
    try {
      origin = new URL(config.url.replace(/\{\{[^}]*\}\}/g, 'x')).origin;
    } catch {
      throw new ProviderError('bad-query', this.name, 'url is not an absolute http(s) URL template', {
        hint: 'write url like https://apm.example.com/api/series?q={{query}}&from={{startSeconds}}',
      });
    }
    this.http = new HttpClient({
      provider: this.name,
      type: 'http',
      baseUrl: origin,
      secrets: secretsOf(config),
      ...(config.http ? { http: config.http } : {}),
      ...(config.tls ? { tls: config.tls } : {}),
      deps,
    });
  }

  /** Variables every template can use, plus the query's own. */
  private vars(query: MetricQuery, window: { start: number; end: number; step: number }): TemplateVars {
    const q = query.vars ? renderTemplate(query.query, query.vars, 'text', this.name) : query.query;
    return {
      ...query.vars,
      query: q,
      metric: query.metric,
      instanceLabel: query.instanceLabel,
      start: String(window.start),
      end: String(window.end),
      step: String(window.step),
      startSeconds: String(Math.floor(window.start / 1000)),
      endSeconds: String(Math.ceil(window.end / 1000)),
      stepSeconds: String(Math.max(1, Math.round(window.step / 1000))),
      startIso: new Date(window.start).toISOString(),
      endIso: new Date(window.end).toISOString(),
    };
  }

  async fetchMetric(
    query: MetricQuery,
    window: Window,
    options: CallOptions = {},
  ): Promise<InstanceSeries[]> {
    const aligned = alignWindow(window, this.name);
    if (!aligned) return [];
    const range = { start: aligned.first, end: aligned.last + aligned.step };
    const vars = this.vars(query, { ...range, step: window.step });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...this.config.headers, ...this.config.secretHeaders })) {
      headers[k] = renderTemplate(v, vars, 'header', this.name);
    }
    const res = await this.http.send({
      method: this.config.method ?? 'GET',
      path: renderTemplate(this.config.url, vars, 'url', this.name),
      headers,
      ...(this.config.body !== undefined
        ? { body: renderTemplate(this.config.body, vars, 'json', this.name) }
        : {}),
      what: `request for "${query.metric}"`,
      signal: options.signal,
    });
    const series = this.extract(res.body, query.metric);
    return [...series]
      .map(([instance, points]) => ({ instance, points: clip(points, range) }))
      .filter((s) => s.points.length > 0);
  }

  /** Applies the picks; anything that is not a timestamp or a number is an error, never a guessed value. */
  extract(body: unknown, metric: string): Map<string, Point[]> {
    const pick = this.config.pick;
    const out = new Map<string, Point[]>();
    const bad = (why: string) =>
      new ProviderError('malformed', this.name, `"${metric}": ${why}`, {
        hint: 'check the pick paths against a real response of the API',
      });
    const add = (instance: unknown, point: unknown) => {
      if (typeof instance !== 'string' && typeof instance !== 'number') {
        throw bad(`no instance at pick.instance "${pick.instance}"`);
      }
      const key = String(instance);
      const t = this.timestamp(pickJsonPath(point, pick.timestamp));
      if (t === undefined) throw bad(`a point has no valid timestamp at pick.timestamp "${pick.timestamp}"`);
      const v = numeric(pickJsonPath(point, pick.value));
      if (v === undefined) throw bad(`a point of ${key} has no number at pick.value "${pick.value}"`);
      const list = out.get(key) ?? [];
      list.push({ t, v });
      out.set(key, list);
    };
    // An absent list is a wrong response; only a present, empty one means "no data".
    const list = pick.series ?? pick.points;
    const parent = list.replace(/(\[\s*\*\s*\]|\.\*)$/, '');
    if (parent !== list && queryJsonPath(body, parent).length === 0)
      throw bad(`the response has nothing at "${parent}"`);
    try {
      if (pick.series) {
        const seen = new Set<string>();
        for (const s of queryJsonPath(body, pick.series)) {
          const instance = pickJsonPath(s, pick.instance);
          if (seen.has(String(instance))) throw bad(`two series for instance ${String(instance)}`);
          seen.add(String(instance));
          for (const p of queryJsonPath(s, pick.points)) add(instance, p);
        }
      } else {
        for (const p of queryJsonPath(body, pick.points)) add(pickJsonPath(p, pick.instance), p);
      }
    } catch (e) {
      if (e instanceof JsonPathError) throw bad(e.message);
      throw e;
    }
    for (const [k, points] of out) {
      points.sort((a, b) => a.t - b.t);
      for (let i = 1; i < points.length; i++) {
        if (points[i]!.t === points[i - 1]!.t) throw bad(`instance ${k} has two points at ${points[i]!.t}`);
      }
    }
    return out;
  }

  private timestamp(raw: unknown): number | undefined {
    const unit = this.config.pick.timestampUnit ?? 'ms';
    if (unit === 'iso') {
      const t = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
      return Number.isFinite(t) ? t : undefined;
    }
    const n =
      typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(n)) return undefined;
    return unit === 's' ? Math.round(n * 1000) : n;
  }

  async check(options: CallOptions = {}): Promise<CheckResult[]> {
    return runChecks([
      {
        name: 'connectivity',
        run: async () => {
          const end = this.now();
          const q: MetricQuery = { metric: 'check', query: '', instanceLabel: 'instance' };
          await this.fetchMetric(q, { start: end - 300_000, end, step: 60_000 }, options).catch(
            (e: unknown) => {
              // An empty query may be refused or give odd data; only transport and credential failures count.
              if (e instanceof ProviderError && (e.kind === 'bad-query' || e.kind === 'malformed')) return [];
              throw e;
            },
          );
          return `reached ${this.name}`;
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

/** A number from JSON: numbers, numeric strings, null/"NaN" as NaN, Prometheus-style infinities. */
function numeric(raw: unknown): number | undefined {
  if (raw === null || raw === 'NaN') return Number.NaN;
  if (typeof raw === 'number') return raw;
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  if (typeof raw === 'string' && raw.trim() !== '') {
    const n = Number(raw);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}
