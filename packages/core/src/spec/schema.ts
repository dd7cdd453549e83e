/**
 * The verification spec: what to verify, against which data, and how to decide. Written as YAML
 * (`vigil verify -c spec.yaml`), built from Action inputs, or from entity annotations plus an app-config
 * profile in Backstage. Every field is documented here; the JSON Schema for editors is generated from it.
 */
import { z } from 'zod';
import { SENSITIVITIES } from '../judges/sensitivity.ts';
import { EVIDENCE_POLICIES } from '../judgment/evidence.ts';

/** `30s`, `5m`, `1h30m`, `2d`, or a number of seconds. */
export const durationSchema = z
  .union([z.number().nonnegative(), z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h|d))+$/)])
  .describe('A duration: a number of seconds, or a string such as "30s", "5m", "1h30m".');

/** Datadog's public sites; the site decides the API host (`api.<site>`). The providers derive their type from it. */
export const DATADOG_SITES = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'uk1.datadoghq.com',
  'ddog-gov.com',
  'us2.ddog-gov.com',
] as const;

const sensitivity = z
  .enum(SENSITIVITIES)
  .describe('How readily a change is called a regression: low flags only large changes, high small ones.');

/**
 * A limit of an absolute rule: a number in the metric's unit, or a quantity with its own unit ("500ms",
 * "0.5 s", "2 GiB", "5%") converted into the metric's unit, which must then be set.
 */
const absoluteLimit = z
  .union([z.number(), z.string()])
  .describe(
    'A number in the metric\'s unit, or a value with a unit such as "500ms", "2 GiB", "5%" (the metric\'s `unit` must then be set; it is converted into it).',
  );

const ignoreRule = z.union([
  z.strictObject({
    type: z.literal('absolute'),
    lower: absoluteLimit.optional().describe('Lowest canary value that is still harmless.'),
    upper: absoluteLimit.optional().describe('Highest canary value that is still harmless.'),
  }),
  z.strictObject({
    type: z.literal('relative'),
    maxDeviation: z
      .union([z.number().positive(), z.string()])
      .describe(
        'Largest harmless deviation of the canary mean from the baseline mean, as a fraction (0.1 = 10%) or a percentage ("10%").',
      ),
  }),
]);

const failFastRule = z
  .strictObject({
    type: z
      .enum(['absolute', 'relative'])
      .describe(
        'absolute: compare each canary value with above/below; relative: with the baseline at that time.',
      ),
    above: z
      .union([z.number(), z.string()])
      .optional()
      .describe(
        'Breach when the value is above this (absolute: a number in the metric\'s unit or a value with a unit such as "500ms"; relative: a fraction or a percentage such as "50%").',
      ),
    below: z
      .union([z.number(), z.string()])
      .optional()
      .describe(
        "Breach when the value is below this (absolute: a number in the metric's unit or a value with a unit; relative: a fraction or a percentage).",
      ),
    when: z
      .enum(['immediately', 'after', 'consecutive'])
      .default('immediately')
      .describe('Fail on the first breach, after `count` breaches, or after `count` consecutive breaches.'),
    count: z.number().int().positive().optional().describe('Breaches needed with `after` and `consecutive`.'),
  })
  .refine((r) => r.above !== undefined || r.below !== undefined, {
    message: 'a fail-fast rule needs `above` or `below`',
  })
  .refine((r) => r.when === 'immediately' || r.count !== undefined, {
    message: '`count` is required when `when` is `after` or `consecutive`',
    path: ['count'],
  });

/**
 * A metric's Kayenta settings, as in a Kayenta canary config's `metrics[].analysisConfigurations.canary`
 * (direction, critical and muted are the metric's own fields). Read in Kayenta mode only.
 */
