/**
 * One order of precedence for the rules that decide a metric, the same for the early decisions the engine
 * takes after every poll and for the final judgment (docs/engine.md, "Order of precedence"):
 *
 * 1. fail-fast: a fired rule fails the metric whatever else holds, and ends the run even with
 *    `policy.earlyStop: false` (it is the user's explicit instruction);
 * 2. mute: a muted metric is judged and reported like the others (a fired fail-fast rule included: "would
 *    fail"), but never decides the verdict and never ends the run;
 * 3. ignore: a matching ignore rule passes the metric; neither the statistics nor an early stop can fail it;
 * 4. statistics: the judges decide the metric at the end of the window;
 * 5. early stop: an anytime-valid test may end the run early with a fail, only on a metric that none of the
 *    rules above decided, and only for a change the statistics would count (at least the minimum change);
 *    at the last poll the statistics alone decide.
 *
 * Every rule is evaluated on the data the decision sees: early decisions on the data so far, the final
 * judgment on all of it.
 */
import type { MetricJudgment } from '../model/verdict.ts';

/** The rule that decided a judged metric, if one did: a fired fail-fast rule, or a matching ignore rule. */
export function decidingRule(m: MetricJudgment): 'fail-fast' | 'ignore' | undefined {
  const t = m.judges.find((j) => j.judge === 'threshold');
  if (!t) return undefined;
  if (t.outcome === 'fail' && t.evidence.failFast === true) return 'fail-fast';
  if (t.evidence.ignored === true) return 'ignore';
  return undefined;
}

/** A fired fail-fast rule on a metric that decides (not muted): it ends the run with a fail. */
export function endsRunByFailFast(m: MetricJudgment): boolean {
  return !m.muted && decidingRule(m) === 'fail-fast';
}

/** Whether an anytime-valid test may end the run on this metric: only when no rule above decided it. */
export function mayStopEarly(m: MetricJudgment): boolean {
  return !m.muted && decidingRule(m) === undefined;
}
