/**
 * The one interface every monitoring backend implements. The engine (spec -> plan -> fetch -> analyse ->
 * judge -> act) only sees this; vendor details stay in the adapters.
 *
 * Time: every timestamp and duration here is epoch MILLISECONDS.
 */
import type { EvidenceItem, Group, LogEvent, Point } from '@vigil/core';

/** Provider kinds, the discriminant of `ProviderConfig`. */
export type ProviderType = 'prometheus' | 'datadog' | 'dynatrace' | 'http' | 'replay';

/**
 * A metric window. Points are returned on the step grid `k * step` (epoch-aligned) with
 * `start <= t < end` (half-open), so that consecutive incremental polls `[a, b)`, `[b, c)` tile without
 * overlap or gaps. A window holding no grid point costs no request.
 */
export interface Window {
  start: number;
  end: number;
  /** Spacing of points, > 0. Providers that cannot honour it exactly (Dynatrace) use the closest they can. */
  step: number;
}

/** A log window, half-open `[start, end)`. */
export interface TimeRange {
  start: number;
  end: number;
}

/** Values substituted into `{{name}}` placeholders, escaped for the provider's query language. */
export type TemplateVars = Record<string, string | string[]>;

/** One metric query for one group (baseline or canary). */
export interface MetricQuery {
  /** Metric name as the spec names it; used in errors and recordings. */
  metric: string;
  /**
   * The query in the provider's language. When `vars` is given it is a template whose `{{name}}`
   * placeholders are replaced with escaped values (see `render.ts`); otherwise it is sent as is.
   */
  query: string;
  vars?: TemplateVars;
  /**
   * Label (Prometheus), tag (Datadog) or dimension key (Dynatrace) that identifies the instance. The query
   * must return one series per value of it: one request per metric per group, never one per instance.
   */
  instanceLabel: string;
  /** The side this query fetches; part of the replay key. */
  group?: Group;
}

/** One instance's points, sorted by time. NaN marks a gap the provider reported (null, "NaN"). */
export interface InstanceSeries {
  instance: string;
  points: Point[];
}

/** A log query for one group. */
export interface LogQuery {
  /** Provider's log query language (Datadog logs search, Dynatrace LQL); template when `vars` is given. */
  query: string;
  vars?: TemplateVars;
  /** Attribute/tag that names the instance (e.g. `pod_name`, `host`); sets `LogEvent.instance`. */
  instanceField?: string;
  group?: Group;
  /** Stop after this many events (default 10,000). The iterator ends early, never errors, at the cap. */
  limit?: number;
  /** Events per page request (provider maximum when omitted). */
  pageSize?: number;
}

/** A deployment marker written to the vendor so people see verifications on their dashboards. */
export interface DeploymentEvent {
  service: string;
  env: string;
  version: string;
  /** Epoch ms of the deployment; default: now. */
  t?: number;
  /** Title shown on the marker; default `Vigil: <service> <version> (<env>)`. */
  title?: string;
  /** Free text; the verdict text goes at its end. */
  text?: string;
  /** The verification's verdict, e.g. "pass: score 92, no regression". Appended to the text. */
  verdict?: string;
  /** Extra `key: value` tags/properties. */
  tags?: Record<string, string>;
  /** Dynatrace: entities to attach the event to; default the configured `entitySelector`. */
  entitySelector?: string;
}

/**
 * An alert raised on the service that was open during the window: a Dynatrace problem, or a Datadog monitor
 * in alert. Becomes evidence in the report (`policy.evidence`): the core's `EvidenceItem` (fields documented
 * there) before the runtime adds the provider's key; `kind` absent means `problem` (Dynatrace).
 */
export type Problem = Omit<EvidenceItem, 'provider' | 'kind'> & { kind?: EvidenceItem['kind'] };

