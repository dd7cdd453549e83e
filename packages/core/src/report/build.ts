import type { VerificationResult } from '../engine/run.ts';
import type { EvidenceJudgment } from '../model/evidence.ts';
import type { MetricSeries } from '../model/metric.ts';
import { logsForReport } from './logs.ts';
import type { Report, ReportMetric } from './schema.ts';

/** What the entry point knows beyond the run itself. */
export interface ReportContext {
  id: string;
  service: string;
  environment?: string;
  version?: string;
  sensitivity: Report['sensitivity'];
  judge: Report['judge'];
  usage?: Report['usage'];
  links?: Report['links'];
}

/** Turns a finished run into the versioned report every output (JSON, Markdown, HTML, Backstage) renders from. */
export function buildReport(result: VerificationResult, ctx: ReportContext): Report {
  const iso = (t: number) => new Date(t).toISOString();
  const dataOf = new Map(result.data.map((d) => [d.metric, d]));
  const metrics: ReportMetric[] = result.judgment.metrics.map((m) => {
    const d = dataOf.get(m.metric);
    return {
      metric: m.metric,
      kind: m.definition.kind,
      direction: m.definition.direction,
      ...(m.definition.unit ? { unit: m.definition.unit } : {}),
      ...(m.definition.unitSource ? { unitSource: m.definition.unitSource } : {}),
      critical: m.definition.critical ?? false,
      muted: m.muted,
      sensitivity: m.sensitivity,
      outcome: m.outcome,
      risk: m.risk,
      decidedBy: m.decidedBy,
      change: finiteOrNull(m.change),
      baseline: m.baseline,
      canary: m.canary,
      explanation: m.explanation,
      judges: m.judges.map((j) => ({
        ...j,
        evidence: Object.fromEntries(
          Object.entries(j.evidence).map(([k, v]) => [k, typeof v === 'number' ? finiteOrNull(v) : v]),
        ),
      })),
      chart: { baseline: perMinuteMean(d?.baseline ?? []), canary: perMinuteMean(d?.canary ?? []) },
      ...(m.coverage ? { coverage: m.coverage } : {}),
      ...(m.dataIssue ? { dataIssue: m.dataIssue } : {}),
    };
  });
  return {
    schema: 'vigil.report/v1',
    id: ctx.id,
    service: ctx.service,
    ...(ctx.environment ? { environment: ctx.environment } : {}),
    ...(ctx.version ? { version: ctx.version } : {}),
    verdict: result.judgment.verdict,
    outcome: result.outcome.outcome,
    ...(result.outcome.cause ? { outcomeCause: result.outcome.cause } : {}),
    score: Math.round(result.judgment.score * 10) / 10,
    reason: result.judgment.reason,
    status: result.status,
    ...(result.stopReason ? { stopReason: result.stopReason } : {}),
    strategy: { type: result.plan.strategy, reason: result.plan.reason },
    window: {
      start: iso(result.plan.analysisStart),
      end: iso(result.plan.analysisEnd),
      fractionJudged: Math.min(1, Math.max(0, result.fractionJudged)),
    },
    startedAt: iso(result.startedAt),
    finishedAt: iso(result.finishedAt),
    sensitivity: ctx.sensitivity,
    judge: ctx.judge,
    metrics,
    ...(result.logs ? { logs: logsForReport(result.logs) } : {}),
    ...(result.judgment.evidence ? { evidence: evidenceForReport(result.judgment.evidence) } : {}),
    timeline: result.timeline.map((p) => ({ t: iso(p.t), verdict: p.verdict, score: p.score, risk: p.risk })),
    errors: result.errors.map((e) => ({ ...e, t: iso(e.t) })),
    usage: ctx.usage ?? [],
    ...(ctx.links ? { links: ctx.links } : {}),
  };
}

function evidenceForReport(e: EvidenceJudgment): NonNullable<Report['evidence']> {
  const iso = (t: number) => new Date(t).toISOString();
  return {
    policy: e.policy,
    outcome: e.outcome,
    explanation: e.explanation,
    providers: e.providers,
    items: e.items.map(({ start, end, ...i }) => ({
      ...i,
      start: iso(start),
      ...(end !== undefined ? { end: iso(end) } : {}),
    })),
    errors: e.errors,
  };
}

function finiteOrNull(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}

/** Mean across instances at each timestamp: one line per group in charts. */
export function perMinuteMean(series: MetricSeries[]): [number, number | null][] {
  const acc = new Map<number, { sum: number; n: number }>();
  for (const s of series) {
    for (const p of s.points) {
      const a = acc.get(p.t) ?? { sum: 0, n: 0 };
      if (Number.isFinite(p.v)) {
        a.sum += p.v;
        a.n++;
      }
      acc.set(p.t, a);
    }
  }
  return [...acc.entries()].sort((a, b) => a[0] - b[0]).map(([t, a]) => [t, a.n > 0 ? a.sum / a.n : null]);
}
