/**
 * What `vigil serve` answers about a verification, and how the deploy tools that call it read that answer.
 * The rule everywhere: only a verification that ended `passed` reads as a pass. Running, failed,
 * inconclusive, could-not-verify, cancelled and error never do (docs/serve.md has the tables). Pure.
 */
import type { Outcome, Verdict } from '../model/verdict.ts';

/** Where a verification is: still `running`, or ended (`completed` with an outcome, `cancelled`, `error`). */
export type ServePhase = 'running' | 'completed' | 'cancelled' | 'error';

/**
 * The JSON state of one verification: what POST /v1/verifications and GET /v1/verifications/{id} return.
 * Flat booleans so that an Argo Rollouts `successCondition: result.passed == true` and
 * `failureCondition: result.failed == true || result.inconclusive == true` read it directly.
 */
export interface VerificationState {
  id: string;
  spec: string;
  key: string;
  vars: Record<string, string>;
  phase: ServePhase;
  /** The verification has ended (every phase but running). */
  done: boolean;
  /** The outcome once ended (an error is `could-not-verify`), else null. */
  outcome: Outcome | null;
  /** Ended, outcome `passed`. The only state that reads as a pass. */
  passed: boolean;
  /** Ended, outcome `failed`: a regression was seen. */
  failed: boolean;
  /** Ended without a judged answer: inconclusive, could-not-verify, cancelled, or an error. */
  inconclusive: boolean;
  verdict: Verdict | null;
  /** 0..100 once ended (a verification that errored has none). */
  score: number | null;
  /** One line: the verdict's reason, the error, or the progress so far. */
  reason: string;
  /** While running: polls done of planned, and the time left. */
  progress: { poll: number; polls: number; remainingSeconds: number } | null;
  fractionJudged: number | null;
  startedAt: string;
  finishedAt: string | null;
  links: { self: string; report: string };
}

/** The phase and outcome a finished verification reads as, from its report (or the error that ended it). */
export function endedState(
  ended: { report: { status: string; outcome?: Outcome; verdict: Verdict } } | { error: string },
): Pick<VerificationState, 'phase' | 'outcome' | 'passed' | 'failed' | 'inconclusive' | 'done'> {
  if ('error' in ended)
    return {
      phase: 'error',
      outcome: 'could-not-verify',
      done: true,
      passed: false,
      failed: false,
      inconclusive: true,
    };
  const { report } = ended;
  // A report without an outcome is an older format: only a judged pass verdict of a run that was not cancelled passes.
  const outcome: Outcome =
    report.outcome ??
    (report.status === 'cancelled'
      ? 'cancelled'
      : report.verdict === 'pass'
        ? 'passed'
        : report.verdict === 'fail'
          ? 'failed'
          : 'inconclusive');
  return {
    phase: report.status === 'cancelled' || outcome === 'cancelled' ? 'cancelled' : 'completed',
    outcome,
    done: true,
    passed: outcome === 'passed',
    failed: outcome === 'failed',
    inconclusive: outcome !== 'passed' && outcome !== 'failed',
  };
}

/** The Flagger webhook types `vigil serve` answers, by the path /v1/flagger/<type>. */
export const FLAGGER_HOOKS = ['pre-rollout', 'rollout', 'confirm-promotion', 'rollback'] as const;
export type FlaggerHook = (typeof FLAGGER_HOOKS)[number];

/**
 * The HTTP status Flagger gets. Flagger takes 200-202 as "yes" and anything else as "no":
 * - `pre-rollout`, `rollout` (called every analysis interval): yes while running or passed, so that traffic
 *   advances while Vigil watches; no (412) once it ended without passing, so the failed checks add up to
 *   the canary's threshold and Flagger rolls back.
 * - `confirm-promotion` (the gate): yes only when passed; no while running (409: Flagger waits and asks
 *   again) and when it ended without passing (412).
 * - `rollback`: yes (roll back now) once it ended without passing; no (409) while running or passed.
 */
export function flaggerStatus(hook: FlaggerHook, state: Pick<VerificationState, 'done' | 'passed'>): number {
  const endedWithoutPass = state.done && !state.passed;
  switch (hook) {
    case 'pre-rollout':
    case 'rollout':
      return endedWithoutPass ? 412 : 200;
    case 'confirm-promotion':
      return state.passed ? 200 : endedWithoutPass ? 412 : 409;
    case 'rollback':
      return endedWithoutPass ? 200 : 409;
  }
}
