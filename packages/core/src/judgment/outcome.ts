/**
 * The outcome of a verification: what it means for the deploy, as opposed to the statistical verdict.
 *
 * A verdict can read "pass" although the metric that mattered was never judged (its queries failed, or it
 * had no data and the rest passed). A deploy gate must not turn that green, so the outcome separates a judged
 * answer from no answer. In order of precedence:
 *
 * 1. `cancelled`: the run was cancelled. It never passes, whatever the data so far showed.
 * 2. `failed`: the verdict is fail on judged evidence (a metric or the logs failed, or an alert under
 *    `policy.evidence: fail`). A regression that was seen stays a failure even when another metric could not
 *    be judged: the deploy is bad either way, and the configured failure action (a rollback) must happen.
 * 3. `could-not-verify`: a required metric could not be judged. Required are the critical metrics; when no
 *    metric is marked critical, every metric that is not muted is required (the safe reading: nothing was
 *    declared unimportant, so everything is). A metric could not be judged when its outcome is `no-data`,
 *    when it carries a data issue (too little data, low coverage, missing instances, non-finite values,
 *    provider errors), or when a provider error hit one of its queries during the run. A verification
 *    without metrics could not verify when its logs had no data. A verdict of fail that comes only from the
 *    no-data policy is also `could-not-verify` (no regression was seen).
 * 4. `passed`, `failed` (Kayenta scores), or `inconclusive`, as the verdict says.
 */
import type { DataIssue, MetricOutcome, Outcome, Verdict } from '../model/verdict.ts';

/** What the outcome is decided from: the fields a judgment, a run and a report all have. */
export interface OutcomeInput {
  verdict: Verdict;
  status: 'completed' | 'incomplete' | 'stopped-early' | 'cancelled';
  /** Why the run ended early or was cancelled. */
  stopReason?: string;
  metrics: {
    metric: string;
    outcome: MetricOutcome;
    critical: boolean;
    muted: boolean;
    explanation: string;
    dataIssue?: DataIssue;
  }[];
  logs?: { outcome: MetricOutcome; explanation: string };
  /** Alerts raised during the window; a `fail` outcome (policy.evidence fail) is judged evidence of failure. */
  evidence?: { outcome: MetricOutcome };
  /** Fetches that failed during the run (the provider's error message). */
  errors: { metric?: string; message: string }[];
}

export interface VerificationOutcome {
  outcome: Outcome;
  /**
   * For `could-not-verify` and `cancelled`: one sentence naming what could not be judged and why (the
   * provider's error), for annotations and the step's failure message.
   */
  cause?: string;
  /** For `could-not-verify`: the metrics that could not be judged. */
  unjudged?: string[];
}

/** Decides the outcome of a verification (see the module comment for the rules). */
export function verificationOutcome(input: OutcomeInput): VerificationOutcome {
  if (input.status === 'cancelled') {
    return {
      outcome: 'cancelled',
      cause: `the verification was cancelled${input.stopReason ? ` (${input.stopReason})` : ''}; a cancelled verification never passes`,
    };
  }
  const deciding = input.metrics.filter((m) => !m.muted);
  const evidenceOfFailure =
    deciding.some((m) => m.outcome === 'fail') ||
    input.logs?.outcome === 'fail' ||
    input.evidence?.outcome === 'fail';
  if (input.verdict === 'fail' && evidenceOfFailure) return { outcome: 'failed' };

  const critical = deciding.filter((m) => m.critical);
  const required = critical.length > 0 ? critical : deciding;
  const problems: { metric: string; why: string }[] = [];
  for (const m of required) {
    const errors = input.errors.filter((e) => e.metric === m.metric);
    if (m.dataIssue) problems.push({ metric: m.metric, why: `${m.dataIssue.cause}: ${m.dataIssue.detail}` });
    else if (m.outcome === 'no-data')
      problems.push({
        metric: m.metric,
        why: errors.length > 0 ? `provider error: ${errors[errors.length - 1]!.message}` : m.explanation,
      });
    else if (errors.length > 0)
      problems.push({
        metric: m.metric,
        why: `provider error (${errors.length} failed fetch${errors.length > 1 ? 'es' : ''}): ${errors[errors.length - 1]!.message}`,
      });
  }
  if (problems.length > 0) {
    const which = critical.length > 0 ? 'critical metric' : 'metric';
    const first = problems[0]!;
    const more =
      problems.length > 1
        ? `; ${problems.length - 1} more could not be judged (${problems
            .slice(1, 4)
            .map((p) => p.metric)
            .join(', ')}${problems.length > 4 ? ', ...' : ''})`
        : '';
    return {
      outcome: 'could-not-verify',
      cause: `could not verify: ${which} "${first.metric}" could not be judged (${first.why})${more}`,
      unjudged: problems.map((p) => p.metric),
    };
  }
  if (deciding.length === 0 && (!input.logs || input.logs.outcome === 'no-data')) {
    return {
      outcome: 'could-not-verify',
      cause: input.logs
        ? `could not verify: there are no metrics and the logs had no data (${input.logs.explanation})`
        : 'could not verify: there is nothing to judge (no metrics, no logs)',
      unjudged: [],
    };
  }
  if (input.verdict === 'fail' && !evidenceOfFailure) {
    // Kayenta mode fails on the score alone; that is judged evidence too.
    const scored = deciding.some((m) => m.outcome !== 'no-data');
    if (scored && !deciding.some((m) => m.outcome === 'no-data')) return { outcome: 'failed' };
    return {
      outcome: 'could-not-verify',
      cause:
        'could not verify: the verdict is fail only because metrics had no data (the no-data policy is fail)',
      unjudged: deciding.filter((m) => m.outcome === 'no-data').map((m) => m.metric),
    };
  }
  return { outcome: input.verdict === 'pass' ? 'passed' : 'inconclusive' };
}
