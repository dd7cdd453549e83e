/**
 * The analysis of one entity over one period: fetch each metric since the detector last saw it, score the
 * new points with the entity's own streaming detectors (daily and weekly seasonality), compare the period's
 * logs with the history before it, and combine everything into a health snapshot. No database access: the
 * caller loads the detectors and feedback and stores the result.
 */
import type {
  DetectorState,
  EvidenceInput,
  EvidenceItem,
  FeedbackRule,
  LogComparison,
  LogEvent,
} from '@vigil/core';
import { compareLogs, createDetector, judgeEvidence, restoreDetector } from '@vigil/core';
import { type Provider, readEvidence } from '@vigil/providers';
import type {
  HealthSnapshot,
  LogCluster,
  LogClusterFeedback,
  LogsSummary,
  MetricRisk,
  ProblemsSummary,
  ServiceProblem,
} from '@vigil/backstage-plugin-service-guard-common';
import type { MetricSettings, ProfileSettings } from './config.ts';
import type { EntityTarget } from './entityTargets.ts';
import { applyProblems, combineHealth, metricRisk, type ScoredInstance } from './health.ts';
import { metricSeries } from './series.ts';
import type { AnalysisRecord, StoredDetector } from './store.ts';

/** A half-open analysed period, epoch ms. */
export interface Period {
  start: number;
  end: number;
}

/** Instances tracked per metric; beyond it a query is too wide for a health signal (one series per pod is plenty). */
export const MAX_INSTANCES = 50;
/** Log clusters stored per snapshot: every risky one plus the largest known ones up to this. */
const MAX_CLUSTERS = 50;
/** Alerts stored per snapshot, newest first; `total` counts them all. */
export const MAX_PROBLEMS = 50;
/** A vendor title is a line; a longer one is cut here rather than stored and shown whole. */
const MAX_TITLE = 500;