export const kayentaMetricSchema = z
  .strictObject({
    nanStrategy: z
      .enum(['remove', 'replace'])
      .optional()
      .describe('NaN points: remove (default) drops them; replace turns them into 0.'),
    outliers: z
      .strictObject({
        strategy: z
          .enum(['remove', 'keep'])
          .optional()
          .describe(
            'remove drops the points of each side outside [min(p1, Q1 - factor x IQR), max(p99, Q3 + factor x IQR)]; keep (default) keeps them.',
          ),
        outlierFactor: z.number().positive().optional().describe('The IQR factor (default 3).'),
      })
      .optional()
      .describe('Outlier handling before the test.'),
    mustHaveData: z
      .boolean()
      .optional()
      .describe(
        'Missing data counts as a failing metric (NodataFailMetric) in its groups instead of a neutral Nodata.',
      ),
    effectSize: z
      .strictObject({
        measure: z
          .enum(['meanRatio', 'cles'])
          .optional()
          .describe(
            'meanRatio (default): mean(canary) / mean(baseline), thresholds default 1; cles: P(canary > baseline), thresholds default 0.5.',
          ),
        allowedIncrease: z.number().optional().describe('A High needs an effect at or above this.'),
        allowedDecrease: z.number().optional().describe('A Low needs an effect at or below this.'),
        criticalIncrease: z
          .number()
          .optional()
          .describe("A critical metric's High fails the canary when the effect is at or above this."),
        criticalDecrease: z
          .number()
          .optional()
          .describe("A critical metric's Low fails the canary when the effect is at or below this."),
      })
      .optional()
      .describe('How large a significant change must be to count (Kayenta effect sizes).'),
  })
  .describe('Kayenta settings of one metric.');

/** A metric to verify. */
export const metricSpecSchema = z.strictObject({
  name: z.string().min(1).describe('Name shown in reports, e.g. "p99 latency".'),
  provider: z
    .string()
    .optional()
    .describe('Key of the provider under `providers` that answers the query; defaults to the only provider.'),
  query: z
    .string()
    .min(1)
    .describe(
      "Query template in the provider's language. Placeholders, filled in escaped for that language: {{instances}} (the group's instances), {{service}}, {{environment}}, {{version}}, {{group}}.",
    ),
  baselineQuery: z
    .string()
    .optional()
    .describe('Query for the baseline when it differs from `query` (e.g. another service name).'),
  kind: z
    .enum(['error', 'latency', 'throughput', 'resource', 'other'])
    .default('other')
    .describe('What the metric measures; sets minimum deltas and which judges apply.'),
  direction: z
    .enum(['higher-is-worse', 'lower-is-worse', 'both'])
    .default('higher-is-worse')
    .describe('Which way a change is bad.'),
  unit: z
    .string()
    .optional()
    .describe(
      `Unit of the values. Sensitivity floors and thresholds written with a unit are converted into it, and values are shown with it. Time: ns, us, ms, s, min, h; data: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB, bit, kbit, Mbit, Gbit; fractions: % (0..100), ratio (0..1); counts: count, req, errors, ...; rates: a count or data unit per s, min or h ("req/s", "1/min", "B/s"). Aliases such as "seconds", "MilliSecond", "Byte", "Percent", "PerSecond" are accepted. Without it Vigil asks the provider (Prometheus name suffix, Datadog metadata, Dynatrace descriptor); when the unit stays unknown, no absolute floor applies.`,
    ),
  weight: z.number().positive().default(1).describe('Relative weight in the score.'),
  critical: z.boolean().default(false).describe('A failure of this metric fails the verification.'),
  muted: z.boolean().default(false).describe('Dry run: judged and shown, never deciding.'),
  sensitivity: sensitivity.optional().describe('Overrides the verification sensitivity for this metric.'),
  trafficMetric: z
    .string()
    .optional()
    .describe('For error counts: name of the throughput metric that turns counts into rates.'),
  group: z
    .union([z.string().min(1), z.array(z.string().min(1))])
    .optional()
    .describe(
      'Kayenta mode: the group (or list of groups, Kayenta\'s metrics[].groups) whose score this metric counts in, weighted by policy.groupWeights; an empty list counts in none, as in Kayenta. Default: one group, "default".',
    ),
  kayenta: kayentaMetricSchema
    .optional()
    .describe(
      "Kayenta mode (policy.judge: kayenta): the metric's other Kayenta settings (Kayenta's analysisConfigurations.canary); Vigil's default judges ignore them.",
    ),
  ignore: z.array(ignoreRule).optional().describe('Conditions under which a change is harmless.'),
  failFast: z.array(failFastRule).optional().describe('Conditions that fail at once, without statistics.'),
});

