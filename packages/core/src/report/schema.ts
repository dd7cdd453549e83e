/**
 * The versioned JSON report of a verification: what the Action uploads, the CLI writes with `--report-dir`,
 * and the Backstage backend stores. Its JSON Schema (docs/report.schema.json) is generated from this.
 * Consumers must check `schema` and ignore fields they do not know: fields are only ever added within v1.
 */
import { z } from 'zod';
import { SENSITIVITIES } from '../judges/sensitivity.ts';

const num = z.number().nullable();

const judgeResultSchema = z.object({
  judge: z.string(),
  outcome: z.enum(['pass', 'warn', 'fail', 'no-data']),
  risk: z.number().min(0).max(1),
  classification: z.enum(['pass', 'high', 'low', 'nodata', 'error']),
  explanation: z.string(),
  evidence: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  test: z
    .object({ p: num, alpha: num })
    .optional()
    .describe('The p-value a statistical judge decided by and the alpha it was held to.'),
});

const sideSummarySchema = z.object({
  instances: z.number().int(),
  points: z.number().int(),
  mean: num,
  median: num,
  p95: num,
  p99: num,
});

/** How much of a side's expected data arrived usable (see SideCoverage in model/verdict.ts). */
const sideCoverageSchema = z.object({
  expected: z.number().int().describe('Points expected: time steps x known instances.'),
  usable: z.number().int().describe('Points that arrived finite (or as the worse-direction infinity).'),
  fraction: z.number().min(0).max(1),
  steps: z.number().int(),
  stepsCovered: z.number().int(),
  instances: z.number().int(),
  missingInstances: z.array(z.string()),
  nonFinite: z.number().int(),
  worstInfinite: z.number().int(),
  errors: z.array(z.string()).describe('Provider errors met on this side.'),
});

/** Per-minute mean of a group, for charts: `[epochMs, value | null]`. */
const chartSeriesSchema = z.array(z.tuple([z.number(), num]));

export const reportMetricSchema = z.object({
  metric: z.string(),
  kind: z.enum(['error', 'latency', 'throughput', 'resource', 'other']),
  direction: z.enum(['higher-is-worse', 'lower-is-worse', 'both']),
  unit: z.string().optional(),
  /** Where the unit came from: the spec, or the provider (Prometheus name suffix, Datadog/Dynatrace metadata). */
  unitSource: z.enum(['spec', 'provider']).optional(),
  critical: z.boolean(),
  muted: z.boolean(),
  sensitivity: z.enum(SENSITIVITIES),
  outcome: z.enum(['pass', 'warn', 'fail', 'no-data']),
  risk: z.number().min(0).max(1),
  decidedBy: z.array(z.string()),
  change: num,
  baseline: sideSummarySchema,
  canary: sideSummarySchema,
  explanation: z.string(),
  judges: z.array(judgeResultSchema),
  chart: z.object({ baseline: chartSeriesSchema, canary: chartSeriesSchema }),
  coverage: z
    .object({ baseline: sideCoverageSchema.optional(), canary: sideCoverageSchema })
    .optional()
    .describe('Coverage of each judged side.'),
  dataIssue: z
    .object({
      cause: z.enum([
        'provider-error',
        'no-data',
        'too-little-data',
        'low-coverage',
        'missing-instances',
        'non-finite',
      ]),
      detail: z.string(),
    })
    .optional()
    .describe(
      'Why the data was not enough to judge this metric (it has no data, or failed on partial data).',
    ),
});

export const reportLogClusterSchema = z.object({
  id: z.string(),
  template: z.string(),
  classification: z.string().describe('known, unknown (new in the canary), unexpected-frequency or gone'),
  level: z.string(),
  baselineCount: z.number().int(),
  canaryCount: z.number().int(),
  risk: z.number().min(0).max(1),
  samples: z.array(z.string()),
  feedback: z.string().optional().describe('Feedback rule applied to this cluster, with its reason.'),
});