export interface AnalyseContext {
  period: Period;
  /** How far back to read metrics for a detector without memory. */
  historyMs: number;
  /** Providers by app-config name (created for this run from the current config). */
  provider(name: string): Provider;
  detectors: ReadonlyMap<string, StoredDetector>;
  feedback: readonly LogClusterFeedback[];
  now: number;
  signal?: AbortSignal;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The snapshot of an entity that cannot be analysed (bad annotation, unknown profile): no data, with why. */
export function noDataSnapshot(
  target: Extract<EntityTarget, { ok: false }>,
  period: Period,
  now: number,
): AnalysisRecord {
  return {
    snapshot: {
      entityRef: target.entityRef,
      profile: target.profileName,
      periodStart: new Date(period.start).toISOString(),
      periodEnd: new Date(period.end).toISOString(),
      analysedAt: new Date(now).toISOString(),
      state: 'no-data',
      score: null,
      reasons: [target.reason],
      metrics: [],
      logs: null,
    },
    detectors: [],
  };
}

async function analyseMetric(
  target: Extract<EntityTarget, { ok: true }>,
  metric: MetricSettings,
  ctx: AnalyseContext,
): Promise<{ risk: MetricRisk; detectors: StoredDetector[] }> {
  const profile = target.profile;
  const known = [...ctx.detectors.values()].filter((d) => d.metric === metric.name);
  const oldest = ctx.period.end - ctx.historyMs;
  // Read from just after the point the least advanced detector saw, never more than the history.
  let start = known.length > 0 ? Math.min(...known.map((d) => d.lastT + 1)) : oldest;
  start = Math.max(start, oldest);
  start = Math.min(start, ctx.period.start);
  let series: Awaited<ReturnType<Provider['fetchMetric']>>;
  try {
    series = await ctx
      .provider(profile.provider)
      .fetchMetric(
        { metric: metric.name, query: metric.query, vars: target.vars, instanceLabel: profile.instanceLabel },
        { start, end: ctx.period.end, step: profile.stepMs },
        ctx.signal ? { signal: ctx.signal } : {},
      );
  } catch (e) {
    return {
      risk: {
        metric: metric.name,
        kind: metric.kind,
        direction: metric.direction,
        ...(metric.unit !== undefined ? { unit: metric.unit } : {}),
        outcome: 'no-data',
        risk: 0,
        points: 0,
        alerts: 0,
        reason: `${metric.name}: ${errorText(e)}`,
      },
      detectors: [],
    };
  }
  const instances = [...series].sort((a, b) => (a.instance < b.instance ? -1 : 1)).slice(0, MAX_INSTANCES);
  const scored: ScoredInstance[] = [];
  const detectors: StoredDetector[] = [];
  for (const s of instances) {
    const stored = ctx.detectors.get(`${metric.name}\u0000${s.instance}`);
    let detector: ReturnType<typeof createDetector>;
    if (stored) {
      const state: DetectorState = { ...stored.state, sensitivity: metric.sensitivity };
      detector = restoreDetector(state);
    } else {
      detector = createDetector({ sensitivity: metric.sensitivity });
    }
    const after = stored?.lastT ?? Number.NEGATIVE_INFINITY;
    const inPeriod = [];
    let lastT = after;
    for (const p of s.points) {
      if (p.t <= after || p.t >= ctx.period.end) continue;
      const a = detector.update(p.t, p.v);
      lastT = p.t;
      if (p.t >= ctx.period.start) inPeriod.push(a);
    }
    scored.push({ instance: s.instance, points: inPeriod });
    if (lastT > after)
      detectors.push({ metric: metric.name, instance: s.instance, lastT, state: detector.snapshot() });
  }
  const risk = metricRisk(metric, scored);
  if (risk.points > 0) risk.series = metricSeries(metric.direction, scored);
  if (series.length > MAX_INSTANCES) {
    risk.reason += ` (only the first ${MAX_INSTANCES} of ${series.length} instances are tracked)`;
  }
  return { risk, detectors };
}

async function collect(it: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

/** Feedback in force: the newest entry per cluster, as rules for the log comparison. */
export function feedbackRules(feedback: readonly LogClusterFeedback[]): FeedbackRule[] {
  const seen = new Set<string>();
  const rules: FeedbackRule[] = [];
  for (const f of feedback) {
    if (seen.has(f.clusterId)) continue;
    seen.add(f.clusterId);
    rules.push({
      cluster: f.clusterId,
      action: f.action,
      reason: `${f.reason} (${f.createdBy}, ${f.createdAt.slice(0, 10)})`,
      source: 'backstage',
    });
  }
  return rules;
}

/** The period's clusters as the API sends them; `feedback` is what the comparison was given (who and when). */
function summariseLogs(c: LogComparison, feedback: readonly LogClusterFeedback[]): LogsSummary {
  const given = new Map<string, LogClusterFeedback>();
  for (const f of feedback) if (!given.has(f.clusterId)) given.set(f.clusterId, f);
  const risky = c.clusters.filter((x) => x.class !== 'known' || x.risk > 0 || x.feedback);
  const known = c.clusters.filter((x) => !risky.includes(x));
  const kept = [...risky, ...known].slice(0, MAX_CLUSTERS);
  return {
    outcome: c.outcome,
    risk: c.risk,
    explanation: c.explanation,
    totals: { period: c.totals.canary, history: c.totals.baseline },
    clusters: kept.map((x): LogCluster => {
      const out: LogCluster = {
        clusterId: x.clusterId,
        template: x.template,
        class: x.class,
        level: x.level,
        count: x.canary,
        historyCount: x.baseline,
        risk: x.risk,
        samples: x.samples,
        explanation: x.explanation,
      };
      if (x.feedback) {
        const f = given.get(x.clusterId);
        out.feedback = f
          ? { action: f.action, reason: f.reason, createdBy: f.createdBy, createdAt: f.createdAt }
          : { action: x.feedback.action, reason: x.feedback.reason };
      }
      return out;
    }),
  };
}

async function analyseLogs(
  target: Extract<EntityTarget, { ok: true }>,
  logs: NonNullable<ProfileSettings['logs']>,
  ctx: AnalyseContext,
): Promise<LogsSummary> {
  const noData = (explanation: string): LogsSummary => ({
    outcome: 'no-data',
    risk: 0,
    explanation,
    totals: { period: 0, history: 0 },
    clusters: [],
  });
  try {
    const provider = ctx.provider(logs.provider);
    if (!provider.fetchLogs) return noData(`provider "${logs.provider}" (${provider.type}) has no logs API`);
    const query = {
      query: logs.query,
      vars: target.vars,
      limit: logs.limit,
      ...(logs.instanceField !== undefined ? { instanceField: logs.instanceField } : {}),
    };
    const opts = ctx.signal ? { signal: ctx.signal } : {};
    const [history, current] = await Promise.all([
      collect(
        provider.fetchLogs(query, { start: ctx.period.start - logs.historyMs, end: ctx.period.start }, opts),
      ),
      collect(provider.fetchLogs(query, { start: ctx.period.start, end: ctx.period.end }, opts)),
    ]);
    const comparison = compareLogs(history, current, {
      feedback: feedbackRules(ctx.feedback),
      sensitivity: logs.sensitivity,
    });
    return summariseLogs(comparison, ctx.feedback);
  } catch (e) {
    return noData(`logs: ${errorText(e)}`);
  }
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function serviceProblem(i: EvidenceItem): ServiceProblem {
  return {
    provider: i.provider,
    kind: i.kind,
    id: i.id,
    ...(i.displayId !== undefined ? { displayId: i.displayId } : {}),
    title: i.title,
    status: i.status,
    ...(i.severity !== undefined ? { severity: i.severity } : {}),
    ...(i.impact !== undefined ? { impact: i.impact } : {}),
    start: new Date(i.start).toISOString(),
    ...(i.end !== undefined ? { end: new Date(i.end).toISOString() } : {}),
    entities: i.entities.slice(0, 20),
  };
}

/**
 * The alerts the profile's providers (metrics and logs) raised on the entity during the period, read
 * through the providers' own alerting APIs and judged by core's evidence rules under the profile's
 * `evidence` policy. Undefined when it is `ignore` or no provider has such an API. Never throws: a provider
 * that cannot be read is recorded in `errors`, beside what the others returned.
 */
async function analyseProblems(
  target: Extract<EntityTarget, { ok: true }>,
  ctx: AnalyseContext,
): Promise<ProblemsSummary | undefined> {
  const profile = target.profile;
  if (profile.evidence === 'ignore') return undefined;
  const names = [...new Set([profile.provider, ...(profile.logs ? [profile.logs.provider] : [])])];
  const input: EvidenceInput = { policy: profile.evidence, items: [], providers: [], errors: [] };
  const { service, dynatraceEntityId } = target.vars;
  const seen = new Set<string>();
  for (const name of names) {
    try {
      const found = await readEvidence(ctx.provider(name), name, ctx.period, {
        ...(typeof service === 'string' ? { service } : {}),
        ...(typeof dynatraceEntityId === 'string' ? { entityId: dynatraceEntityId } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      if (found === undefined) continue;
      input.providers.push(name);
      for (const i of found) {
        const key = `${name}\u0000${i.kind}\u0000${i.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        input.items.push({ ...i, title: cut(i.title, MAX_TITLE) });
      }
    } catch (e) {
      input.providers.push(name);
      input.errors.push({ provider: name, message: cut(errorText(e), 1000) });
    }
  }
  if (input.providers.length === 0) return undefined;
  // Newest first, open before closed at the same start.
  input.items.sort((a, b) => b.start - a.start || (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1));
  const judged = judgeEvidence(input);
  return {
    policy: profile.evidence,
    outcome: judged.outcome,
    explanation: judged.explanation,
    providers: input.providers,
    items: input.items.slice(0, MAX_PROBLEMS).map(serviceProblem),
    total: input.items.length,
    errors: input.errors,
  };
}

/** Analyses one entity over `ctx.period`. Never throws for a provider failure: that is no data, with why. */
export async function analyseEntity(
  target: Extract<EntityTarget, { ok: true }>,
  ctx: AnalyseContext,
): Promise<AnalysisRecord> {
  const profile = target.profile;
  const results = await Promise.all(profile.metrics.map((m) => analyseMetric(target, m, ctx)));
  // Neither throws; the alerts are read beside the logs rather than after them.
  const [logs, problems] = await Promise.all([
    profile.logs ? analyseLogs(target, profile.logs, ctx) : null,
    analyseProblems(target, ctx),
  ]);
  const health = applyProblems(
    combineHealth(
      results.map((r, i) => ({ risk: r.risk, settings: profile.metrics[i]! })),
      logs,
    ),
    problems,
  );
  const snapshot: HealthSnapshot = {
    entityRef: target.entityRef,
    profile: profile.name,
    periodStart: new Date(ctx.period.start).toISOString(),
    periodEnd: new Date(ctx.period.end).toISOString(),
    analysedAt: new Date(ctx.now).toISOString(),
    state: health.state,
    score: health.score,
    reasons: health.reasons,
    metrics: results.map((r) => r.risk),
    logs,
    ...(problems ? { problems } : {}),
  };
  return { snapshot, detectors: results.flatMap((r) => r.detectors) };
}
