/**
 * The REST API of the Service Guard backend (`/api/service-guard`), as the frontend and the GitHub Action
 * see it. Times are ISO-8601 strings in UTC; scores are 0..100 (higher is healthier); risks are 0..1.
 */

/** The health of an entity over one analysed period. `no-data` is its own state, never "healthy". */
export type HealthState = 'healthy' | 'degraded' | 'unhealthy' | 'no-data';

/** The outcome of one metric or of the logs over a period. */
export type SignalOutcome = 'pass' | 'warn' | 'fail' | 'no-data';

/** Which way a change of a metric is bad. */
export type MetricDirection = 'higher-is-worse' | 'lower-is-worse' | 'both';

/** What a metric measures. */
export type MetricKind = 'error' | 'latency' | 'throughput' | 'resource' | 'other';

/** How readily a signal raises an alarm. */
export type Sensitivity = 'low' | 'medium' | 'high';

/** The streaming detector's view of one metric over the period. */
export interface MetricRisk {
  metric: string;
  kind: MetricKind;
  direction: MetricDirection;
  unit?: string;
  outcome: SignalOutcome;
  /** Highest anomaly score in the bad direction over the period, 0..1. */
  risk: number;
  /** Points of the period the detector scored (all instances). */
  points: number;
  /** Points that raised an alert in the bad direction. */
  alerts: number;
  /** The most anomalous point in the bad direction, when there was one. */
  worst?: {
    t: string;
    instance: string;
    value: number;
    expected: number | null;
    lower: number | null;
    upper: number | null;
    /** The detector's own account of the point, with its statistics (the tab shows it under "details"). */
    why?: string;
  };
  /**
   * The anomalous points (see `isAnomalousPoint`) of every instance: how many, and the times of the first
   * and the last. Absent when there were none, and in snapshots stored before it existed.
   */
  anomalous?: { points: number; first: string; last: string };
  /** True when every point came while the detector was still learning the normal behaviour: no verdict yet. */
  learning?: boolean;
  /** The anomaly score at which a point raises an alert, for the metric's sensitivity (0..1). */
  threshold?: number;
  /**
   * One line with the numbers, for logs and the CLI. The tab phrases `outcome`, `worst`, `anomalous` and
   * `learning` itself (local times, units), and shows this line only for snapshots without those fields.
   */
  reason: string;
  /**
   * The detector's scored points of the period, every instance, oldest first per instance: thinned to about
   * 120 points per metric, every alert point kept (even beyond that). Absent in snapshots stored before it existed.
   */
  series?: MetricSeriesPoint[];
  /**
   * The provider's own view of the metric's query over the period (Prometheus graph, Datadog metric
   * explorer, Dynatrace data explorer), from the provider's `uiUrl`; added when the health is read, absent
   * for providers without a UI (replay, http) or when the link would carry a secret.
   */
  link?: ProviderLink;
}

/** A link to a provider's own view of a metric or problem. */
export interface ProviderLink {
  provider: 'prometheus' | 'datadog' | 'dynatrace';
  url: string;
}

/**
 * One scored point of a metric. `t` is epoch milliseconds (not ISO like the API's other times): a series
 * holds up to a hundred and more points per metric, and a number is what a chart needs anyway.
 */
export interface MetricSeriesPoint {
  /** Epoch milliseconds. */
  t: number;
  instance: string;
  value: number;
  /** The detector's expectation and its band; null while it is still learning. */
  expected: number | null;
  lower: number | null;
  upper: number | null;
  /** Whether the point raised an alert in the metric's bad direction. */
  alert: boolean;
}

/** What a person says about a log cluster; the same actions as Vigil's log feedback files. */
export type FeedbackAction =
  | 'not-a-risk-ignore-frequency'
  | 'not-a-risk-consider-frequency'
  | 'medium'
  | 'high';

/** How a log cluster compares with the entity's history. */
export type LogClusterClass = 'known' | 'unknown' | 'unexpected-frequency' | 'gone';