export const reportSchema = z.object({
  schema: z.literal('vigil.report/v1'),
  id: z.string().describe('Unique id of this verification.'),
  service: z.string(),
  environment: z.string().optional(),
  version: z.string().optional(),
  verdict: z.enum(['pass', 'fail', 'inconclusive']),
  outcome: z
    .enum(['passed', 'failed', 'inconclusive', 'could-not-verify', 'cancelled'])
    .optional()
    .describe(
      'What the verification means for the deploy: passed and failed are judged answers; could-not-verify means a critical metric (every metric when none is critical) could not be judged (provider errors, no or too little data); cancelled means the run was stopped. Only passed lets a deploy through by default. Absent in reports written before it existed: read the verdict then.',
    ),
  outcomeCause: z
    .string()
    .optional()
    .describe('For could-not-verify and cancelled: what could not be judged and why (the provider error).'),
  score: z.number().min(0).max(100),
  reason: z.string(),
  status: z
    .enum(['completed', 'incomplete', 'stopped-early', 'cancelled'])
    .describe('incomplete: ran to its end with data missing (provider errors, metrics short of data).'),
  stopReason: z.string().optional(),
  strategy: z.object({ type: z.string(), reason: z.string() }),
  window: z.object({
    start: z.string().describe('ISO-8601 start of the judged canary window.'),
    end: z.string(),
    fractionJudged: z.number().min(0).max(1),
  }),
  startedAt: z.string(),
  finishedAt: z.string(),
  sensitivity: z.enum(SENSITIVITIES),
  judge: z.enum(['default', 'kayenta']),
  metrics: z.array(reportMetricSchema),
  logs: z
    .object({
      outcome: z.enum(['pass', 'warn', 'fail', 'no-data']),
      risk: z.number().min(0).max(1),
      explanation: z.string(),
      baselineEvents: z.number().int(),
      canaryEvents: z.number().int(),
      clusters: z.array(reportLogClusterSchema),
      unattributed: z
        .object({
          field: z.string().describe('The instance field these events lacked (logs.instanceField).'),
          events: z.number().int(),
          samples: z.array(z.string()),
        })
        .optional()
        .describe('Events without the instance field: placed in neither group, so never judged.'),
    })
    .optional(),
  evidence: z
    .object({
      policy: z
        .enum(['fail', 'warn', 'ignore'])
        .describe('policy.evidence: what an alert does to the verdict.'),
      outcome: z
        .enum(['pass', 'warn', 'fail', 'no-data'])
        .describe(
          'pass: none raised; warn/fail: raised, by the policy; no-data: a provider could not be read.',
        ),
      explanation: z.string(),
      providers: z.array(z.string()).describe('Providers asked (those with an alerting API).'),
      items: z.array(
        z.object({
          provider: z.string(),
          kind: z.enum(['problem', 'monitor']).describe('Dynatrace problem or Datadog monitor in alert.'),
          id: z.string(),
          displayId: z.string().optional(),
          title: z.string(),
          status: z.enum(['open', 'closed']),
          severity: z.string().optional(),
          impact: z.string().optional(),
          start: z.string().describe('ISO-8601 time it started (triggered).'),
          end: z.string().optional().describe('ISO-8601 time it closed; absent while open.'),
          entities: z.array(z.string()).describe('Affected entities, or the alerting monitor groups.'),
        }),
      ),
      errors: z
        .array(z.object({ provider: z.string(), message: z.string() }))
        .describe('Providers whose alerts could not be read: never taken for "no alerts".'),
    })
    .optional()
    .describe('Alerts the monitoring raised on the service during the window (policy.evidence).'),
  timeline: z.array(
    z.object({
      t: z.string(),
      verdict: z.enum(['pass', 'fail', 'inconclusive']),
      score: z.number(),
      risk: z.number(),
    }),
  ),
  errors: z.array(
    z.object({
      t: z.string(),
      metric: z.string().optional(),
      group: z.string().optional(),
      message: z.string(),
    }),
  ),
  usage: z
    .array(
      z.object({
        provider: z.string(),
        type: z.string(),
        requests: z.number().int(),
        calls: z.number().int(),
        retries: z.number().int(),
        rateLimited: z.number().int(),
        failures: z.number().int(),
        bytes: z.number().int(),
      }),
    )
    .describe('Requests each provider spent on this verification.'),
  links: z
    .object({ run: z.string().optional(), html: z.string().optional() })
    .optional()
    .describe('Where the verification ran (workflow run URL) and its HTML report.'),
});

/** A verification report, format v1. */
export type Report = z.infer<typeof reportSchema>;
export type ReportMetric = z.infer<typeof reportMetricSchema>;
export type ReportLogCluster = z.infer<typeof reportLogClusterSchema>;

/** The JSON Schema of the report (docs/report.schema.json; `vigil schema --report`). */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(reportSchema, { target: 'draft-2020-12' }),
    $id: 'https://vigil.dev/schemas/report-v1.json',
    title: 'Vigil verification report',
  };
}
