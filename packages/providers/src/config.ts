/**
 * Provider configuration: plain data (strings, numbers, booleans, records) so that the spec schema can
 * mirror it one to one. Fields marked "secret" are redacted from every error, log line and flare bundle.
 */
import type { DATADOG_SITES } from '@vigil/core';

/** HTTP behaviour shared by every network provider. All optional. */
export interface HttpOptions {
  /** Per-attempt timeout, ms (headers and body). Default 30,000. */
  timeoutMs?: number;
  /** Overall budget for one logical request including retries and waits, ms. Default 120,000. */
  budgetMs?: number;
  /** Retries after the first attempt, on 429, 5xx, network errors and timeouts. Default 5. */
  retries?: number;
  /** First backoff delay, ms; doubles per retry, with jitter. Default 500. */
  backoffMs?: number;
  /** Longest single wait, ms (also caps Retry-After). Default 30,000. */
  maxBackoffMs?: number;
  /** Requests in flight at once for this provider. Default 4. */
  concurrency?: number;
}

/** Settings every provider has. */
interface BaseConfig {
  /** Name used in usage reports, errors and replay keys; default the type. */
  name?: string;
  http?: HttpOptions;
}

/** TLS client settings (mTLS, private CA). Paths to PEM files. */
export interface TlsConfig {
  /** CA bundle that signs the server certificate. */
  caFile?: string;
  /** Client certificate, for mTLS. */
  certFile?: string;
  /** Client key, for mTLS. Its contents are secret. */
  keyFile?: string;
  /** Name to verify the server certificate against, when it differs from the URL host. */
  serverName?: string;
  /** Skip server certificate verification. Only for tests. */
  insecureSkipVerify?: boolean;
}

/** How to authenticate to Prometheus (or a proxy in front of it). */
export type PrometheusAuth =
  | { type: 'none' }
  /** `password` is secret. */
  | { type: 'basic'; username: string; password: string }
  /** `token` is secret. */
  | { type: 'bearer'; token: string };

export interface PrometheusConfig extends BaseConfig {
  type: 'prometheus';
  /** Base URL, e.g. `http://prometheus:9090` or `https://mimir.example.com/prometheus`. */
  url: string;
  auth?: PrometheusAuth;
  /** Extra headers sent as is (e.g. `X-Scope-OrgID`). */
  headers?: Record<string, string>;
  /** Extra headers whose values are secret (e.g. a gateway API key). */
  secretHeaders?: Record<string, string>;
  tls?: TlsConfig;
  /** Use POST for queries (long queries). Default false (GET). */
  post?: boolean;
  /** Points per `query_range` request before the range is split. Default 11,000 (Prometheus' limit). */
  maxPointsPerRequest?: number;
}

/** Datadog's public sites; the site decides the API host (`api.<site>`). */
export type DatadogSite = (typeof DATADOG_SITES)[number];

export interface DatadogConfig extends BaseConfig {
  type: 'datadog';
  /** Default `datadoghq.com`. */
  site?: DatadogSite;
  /** Overrides the host derived from `site` (proxies, tests), e.g. `http://127.0.0.1:8126`. */
  baseUrl?: string;
  /** Secret. Header `DD-API-KEY`. */
  apiKey: string;
  /** Secret. Header `DD-APPLICATION-KEY`; needed for metrics and logs queries. */
  appKey: string;
  /** Metrics endpoint: `v1` (`/api/v1/query`, default) or `v2` (`/api/v2/query/timeseries`). */
  metricsApi?: 'v1' | 'v2';
  /**
   * Rollup appended as `.rollup(<rollup>, <step s>)` to v1 queries that have none, so points land on the
   * step grid. Default `avg`.
   */
  rollup?: 'avg' | 'sum' | 'min' | 'max' | 'count';
  /** Log indexes to search; default all. */
  logIndexes?: string[];
}

export interface DynatraceConfig extends BaseConfig {
  type: 'dynatrace';
  /** Environment URL, e.g. `https://abc12345.live.dynatrace.com` (the adapter adds `/api/v2`). */
  url: string;
  /** Secret. API token, sent as `Authorization: Api-Token <token>`. */
  token: string;
  /** Default entity selector for metric queries and deployment events, e.g. `type(SERVICE),tag("app:web")`. */
  entitySelector?: string;
  /**
   * Problems selector for `problems()`, e.g. `status("open")`. With neither it nor `entitySelector`,
   * `problems()` reads the problems of the service entity named like the spec's service.
   */
  problemSelector?: string;
}

/** How to read points out of a generic JSON response (a small JSONPath subset, see `jsonpath.ts`). */
export interface HttpPick {
  /** Optional path to the list of series (e.g. `$.data.series[*]`); the others are then relative to each. */
  series?: string;
  /** Path to the list of points (e.g. `$.points[*]`), relative to a series when `series` is set. */
  points: string;
  /** Path to the timestamp within a point, e.g. `$.t` or `$[0]`. */
  timestamp: string;
  /** Path to the value within a point, e.g. `$.v` or `$[1]`. */
  value: string;
  /** Path to the instance: within the series when `series` is set, otherwise within the point. */
  instance: string;
  /** Unit of the timestamp: `ms` (default), `s`, or `iso` (ISO-8601 string). */
  timestampUnit?: 'ms' | 's' | 'iso';
}

/**
 * A "custom APM": any JSON-over-HTTP API. Templates may use `{{query}}`, `{{instanceLabel}}`,
 * `{{start}}`/`{{end}}`/`{{step}}` (ms), `{{startSeconds}}`/`{{endSeconds}}`/`{{stepSeconds}}`,
 * `{{startIso}}`/`{{endIso}}`, and the query's vars. Values are URL-encoded in the URL, JSON-escaped in
 * the body and rejected in headers when they contain line breaks.
 */
export interface HttpProviderConfig extends BaseConfig {
  type: 'http';
  /** URL template. */
  url: string;
  /** Default GET. */
  method?: 'GET' | 'POST';
  /** Header templates. */
  headers?: Record<string, string>;
  /** Header templates whose values are secret. */
  secretHeaders?: Record<string, string>;
  /** Body template (sent with `content-type: application/json`). */
  body?: string;
  pick: HttpPick;
  tls?: TlsConfig;
}

export interface ReplayConfig extends BaseConfig {
  type: 'replay';
  /** Path of a replay file (docs/replay-format.md). */
  file: string;
  /**
   * Recorded provider name to answer for. Default: the only provider in the file; an error when the file
   * holds several.
   */
  source?: string;
}

/** Everything a spec can say about a provider. */
export type ProviderConfig =
  | PrometheusConfig
  | DatadogConfig
  | DynatraceConfig
  | HttpProviderConfig
  | ReplayConfig;