/**
 * A preset entry among `metrics`: expands in place into the preset's metrics (see presets.ts and
 * docs/presets.md) before the spec is validated, so it combines with hand-written metrics.
 */
export const presetEntrySchema = z
  .strictObject({
    preset: z
      .string()
      .min(1)
      .describe(
        'Name of a metric preset: "http-red" (request rate, error ratio, latency p50/p95/p99) or "use" (CPU, memory, CPU throttling). Its queries are listed in docs/presets.md.',
      ),
    provider: z
      .string()
      .optional()
      .describe('Key of the provider whose query shapes the preset uses; defaults to the only provider.'),
    naming: z
      .enum(['otel', 'prometheus'])
      .optional()
      .describe(
        'Prometheus only: metric names of the OpenTelemetry semantic conventions (http_server_request_duration_seconds, status label http_response_status_code; the default) or of the Prometheus client libraries (http_request_duration_seconds, label code).',
      ),
    selector: z
      .string()
      .optional()
      .describe(
        'Extra filter added to every query: Prometheus label matchers (job="checkout"), Datadog tags (env:prod).',
      ),
    operation: z
      .string()
      .optional()
      .describe('Datadog only: the APM operation of trace.<operation>.* metrics (default "http.request").'),
    prefix: z
      .string()
      .optional()
      .describe(
        'Put before each metric name, so two presets (or a preset and your metrics) can sit side by side.',
      ),
  })
  .describe('A metric preset, expanded into its metrics.');

const secretString = z
  .string()
  .describe('A secret. Write "${env:NAME}" to read it from the environment; it is redacted everywhere.');

const httpOptions = z
  .strictObject({
    timeoutMs: z.number().int().positive().optional().describe('Per-attempt timeout in ms (default 30000).'),
    budgetMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Budget of one request including retries, ms (default 120000).'),
    retries: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('Retries on 429, 5xx, network errors and timeouts (default 5).'),
    backoffMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('First backoff delay in ms, doubled per retry with jitter (default 500).'),
    maxBackoffMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Longest single wait in ms, also caps Retry-After (default 30000).'),
    concurrency: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Requests in flight at once for this provider (default 4).'),
  })
  .describe('HTTP behaviour: timeouts, retries with backoff, concurrency.');

const tls = z
  .strictObject({
    caFile: z.string().optional().describe('CA bundle (PEM) that signs the server certificate.'),
    certFile: z.string().optional().describe('Client certificate (PEM), for mTLS.'),
    keyFile: z.string().optional().describe('Client key (PEM), for mTLS.'),
    serverName: z.string().optional().describe('Name to verify the server certificate against.'),
    insecureSkipVerify: z.boolean().optional().describe('Skip server certificate verification (tests only).'),
  })
  .describe('TLS client settings. Paths are relative to the spec.');

const common = { http: httpOptions.optional() };

const UI_URL_DOC =
  "Public address of the provider's own UI, for links from Vigil's reports and Backstage to its graph, metric explorer or problem (default: `url` for Prometheus and Dynatrace, the site's app host for Datadog). Set it when the API address differs (a proxy, an internal name); never put a credential in it.";

/**
 * The one description of a provider's settings: the spec's `providers.<name>`, the providers' `ProviderConfig`
 * types (derived from it) and the Backstage backend's `serviceGuard.providers.<name>` (validated with it).
 */