/** One log cluster (messages that share a template) of a period. */
export interface LogCluster {
  /** Stable id of the template, the key of feedback. */
  clusterId: string;
  template: string;
  class: LogClusterClass;
  level: 'error' | 'warn' | 'info' | 'debug' | 'unknown';
  /** Messages in the analysed period. */
  count: number;
  /** Messages in the history it was compared with. */
  historyCount: number;
  risk: number;
  samples: string[];
  explanation: string;
  /**
   * The feedback this analysis applied to the cluster, when any: what, why, who and when (`createdBy` and
   * `createdAt` are absent in snapshots stored before they were kept). Feedback given after the analysis
   * is in `HealthResponse.feedback`.
   */
  feedback?: { action: FeedbackAction; reason: string; createdBy?: string; createdAt?: string };
}

/** The log novelty analysis of one period. */
export interface LogsSummary {
  outcome: SignalOutcome;
  risk: number;
  explanation: string;
  /** Messages in the period and in the history. */
  totals: { period: number; history: number };
  /** Clusters that are not plain `known`, plus the largest known ones; by risk, descending. */
  clusters: LogCluster[];
}

/**
 * An alert the monitoring itself raised on the entity during the period: a Dynatrace problem, or a Datadog
 * monitor whose groups were in alert. Read through the provider of the profile, as Vigil's verifications
 * read them as "other evidence" (`policy.evidence`).
 */
export interface ServiceProblem {
  /** Name of the provider under `serviceGuard.providers` that raised it. */
  provider: string;
  /** `problem`: a Dynatrace problem; `monitor`: a Datadog monitor in alert. */
  kind: 'problem' | 'monitor';
  /** The vendor's id (Dynatrace `problemId`, Datadog monitor id). */
  id: string;
  /** The id people see in the vendor's UI (Dynatrace `P-12345`), when it differs. */
  displayId?: string;
  /** The vendor's title (a Dynatrace problem title, a Datadog monitor name); plain text, never markup. */
  title: string;
  /** Still open (alerting) when it was read, or closed (resolved). */
  status: 'open' | 'closed';
  /** The vendor's severity (Dynatrace `PERFORMANCE`, `ERROR`, ...; Datadog monitor priority `P1`..`P5`). */
  severity?: string;
  /** What it affects, in the vendor's words (Dynatrace `SERVICES`, ...). */
  impact?: string;
  /** When it started (triggered). */
  start: string;
  /** When it closed; absent while open. */
  end?: string;
  /** Affected entities or alerting monitor groups. */
  entities: string[];
  /**
   * The provider's own page of it (Dynatrace problem, Datadog monitor), from the provider's `uiUrl`; added
   * when the health is read, absent when the provider has no UI address or the link would carry a secret.
   */
  link?: ProviderLink;
}

/** What a profile's `evidence` setting makes of alerts raised during a period. */
export type ProblemsPolicy = 'fail' | 'warn' | 'ignore';

/** The alerts read for one period, and what they did to its health. */
export interface ProblemsSummary {
  /** The profile's `evidence` setting (`ignore` is never read, so never seen here). */
  policy: ProblemsPolicy;
  /**
   * `pass`: read, nothing raised; `warn`: raised, shown beside the health (the state is the signals');
   * `fail`: raised, and the policy made the period unhealthy; `no-data`: a provider could not be read.
   */
  outcome: SignalOutcome;
  /** One line with what was found (or why it could not be read). */
  explanation: string;
  /** Providers that were asked (those with an alerting API). */
  providers: string[];
  /** Newest first; at most 50 (`total` counts them all). */
  items: ServiceProblem[];
  total: number;
  /**
   * Providers whose alerts could not be read, with why: a warning on the period, never "no problems".
   * Never changes the health unless the policy is `fail` (then a healthy period becomes `no-data`).
   */
  errors: { provider: string; message: string }[];
}

