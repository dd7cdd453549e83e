/**
 * The verification spec: what to verify, against which data, and how to decide. Written as YAML
 * (`vigil verify -c spec.yaml`), built from Action inputs, or from entity annotations plus an app-config
 * profile in Backstage. Every field is documented here; the JSON Schema for editors is generated from it.
 */
import { z } from 'zod';

/** `30s`, `5m`, `1h30m`, `2d`, or a number of seconds. */
export const durationSchema = z
  .union([z.number().nonnegative(), z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h|d))+$/)])
  .describe('A duration: a number of seconds, or a string such as "30s", "5m", "1h30m".');

const sensitivity = z
  .enum(['low', 'medium', 'high'])
  .describe('How readily a change is called a regression: low flags only large changes, high small ones.');

const ignoreRule = z.union([
  z.strictObject({
    type: z.literal('absolute'),
    lower: z.number().optional().describe('Lowest canary value that is still harmless.'),
    upper: z.number().optional().describe('Highest canary value that is still harmless.'),
  }),
  z.strictObject({
    type: z.literal('relative'),
    maxDeviation: z
      .number()
      .positive()
      .describe(
        'Largest harmless deviation of the canary mean from the baseline mean, as a fraction (0.1 = 10%).',
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
    above: z.number().optional().describe('Breach when the value (or relative change) is above this.'),
    below: z.number().optional().describe('Breach when the value (or relative change) is below this.'),
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
      "Provider query template. Variables: ${instances} (regex of the group's instances), ${service}, ${environment}, ${version}, and ${group}.",
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
  unit: z.string().optional().describe('Display unit, e.g. "ms".'),
  weight: z.number().positive().default(1).describe('Relative weight in the score.'),
  critical: z.boolean().default(false).describe('A failure of this metric fails the verification.'),
  muted: z.boolean().default(false).describe('Dry run: judged and shown, never deciding.'),
  sensitivity: sensitivity.optional().describe('Overrides the verification sensitivity for this metric.'),
  trafficMetric: z
    .string()
    .optional()
    .describe('For error counts: name of the throughput metric that turns counts into rates.'),
  group: z.string().optional().describe('Group for Kayenta-style group weights.'),
  ignore: z.array(ignoreRule).optional().describe('Conditions under which a change is harmless.'),
  failFast: z.array(failFastRule).optional().describe('Conditions that fail at once, without statistics.'),
});

const secretString = z
  .string()
  .describe('A secret. Write "${env:NAME}" to read it from the environment; it is redacted everywhere.');

const httpCommon = {
  timeout: durationSchema.optional().describe('Timeout of one request (default 30s).'),
  maxRetries: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('Retries on 429, 5xx and network errors (default 4).'),
  concurrency: z.number().int().positive().optional().describe('Requests in flight at once (default 4).'),
  headers: z.record(z.string(), z.string()).optional().describe('Extra request headers.'),
};

export const providerSpecSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('prometheus'),
    url: z.url().describe('Base URL of Prometheus (or a compatible API: Thanos, Mimir, VictoriaMetrics).'),
    auth: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('none') }),
        z.strictObject({ type: z.literal('basic'), username: z.string(), password: secretString }),
        z.strictObject({ type: z.literal('bearer'), token: secretString }),
      ])
      .optional()
      .describe('Authentication (default none).'),
    tls: z
      .strictObject({
        ca: z.string().optional().describe('Path of a CA bundle (PEM).'),
        cert: z.string().optional().describe('Path of a client certificate (PEM), for mTLS.'),
        key: z.string().optional().describe('Path of the client key (PEM), for mTLS.'),
        insecureSkipVerify: z.boolean().optional(),
      })
      .optional(),
    ...httpCommon,
  }),
  z.strictObject({
    type: z.literal('datadog'),
    site: z
      .enum([
        'datadoghq.com',
        'us3.datadoghq.com',
        'us5.datadoghq.com',
        'datadoghq.eu',
        'ap1.datadoghq.com',
        'ap2.datadoghq.com',
        'ddog-gov.com',
      ])
      .default('datadoghq.com')
      .describe('Your Datadog site.'),
    apiKey: secretString.describe('Datadog API key (DD-API-KEY). Use "${env:DD_API_KEY}".'),
    appKey: secretString.describe('Datadog application key (DD-APPLICATION-KEY). Use "${env:DD_APP_KEY}".'),
    url: z.url().optional().describe('Override the API base URL (tests, proxies).'),
    ...httpCommon,
  }),
  z.strictObject({
    type: z.literal('dynatrace'),
    url: z.url().describe('Environment URL, e.g. https://abc12345.live.dynatrace.com.'),
    token: secretString.describe('API token with metrics.read, logs.read, problems.read, events.ingest.'),
    ...httpCommon,
  }),
  z.strictObject({
    type: z.literal('http'),
    url: z
      .string()
      .describe('URL template; ${query}, ${start}, ${end}, ${step} and spec variables are filled in.'),
    method: z.enum(['GET', 'POST']).default('GET'),
    body: z.string().optional().describe('Body template for POST.'),
    secretHeaders: z.record(z.string(), secretString).optional().describe('Headers whose values are secret.'),
    paths: z
      .strictObject({
        series: z.string().describe('JSONPath of the list of series in the response.'),
        instance: z.string().describe('JSONPath (relative to a series) of the instance name.'),
        timestamps: z.string().describe('JSONPath (relative to a series) of the timestamps.'),
        values: z.string().describe('JSONPath (relative to a series) of the values.'),
        timestampUnit: z.enum(['s', 'ms']).default('s'),
      })
      .describe('Where timestamps, values and the instance are in the response.'),
    ...httpCommon,
  }),
  z.strictObject({
    type: z.literal('replay'),
    file: z.string().describe('Recorded data file (see docs/replay-format.md), relative to the spec.'),
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
  limit: z.number().int().positive().default(10000).describe('Most events read per group and poll.'),
  feedback: z.string().optional().describe('YAML file of log cluster feedback, relative to the spec.'),
});

export const policySpecSchema = z.strictObject({
  noData: z
    .enum(['fail', 'inconclusive', 'pass'])
    .default('inconclusive')
    .describe('Verdict when a metric or the whole verification has no data.'),
  judge: z
    .enum(['default', 'kayenta'])
    .default('default')
    .describe("default: Vigil's combined judges; kayenta: Kayenta NetflixACAJudge semantics."),
  earlyStop: z
    .boolean()
    .default(true)
    .describe('Decide before the end when the evidence is already decisive.'),
  passScore: z
    .number()
    .min(0)
    .max(100)
    .optional()
    .describe('Kayenta mode: lowest passing score (default 95).'),
  marginalScore: z
    .number()
    .min(0)
    .max(100)
    .optional()
    .describe('Kayenta mode: lowest marginal score (default 75).'),
});

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
    metrics: z.array(metricSpecSchema).describe('Metrics to verify.'),
    logs: logsSpecSchema.optional().describe('Log analysis (new and unexpected log clusters).'),
    policy: policySpecSchema.default({ noData: 'inconclusive', judge: 'default', earlyStop: true }),
  })
  .describe('A Vigil verification spec.');

/** A validated spec, defaults applied. */
export type Spec = z.output<typeof specSchema>;
/** A spec as written. */
export type SpecInput = z.input<typeof specSchema>;
export type MetricSpec = z.output<typeof metricSpecSchema>;
export type ProviderSpec = z.output<typeof providerSpecSchema>;
export type StrategySpec = z.output<typeof strategySpecSchema>;