export const providerSpecSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('prometheus'),
    url: z.url().describe('Base URL of Prometheus or a compatible API (Thanos, Mimir, VictoriaMetrics).'),
    uiUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(UI_URL_DOC),
    auth: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('none') }),
        z.strictObject({ type: z.literal('basic'), username: z.string(), password: secretString }),
        z.strictObject({ type: z.literal('bearer'), token: secretString }),
      ])
      .optional()
      .describe('Authentication (default none).'),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Extra headers sent as is (e.g. X-Scope-OrgID).'),
    secretHeaders: z
      .record(z.string(), secretString)
      .optional()
      .describe('Extra headers whose values are secret.'),
    tls: tls.optional(),
    post: z.boolean().optional().describe('Send queries with POST (long queries). Default GET.'),
    maxPointsPerRequest: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Points per query_range before splitting (default 11000).'),
    ...common,
  }),
  z.strictObject({
    type: z.literal('datadog'),
    site: z.enum(DATADOG_SITES).optional().describe('Your Datadog site (default datadoghq.com).'),
    baseUrl: z.string().optional().describe('Overrides the API host derived from the site (proxies, tests).'),
    uiUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(UI_URL_DOC),
    apiKey: secretString.describe('Datadog API key (DD-API-KEY). Write "${env:DD_API_KEY}".'),
    appKey: secretString.describe(
      'Datadog application key (DD-APPLICATION-KEY; scopes timeseries_query, logs_read_data, monitors_read). Write "${env:DD_APP_KEY}".',
    ),
    metricsApi: z
      .enum(['v1', 'v2'])
      .optional()
      .describe('v1: /api/v1/query (default); v2: /api/v2/query/timeseries.'),
    rollup: z
      .enum(['avg', 'sum', 'min', 'max', 'count'])
      .optional()
      .describe('Rollup added to v1 queries that have none (default avg).'),
    logIndexes: z.array(z.string()).optional().describe('Log indexes to search (default all).'),
    ...common,
  }),
  z.strictObject({
    type: z.literal('dynatrace'),
    url: z.url().describe('Environment URL, e.g. https://abc12345.live.dynatrace.com.'),
    uiUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(UI_URL_DOC),
    token: secretString.describe(
      'API token (metrics.read, logs.read, problems.read, events.ingest). Write "${env:DT_API_TOKEN}".',
    ),
    entitySelector: z
      .string()
      .optional()
      .describe('Default entity selector, e.g. type(SERVICE),tag("app:web").'),
    problemSelector: z
      .string()
      .optional()
      .describe(
        "Problem selector for the problems read as evidence (policy.evidence); with neither it nor entitySelector, the problems of the service entity named like the spec's service.",
      ),
    ...common,
  }),
  z.strictObject({
    type: z.literal('http'),
    url: z
      .string()
      .describe(
        'URL template: {{query}}, {{start}}, {{end}}, {{step}} (ms), {{startSeconds}}, ... and spec variables.',
      ),
    method: z.enum(['GET', 'POST']).optional(),
    headers: z.record(z.string(), z.string()).optional().describe('Header templates.'),
    secretHeaders: z
      .record(z.string(), secretString)
      .optional()
      .describe('Header templates whose values are secret.'),
    body: z.string().optional().describe('Body template (JSON) for POST.'),
    pick: z
      .strictObject({
        series: z
          .string()
          .optional()
          .describe('JSONPath of the list of series; the others are then relative to each.'),
        points: z.string().describe('JSONPath of the list of points.'),
        timestamp: z.string().describe('JSONPath of the timestamp within a point.'),
        value: z.string().describe('JSONPath of the value within a point.'),
        instance: z.string().describe('JSONPath of the instance (within the series, or the point).'),
        timestampUnit: z.enum(['ms', 's', 'iso']).optional(),
      })
      .describe('Where timestamps, values and the instance are in the response.'),
    tls: tls.optional(),
    ...common,
  }),
  z.strictObject({
    type: z.literal('replay'),
    file: z.string().describe('Recorded data (docs/replay-format.md), relative to the spec.'),
    source: z.string().optional().describe('Recorded provider to answer for, when the file holds several.'),
  }),
]);

const groupSelector = z.strictObject({
  pattern: z.string().optional().describe('Regular expression that instance names of this group match.'),
  instances: z.array(z.string()).optional().describe('Explicit instance names.'),
});