/** The analysis of one entity over one period. */
export interface HealthSnapshot {
  entityRef: string;
  /** The profile of app-config it was analysed with (null when the annotation named none that exists). */
  profile: string | null;
  periodStart: string;
  periodEnd: string;
  analysedAt: string;
  state: HealthState;
  /** 0..100; null when there was no data. */
  score: number | null;
  /** Why the state is what it is, most important first. */
  reasons: string[];
  metrics: MetricRisk[];
  logs: LogsSummary | null;
  /**
   * Dynatrace problems and Datadog monitors in alert on the entity during the period. Absent when the
   * profile's providers have no alerting API, its `evidence` is `ignore`, and in snapshots stored before it
   * existed.
   */
  problems?: ProblemsSummary;
}

/** A history entry: the snapshot without its details. */
export type HealthHistoryEntry = Pick<
  HealthSnapshot,
  'periodStart' | 'periodEnd' | 'analysedAt' | 'state' | 'score' | 'reasons'
>;

/** `GET /entities/:kind/:namespace/:name/health`. */
export interface HealthResponse {
  entityRef: string;
  /** The latest analysed period; null before the first run. */
  current: HealthSnapshot | null;
  /** Newest first, at most `limit` entries (the current one included). */
  history: HealthHistoryEntry[];
  /**
   * Whether the schedule keeps up with this entity: the last complete period (`expectedPeriodStart`) and
   * how far the latest analysis lags behind it (`lateByMs`, 0 when current). Null when the entity has not
   * opted in.
   */
  freshness: { expectedPeriodStart: string; lateByMs: number | null } | null;
  /**
   * The feedback in force on each log cluster of `current`: the newest entry per cluster, with who gave it
   * and when, including feedback given after that analysis ran (the next analysis applies it). Clusters
   * without feedback have no entry. Always sent by this backend (empty without a current snapshot).
   */
  feedback?: LogClusterFeedback[];
}

/** A verdict of a deployment verification (the GitHub Action). */
export type VerificationVerdict = 'pass' | 'fail' | 'inconclusive';

/** `POST /verifications`: what the GitHub Action reports after a verification. */
export interface DeploymentVerificationInput {
  entityRef: string;
  verdict: VerificationVerdict;
  /** 0..100 */
  score: number;
  reason: string;
  startedAt: string;
  finishedAt: string;
  version?: string;
  environment?: string;
  /** canary, blue-green, rolling, load-test, threshold, auto. */
  strategy?: string;
  repository?: string;
  commitSha?: string;
  /** The workflow run that verified it. */
  runUrl?: string;
  /** The rollback workflow run the Action dispatched after this verification, when it dispatched one. */
  rollbackRunUrl?: string;
  /** Per-metric results, at most 100 (explanations of at most 1,000 characters). */
  metrics?: { metric: string; outcome: SignalOutcome; risk: number; explanation: string }[];
  logs?: { outcome: SignalOutcome; risk: number; explanation: string };
}

/** A stored verification. */
export interface DeploymentVerification extends DeploymentVerificationInput {
  id: string;
  /**
   * Who posted it: the subject of the service principal whose token was used (a static external-access
   * token's `subject`, e.g. `github-action`; `external:<prefix>:<sub>` for a JWKS token); only service
   * principals may post verifications.
   */
  createdBy: string;
  createdAt: string;
}

/** A verification as listed: without its per-metric and log details (`GET .../verifications/:id` has them). */
export type DeploymentVerificationSummary = Omit<DeploymentVerification, 'metrics' | 'logs'>;