/** One line of `vigil doctor`. */
export interface CheckResult {
  /** What was checked: `connectivity`, `credentials`, `permissions`, `query`, ... */
  name: string;
  ok: boolean;
  /** What was found, with numbers (latency, version, scopes). Never contains secrets. */
  detail: string;
  /** What to do when not ok; empty when ok. */
  hint: string;
}

/** Request accounting of one provider, for "how many calls a verification spent". Never contains secrets. */
export interface ProviderUsage {
  provider: string;
  type: ProviderType;
  /** Logical requests (one per page). */
  requests: number;
  /** HTTP attempts sent, retries included. */
  calls: number;
  retries: number;
  /** Responses with status 429. */
  rateLimited: number;
  /** Logical requests that ended in an error. */
  failures: number;
  /** Response body bytes received. */
  bytes: number;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Which service's alerts `problems()` reads. */
export interface ProblemOptions extends CallOptions {
  /**
   * The spec's service. Datadog: monitors tagged `service:<service>` (required). Dynatrace: problems on the
   * service entity of that name, unless the provider config sets `problemSelector` or `entitySelector`.
   */
  service?: string;
  environment?: string;
  /**
   * Dynatrace: the problems affecting this entity (`entityId("<id>")`), ahead of the config's selectors and
   * the service name. Service Guard passes an entity's `dynatrace.com/dynatrace-entity-id`: one provider
   * config serves every entity, so a selector in the config cannot tell them apart. Ignored by Datadog.
   */
  entityId?: string;
}

/**
 * A monitoring backend. Optional methods are absent when the vendor has no such API
 * (Prometheus has no logs; Prometheus and generic HTTP have no alerts).
 */
export interface Provider {
  readonly name: string;
  readonly type: ProviderType;
  /**
   * Series of one query over a window, one per instance. Throws `ProviderError` (classified) rather than
   * return a wrong or partial number; an empty array means the backend has no data for it.
   */
  fetchMetric(query: MetricQuery, window: Window, options?: CallOptions): Promise<InstanceSeries[]>;
  /**
   * The canonical unit (`s`, `ms`, `B`, `%`, `1/s`, ...) of the query's metric as the vendor names it, for
   * metrics whose spec gives none: Prometheus from the metric name's suffix (no request), Datadog from the
   * metric metadata, Dynatrace from the metric descriptor (at most one request per metric, cached by the
   * provider). Undefined when unknown. Never throws: a failed lookup means an unknown unit.
   */
  metricUnit?(query: MetricQuery, options?: CallOptions): Promise<string | undefined>;
  /** Log events in the range, page by page, at most `query.limit`. */
  fetchLogs?(query: LogQuery, range: TimeRange, options?: CallOptions): AsyncIterable<LogEvent>;
  /** Writes a deployment marker (Datadog event, Dynatrace CUSTOM_DEPLOYMENT). */
  markDeployment?(event: DeploymentEvent, options?: CallOptions): Promise<void>;
  /** Alerts on the service open at any time in the range (Dynatrace problems, Datadog monitors in alert). */
  problems?(range: TimeRange, options?: ProblemOptions): Promise<Problem[]>;
  /**
   * How far back the backend keeps data at the resolution `step` (ms), in ms; undefined when unknown. A
   * retrospective run that reaches further back is refused before it starts, rather than judged on a gap.
   * Throws `ProviderError` when the backend cannot be asked.
   */
  retention?(step: number, options?: CallOptions): Promise<number | undefined>;
  /** Connectivity, credentials and permissions, for `vigil doctor`. Never throws. */
  check(options?: CallOptions): Promise<CheckResult[]>;
  usage(): ProviderUsage;
  /** Releases sockets. */
  close(): Promise<void>;
}

/** Injectable effects, so tests of backoff and budgets are fast and deterministic. */
export interface ProviderDeps {
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
  /** Waits `ms`; default a real timer. Backoff and rate-limit waits go through it. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1) for jitter; default `Math.random`. */
  random?: () => number;
  /** Receives one redacted line per retry and failure. */
  log?: (line: string) => void;
}