export const strategySpecSchema = z
  .strictObject({
    type: z
      .enum(['canary', 'blue-green', 'rolling', 'previous', 'threshold', 'auto'])
      .default('auto')
      .describe(
        'canary: canary vs baseline instances in the same window; blue-green/rolling: after vs before the deploy; previous: vs the last passing verification; threshold: rules only; auto: chosen from the data.',
      ),
    instanceLabel: z.string().default('instance').describe('Label (tag) that names an instance, e.g. "pod".'),
    baseline: groupSelector.optional().describe('Which instances are the baseline (canary strategy).'),
    canary: groupSelector.optional().describe('Which instances are the canary (canary strategy).'),
    deployedAt: z
      .union([z.string(), z.number()])
      .optional()
      .describe(
        'Deploy time (ISO-8601 or epoch seconds) for before/after strategies; default: start of the run.',
      ),
    settle: durationSchema.optional().describe('Time after the deploy that is not judged (default 1m).'),
    baselineStore: z
      .string()
      .optional()
      .describe('Directory of the file store of passing verifications (previous).'),
    pinned: z.string().optional().describe('Id of a stored verification to compare with (previous).'),
  })
  .describe('How baseline and canary data are chosen.');

export const logsSpecSchema = z.strictObject({
  provider: z
    .string()
    .optional()
    .describe('Key of the provider under `providers`; defaults to the only one.'),
  query: z.string().describe('Log query template (same variables as metric queries).'),
  instanceField: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Attribute (Datadog tag or attribute, Dynatrace column such as "k8s.pod.name") that names the instance of a log event; default strategy.instanceLabel. Where the groups are told apart by instance, events without it belong to neither group: they are counted and reported, never judged.',
    ),
  limit: z.number().int().positive().default(10000).describe('Most events read per group and poll.'),
  feedback: z.string().optional().describe('YAML file of log cluster feedback, relative to the spec.'),
});

export const policySpecSchema = z.strictObject({
  noData: z
    .enum(['fail', 'inconclusive', 'pass'])
    .default('inconclusive')
    .describe(
      'Verdict when a metric or the whole verification has no data (or too little: see minCoverage). `pass` never accepts provider errors.',
    ),
  minCoverage: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      'Least fraction of the expected points (time steps x known instances, per metric and side) that must arrive usable for a metric to pass; below it the metric has no data, with the cause named. Applies to every metric. Default 0.8.',
    ),
  judge: z
    .enum(['default', 'kayenta'])
    .default('default')
    .describe("default: Vigil's combined judges; kayenta: Kayenta NetflixACAJudge semantics."),
  earlyStop: z
    .boolean()
    .default(true)
    .describe('Decide before the end when the evidence is already decisive.'),
  maxConsecutiveErrors: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe(
      'End the run early as could-not-verify when the queries of a required metric (a critical one; any metric when none is critical) fail at this many polls in a row: a provider that keeps refusing will not answer by the end of the window.',
    ),
  evidence: z
    .enum(EVIDENCE_POLICIES)
    .default('warn')
    .describe(
      'Alerts the providers raised on the service during the window (Dynatrace problems, Datadog monitors in alert): fail fails the verification, warn names them in the reason, ignore does not read them. A provider that cannot be read is reported; under fail, a verdict that would pass then follows noData.',
    ),
  passScore: z
    .number()
    .min(0)
    .max(100)
    .optional()
    .describe("Kayenta mode: lowest passing score (Kayenta's scoreThresholds.pass)."),
  marginalScore: z
    .number()
    .min(0)
    .max(100)
    .optional()
    .describe(
      'Kayenta mode: scores from here up to the passing score are marginal (inconclusive); below, fail.',
    ),
  groupWeights: z
    .record(z.string(), z.number().min(0))
    .optional()
    .describe(
      "Kayenta mode: weight in percent of each metric group (Kayenta's classifier.groupWeights); groups not listed share what is left of 100 equally.",
    ),
});

/** When a notification target is told: see notifyEventOf in notify/event.ts. */
export const NOTIFY_EVENTS = ['fail', 'inconclusive', 'recovery', 'pass'] as const;

