/**
 * Prometheus (and API-compatible backends: Thanos, Mimir, VictoriaMetrics) through `/api/v1/query_range`
 * and `/api/v1/query`.
 */
import type { Point } from '@vigil/core';
import type { PrometheusConfig } from './config.ts';
import { ProviderError } from './errors.ts';
import { HttpClient } from './http.ts';
import type {
  CallOptions,
  CheckResult,
  InstanceSeries,
  MetricQuery,
  Provider,
  ProviderDeps,
  ProviderUsage,
  Window,
} from './provider.ts';
import { secretsOf } from './redact.ts';
import { renderTemplate } from './render.ts';
import { runChecks } from './check.ts';
import { prometheusQueryUnit } from './units.ts';
import { alignWindow, splitAligned } from './window.ts';

/** Prometheus rejects ranges of more than 11,000 points per series. */
export const prometheusMaxPoints = 11_000;

interface PromResponse {
  status: 'success' | 'error';
  data?: { resultType: string; result: unknown };
  errorType?: string;
  error?: string;
}

interface PromSeries {
  metric: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}

/** Parses a Prometheus sample value; Prometheus writes NaN and infinities as strings. */
export function parsePromValue(s: unknown): number {
  if (s === 'NaN') return Number.NaN;
  if (s === '+Inf' || s === 'Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  if (typeof s !== 'string' || s.trim() === '') return Number.NaN;
  const v = Number(s);
  return v;
}

const PROM_UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/**
 * The time part of Prometheus' `storageRetention` ("15d", "1y2w", "15d or 10GiB"), in ms; undefined when it
 * states only a size (data is then kept until the disk budget is spent, which no one can turn into a time).
 */
export function parsePromRetention(text: string): number | undefined {
  for (const part of text.split(/\s+or\s+/)) {
    const p = part.trim();
    if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(p)) continue;
    let total = 0;
    for (const m of p.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * PROM_UNIT_MS[m[2]!]!;
    return total > 0 ? total : undefined;
  }
  return undefined;
}

export class PrometheusProvider implements Provider {
  readonly name: string;
  readonly type = 'prometheus' as const;
  private readonly http: HttpClient;
  private readonly config: PrometheusConfig;

  constructor(config: PrometheusConfig, deps: ProviderDeps = {}) {
    this.config = config;
    this.name = config.name ?? 'prometheus';
    const headers: Record<string, string> = { ...config.headers, ...config.secretHeaders };
    if (config.auth?.type === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64')}`;
    } else if (config.auth?.type === 'bearer') {
      headers.authorization = `Bearer ${config.auth.token}`;
    }
    this.http = new HttpClient({
      provider: this.name,
      type: 'prometheus',
      baseUrl: config.url,
      headers,
      secrets: secretsOf(config),
      ...(config.http ? { http: config.http } : {}),
      ...(config.tls ? { tls: config.tls } : {}),
      deps,
      errors: {
        message: (_s, body) => {
          const b = body as PromResponse | null;
          return b?.error ? `${b.errorType ?? 'error'}: ${b.error}` : undefined;
        },
        classify: (status, body) => {
          const t = (body as PromResponse | null)?.errorType;
          if (t === 'timeout') return 'timeout';
          if (t === 'bad_data' || t === 'execution') return 'bad-query';
          return status === 422 ? 'bad-query' : undefined;
        },
      },
    });
  }

  /** Renders the query template with PromQL string escaping. */
  render(query: MetricQuery): string {
    return query.vars ? renderTemplate(query.query, query.vars, 'promql', this.name) : query.query;
  }

  /** From the Prometheus naming convention of the query's metric: no request. */
  async metricUnit(query: MetricQuery): Promise<string | undefined> {
    try {
      return prometheusQueryUnit(this.render(query));
    } catch {
      return undefined;
    }
  }

  async fetchMetric(
    query: MetricQuery,
    window: Window,
    options: CallOptions = {},
  ): Promise<InstanceSeries[]> {
    const aligned = alignWindow(window, this.name);
    if (!aligned) return [];
    const promql = this.render(query);
    const chunks = splitAligned(aligned, this.config.maxPointsPerRequest ?? prometheusMaxPoints);
    const byInstance = new Map<string, Point[]>();
    for (const c of chunks) {
      const params = {
        query: promql,
        start: (c.first / 1000).toString(),
        end: (c.last / 1000).toString(),
        step: `${c.step / 1000}`,
      };
      const data = await this.call(
        '/api/v1/query_range',
        params,
        `query_range of "${query.metric}"`,
        options,
      );
      const series = this.series(data, 'matrix', query);
      for (const [instance, s] of series) {
        const points = byInstance.get(instance) ?? [];
        for (const [ts, v] of s.values ?? []) points.push({ t: Math.round(ts * 1000), v: parsePromValue(v) });
        byInstance.set(instance, points);
      }
    }
    return [...byInstance].map(([instance, points]) => ({
      instance,
      points: points.sort((a, b) => a.t - b.t),
    }));
  }

  /** Instant query at `time` (epoch ms): one point per instance. */
  async fetchInstant(query: MetricQuery, time: number, options: CallOptions = {}): Promise<InstanceSeries[]> {
    const promql = this.render(query);
    const data = await this.call(
      '/api/v1/query',
      { query: promql, time: `${time / 1000}` },
      `query of "${query.metric}"`,
      options,
    );
    const series = this.series(data, 'vector', query);
    return [...series].map(([instance, s]) => ({
      instance,
      points: s.value ? [{ t: Math.round(s.value[0] * 1000), v: parsePromValue(s.value[1]) }] : [],
    }));
  }

  private async call(
    path: string,
    params: Record<string, string>,
    what: string,
    options: CallOptions,
  ): Promise<PromResponse['data']> {
    const res = this.config.post
      ? await this.http.send({
          method: 'POST',
          path,
          body: new URLSearchParams(params).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          what,
          signal: options.signal,
        })
      : await this.http.send({ method: 'GET', path, query: params, what, signal: options.signal });
    const body = res.body as PromResponse | null;
    if (body?.status !== 'success' || !body.data || !Array.isArray(body.data.result)) {
      throw new ProviderError('malformed', this.name, `${what}: the response has no data.result array`);
    }
    return body.data;
  }

  /** Keys series by instance; a series without the label, or two with the same, would give wrong numbers. */
  private series(data: PromResponse['data'], want: string, query: MetricQuery): Map<string, PromSeries> {
    if (!data || (data.resultType !== want && !(want === 'vector' && data.resultType === 'scalar'))) {
      throw new ProviderError(
        'bad-query',
        this.name,
        `"${query.metric}" returned a ${data?.resultType} where a ${want} was expected`,
        { hint: 'the query must select series (an instant vector expression)' },
      );
    }
    const out = new Map<string, PromSeries>();
    for (const raw of data.result as PromSeries[]) {
      if (!raw || typeof raw !== 'object' || typeof raw.metric !== 'object') {
        throw new ProviderError(
          'malformed',
          this.name,
          `"${query.metric}": a result entry has no metric labels`,
        );
      }
      const instance = raw.metric[query.instanceLabel];
      if (instance === undefined) {
        throw new ProviderError(
          'bad-query',
          this.name,
          `"${query.metric}" returned a series without the instance label "${query.instanceLabel}" (${labelsOf(raw.metric)})`,
          { hint: `keep the label in the query, e.g. sum by (${query.instanceLabel}) (...)` },
        );
      }
      if (out.has(instance)) {
        throw new ProviderError(
          'bad-query',
          this.name,
          `"${query.metric}" returned several series for ${query.instanceLabel}="${instance}"`,
          { hint: `aggregate to one series per instance, e.g. sum by (${query.instanceLabel}) (...)` },
        );
      }
      out.set(instance, raw);
    }
    return out;
  }

  /** `storageRetention` of `/api/v1/status/runtimeinfo` ("15d", "15d or 10GiB"); a size alone is unknown. */
  async retention(_step: number, options: CallOptions = {}): Promise<number | undefined> {
    const res = await this.http.send({
      method: 'GET',
      path: '/api/v1/status/runtimeinfo',
      what: 'runtime info',
      signal: options.signal,
    });
    const text = (res.body as { data?: { storageRetention?: unknown } } | null)?.data?.storageRetention;
    return typeof text === 'string' ? parsePromRetention(text) : undefined;
  }

  async check(options: CallOptions = {}): Promise<CheckResult[]> {
    return runChecks([
      {
        name: 'connectivity',
        run: async () => {
          const res = await this.http.send({
            method: 'GET',
            path: '/api/v1/status/buildinfo',
            what: 'build info',
            signal: options.signal,
          });
          const v = (res.body as { data?: { version?: string } } | null)?.data?.version;
          return `reached ${this.name}${v ? `, Prometheus ${v}` : ''}`;
        },
      },
      {
        name: 'query',
        run: async () => {
          const data = await this.call(
            '/api/v1/query',
            { query: 'vector(1)' },
            'test query vector(1)',
            options,
          );
          return `query API answers (${data?.resultType})`;
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

function labelsOf(m: Record<string, string>): string {
  const keys = Object.keys(m);
  return keys.length ? `labels: ${keys.join(', ')}` : 'no labels';
}
