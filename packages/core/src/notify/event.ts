/**
 * What a finished verification tells its notification targets: which event it is (fail, inconclusive,
 * recovery, pass), which targets want it, and the content every payload is built from. Pure: the runtime
 * sends, the Backstage backend decides its own transitions from stored health.
 */
import type { Outcome } from '../model/verdict.ts';
import type { Report } from '../report/schema.ts';
import type { NotifyEvent, NotifyTarget } from '../spec/schema.ts';

/** Every outcome of a verification, in the order the report schema lists them. */
export const OUTCOMES = [
  'passed',
  'failed',
  'inconclusive',
  'could-not-verify',
  'cancelled',
] as const satisfies readonly Outcome[];

/** Outcomes after which a pass is a recovery: the deploy (or service) was not known good. */
const NOT_GOOD: ReadonlySet<Outcome> = new Set(['failed', 'inconclusive', 'could-not-verify']);

/**
 * The event of a verification's outcome. A pass is a `recovery` only when the previous outcome of the same
 * service and environment is known and was failed, inconclusive or could-not-verify; an unknown previous
 * outcome (undefined) never makes a recovery up. A previous `cancelled` says nothing about the service, so
 * a pass after it is a plain pass. Inconclusive, could-not-verify and cancelled are all `inconclusive`: the
 * deploy was not judged good (the payload carries the exact outcome).
 */
export function notifyEventOf(outcome: Outcome, previous?: Outcome): NotifyEvent {
  if (outcome === 'failed') return 'fail';
  if (outcome === 'passed') return previous !== undefined && NOT_GOOD.has(previous) ? 'recovery' : 'pass';
  return 'inconclusive';
}

/** Whether a target asked for an event; a recovery is also a pass, so `on: [pass]` receives it. */
export function wantsEvent(target: Pick<NotifyTarget, 'on'>, event: NotifyEvent): boolean {
  return target.on.includes(event) || (event === 'recovery' && target.on.includes('pass'));
}

/** The outcome of a report; reports written before `outcome` existed are read from their verdict. */
export function outcomeOfReport(report: Pick<Report, 'outcome' | 'verdict'>): Outcome {
  if (report.outcome) return report.outcome;
  return report.verdict === 'pass' ? 'passed' : report.verdict === 'fail' ? 'failed' : 'inconclusive';
}

/** The metric (or the logs, or the alerts) that decided the outcome, with why. */
export interface DecidingItem {
  /** A metric's name, "logs" or "alerts". */
  name: string;
  outcome: 'pass' | 'warn' | 'fail' | 'no-data';
  explanation: string;
}

/** Everything a notification says; each payload type renders it (payloads.ts). */
export interface NotificationContent {
  event: NotifyEvent;
  service: string;
  environment?: string;
  version?: string;
  verdict: Report['verdict'];
  outcome: Outcome;
  /** The outcome before this one, when known (what a recovery recovered from). */
  previousOutcome?: Outcome;
  score: number;
  reason: string;
  /** For could-not-verify and cancelled: what could not be judged and why. */
  cause?: string;
  deciding?: DecidingItem;
  /** `run`: where the verification ran (workflow run URL); `report`: the HTML report (URL or file path). */
  links: { run?: string; report?: string };
  reportId: string;
  finishedAt: string;
}

export interface NotificationContext {
  event: NotifyEvent;
  previousOutcome?: Outcome;
  links?: { run?: string; report?: string };
}

/** The content of the notification of a report. */
export function notificationContent(report: Report, ctx: NotificationContext): NotificationContent {
  const outcome = outcomeOfReport(report);
  const deciding = decidingItem(report, outcome);
  const links = { ...(report.links?.run ? { run: report.links.run } : {}), ...definedLinks(ctx.links) };
  return {
    event: ctx.event,
    service: report.service,
    ...(report.environment ? { environment: report.environment } : {}),
    ...(report.version ? { version: report.version } : {}),
    verdict: report.verdict,
    outcome,
    ...(ctx.previousOutcome ? { previousOutcome: ctx.previousOutcome } : {}),
    score: report.score,
    reason: report.reason,
    ...(report.outcomeCause && report.outcomeCause !== report.reason ? { cause: report.outcomeCause } : {}),
    ...(deciding ? { deciding } : {}),
    links,
    reportId: report.id,
    finishedAt: report.finishedAt,
  };
}

function definedLinks(links: NotificationContext['links']): { run?: string; report?: string } {
  return {
    ...(links?.run ? { run: links.run } : {}),
    ...(links?.report ? { report: links.report } : {}),
  };
}

/**
 * What decided the outcome: for a failure the riskiest failing metric (critical ones first), else the logs
 * or the alerts that failed; for could-not-verify the first required metric without a judgment; for
 * inconclusive the riskiest warning metric. A pass names none.
 */
export function decidingItem(report: Report, outcome: Outcome): DecidingItem | undefined {
  const deciding = report.metrics.filter((m) => !m.muted);
  const riskiest = (ms: typeof deciding) =>
    [...ms].sort((a, b) => Number(b.critical) - Number(a.critical) || b.risk - a.risk)[0];
  const item = (m: (typeof deciding)[number] | undefined): DecidingItem | undefined =>
    m && { name: m.metric, outcome: m.outcome, explanation: m.explanation };
  if (outcome === 'failed') {
    const metric = item(riskiest(deciding.filter((m) => m.outcome === 'fail')));
    if (metric) return metric;
    if (report.logs?.outcome === 'fail')
      return { name: 'logs', outcome: 'fail', explanation: report.logs.explanation };
    if (report.evidence?.outcome === 'fail')
      return { name: 'alerts', outcome: 'fail', explanation: report.evidence.explanation };
    return undefined;
  }
  if (outcome === 'could-not-verify') {
    const critical = deciding.filter((m) => m.critical);
    const required = critical.length > 0 ? critical : deciding;
    return item(required.find((m) => m.outcome === 'no-data' || m.dataIssue !== undefined));
  }
  if (outcome === 'inconclusive') {
    return (
      item(riskiest(deciding.filter((m) => m.outcome === 'warn'))) ??
      item(deciding.find((m) => m.outcome === 'no-data'))
    );
  }
  return undefined;
}