/**
 * A notification target: where the verdict is sent when the verification ends (docs/notifications.md). The
 * URL is a secret wherever it comes from (a Slack or Teams webhook URL is its own credential): it is
 * redacted from every output, and a failed delivery is a warning that never changes the verdict.
 */
export const notifyTargetSchema = z
  .strictObject({
    type: z
      .enum(['webhook', 'slack', 'teams'])
      .describe(
        'webhook: a JSON document (schema vigil.notification/v1) POSTed as is; slack: a Slack incoming webhook (text and blocks); teams: a Microsoft Teams incoming webhook or Workflows webhook (an Adaptive Card message).',
      ),
    url: z
      .url({
        protocol: /^https?$/,
        error: 'must be an absolute http(s) URL, e.g. "${env:SLACK_WEBHOOK_URL}"',
      })
      .describe(
        'Webhook URL. A secret: write "${env:NAME}" to read it from the environment; it is redacted everywhere either way.',
      ),
    on: z
      .array(z.enum(NOTIFY_EVENTS))
      .min(1)
      .default(['fail', 'inconclusive', 'recovery'])
      .describe(
        'Which endings are sent: fail (outcome failed), inconclusive (inconclusive, could-not-verify, cancelled), recovery (passed after a previous outcome that was not a pass; needs the previous outcome, see docs/notifications.md), pass (every pass, recoveries included). Default fail, inconclusive, recovery.',
      ),
    name: z
      .string()
      .min(1)
      .optional()
      .describe('Name of the target in warnings (default "<type> #<position>"); never the URL.'),
  })
  .describe('A notification target.');

export const specSchema = z
  .strictObject({
    apiVersion: z.literal('vigil/v1').describe('Spec format version.'),
    service: z
      .string()
      .min(1)
      .describe('Service name (Datadog service tag, Dynatrace service, Backstage entity).'),
    environment: z.string().optional().describe('Environment, e.g. "production".'),
    version: z.string().optional().describe('The version being verified.'),
    providers: z
      .record(z.string(), providerSpecSchema)
      .refine((p) => Object.keys(p).length > 0, { message: 'define at least one provider' })
      .describe('Named data sources.'),
    strategy: strategySpecSchema.default({ type: 'auto', instanceLabel: 'instance' }),
    duration: durationSchema.default('10m').describe('How long to verify.'),
    interval: durationSchema.default('1m').describe('Time between polls (and the metrics step).'),
    initialDelay: durationSchema.default(0).describe('Wait before the first poll.'),
    sensitivity: sensitivity.default('medium'),
    metrics: z
      .array(metricSpecSchema)
      .describe(
        'Metrics to verify: hand-written ones and preset entries ({ preset: http-red }), which expand into theirs.',
      ),
    logs: logsSpecSchema.optional().describe('Log analysis (new and unexpected log clusters).'),
    policy: policySpecSchema.default({
      noData: 'inconclusive',
      judge: 'default',
      earlyStop: true,
      maxConsecutiveErrors: 3,
      evidence: 'warn',
    }),
    notify: z
      .array(notifyTargetSchema)
      .optional()
      .describe(
        'Where to send the verdict when the verification ends (Slack, Teams, any webhook): on fail, inconclusive and recovery by default. Delivery is retried (3 attempts within about 10 s); a failure is a warning and never changes the verdict or the exit code.',
      ),
    markers: z
      .array(z.string())
      .optional()
      .describe(
        'Providers (Datadog, Dynatrace) on which to post a deployment event when the verification starts and its verdict when it ends.',
      ),
  })
  .describe('A Vigil verification spec.');

/** A validated spec, defaults applied. */
export type Spec = z.output<typeof specSchema>;
/** A spec as written. */
export type SpecInput = z.input<typeof specSchema>;
export type MetricSpec = z.output<typeof metricSpecSchema>;
export type PresetEntrySpec = z.output<typeof presetEntrySchema>;
export type ProviderSpec = z.output<typeof providerSpecSchema>;
export type StrategySpec = z.output<typeof strategySpecSchema>;
export type NotifyTarget = z.output<typeof notifyTargetSchema>;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