/** `GET /entities/:kind/:namespace/:name/verifications?limit=&cursor=`: one page, newest first. */
export interface VerificationsResponse {
  entityRef: string;
  items: DeploymentVerificationSummary[];
  /** Pass as `cursor` to get the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/** `POST /entities/:kind/:namespace/:name/clusters/:clusterId/feedback`. */
export interface LogClusterFeedbackInput {
  action: FeedbackAction;
  /** Why; kept with who and when. */
  reason: string;
  /** The cluster's template, stored for people reading the feedback later. */
  template?: string;
}

/** Stored feedback on a log cluster. */
export interface LogClusterFeedback extends LogClusterFeedbackInput {
  id: string;
  entityRef: string;
  clusterId: string;
  /** The user entity ref (or service subject) that gave it. */
  createdBy: string;
  createdAt: string;
}

/** `GET /entities/:kind/:namespace/:name/feedback?limit=&cursor=`: one page. */
export interface FeedbackResponse {
  entityRef: string;
  /** Newest first; the newest entry per cluster is the one in force. */
  items: LogClusterFeedback[];
  /** Pass as `cursor` to get the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/** `POST /run`: with `entityRef`, analyse that entity now; without, start every shard task now. */
export interface RunNowInput {
  entityRef?: string;
}

/** Answer of `POST /run`. */
export type RunNowResponse =
  | { status: 'analysed'; snapshot: HealthSnapshot }
  | { status: 'already-analysed'; snapshot: HealthSnapshot }
  | { status: 'triggered'; tasks: string[] };

/** Where a run-now of one entity stands. */
export type EntityRunStatus = 'queued' | 'running' | 'done' | 'failed';

/** A run-now of one entity (`POST`/`GET /entities/:kind/:namespace/:name/run`). */
export interface EntityRun {
  /** Changes with every new run; a client polls until the run it started is `done` or `failed`. */
  runId: string;
  entityRef: string;
  status: EntityRunStatus;
  /** Who asked for it (the user entity ref or service subject). */
  requestedBy: string;
  requestedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** When done: `analysed` (this run wrote the period) or `already-analysed` (it was stored already). */
  outcome?: 'analysed' | 'already-analysed';
  /** When done: the health of the analysed period (the last complete one). */
  health?: HealthHistoryEntry;
  /** When failed: why, in words. */
  error?: string;
}

/** Answer of `POST` (202, the run started or joined) and `GET` (200) `/entities/:kind/:namespace/:name/run`. */
export interface EntityRunResponse {
  entityRef: string;
  /** Null from `GET` before the entity's first run-now. */
  run: EntityRun | null;
}

/** An entity's place in the catalog-wide view: `not-analysed` until its first period is analysed. */
export type EntityHealthState = HealthState | 'not-analysed';

/** One opted-in entity of `GET /entities`: who owns it and its latest health. */
export interface EntityHealthSummary {
  entityRef: string;
  /** `metadata.title`, when the entity has one. */
  title?: string;
  /** The entity refs of its owners (the catalog's `ownedBy` relations). */
  owners: string[];
  state: EntityHealthState;
  /** 0..100; null when there was no data or no analysis. */
  score: number | null;
  /** The latest analysed period, when there is one. */
  periodStart?: string;
  periodEnd?: string;
  analysedAt?: string;
  /** The most important reason of the latest analysis, as stored (a one-line summary with statistics). */
  reason?: string;
  /**
   * The signals of the latest analysis, so that a page phrases its reason as the tab does: the metrics
   * without their series and provider links, the logs with only their new and unexpectedly frequent
   * clusters, the alerts' summary. Only when asked for (`include=signals`, as the page does; the catalog
   * table's column asks for the state alone), and absent when there is no analysis (or from a backend older
   * than this field).
   */
  signals?: {
    metrics: MetricRisk[];
    logs: LogsSummary | null;
    /** The alerts' summary (how many, what they did, which providers could not be read) without `items`. */
    problems?: ProblemsSummary;
  };
}

/**
 * `GET /entities?owner=&entityRef=&state=&include=&limit=&offset=`: the opted-in entities the caller may read in
 * the catalog, worst health first (unhealthy, degraded, no data, not analysed, healthy; lower score first).
 */
export interface EntitiesHealthResponse {
  items: EntityHealthSummary[];
  /** Entities matching the filters (all pages). */
  total: number;
  /** Entities per state, after the owner and ref filters and before the state filter. */
  counts: Record<EntityHealthState, number>;
  /** Every owner among the opted-in entities the caller may read (for an owner picker), sorted. */
  owners: string[];
  /** Pass as `offset` for the next page; absent on the last page. */
  nextOffset?: number;
}

/** Body of every error answer (Backstage's error body; `fields` added for validation errors). */
export interface ServiceGuardErrorBody {
  error: { name: string; message: string };
  /** For validation errors: the fields at fault, e.g. `body.score`. */
  fields?: { path: string; message: string }[];
}
