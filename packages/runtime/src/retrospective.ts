/**
 * Retrospective runs: a deployment that already happened is verified against the live providers at once. The
 * engine runs exactly as it would have live (same plan, same polls, same early stops), on a clock that jumps
 * from poll to poll because every poll's data already exists: the judgment is the one a live run would have
 * made, without the wait.
 */
import {
  type Clock,
  formatDuration,
  InputError,
  providerOf,
  parseDuration,
  type Plan,
  type Spec,
} from '@vigil/core';
import type { Provider } from '@vigil/providers';
import { wallClock } from './clock.ts';

/** A usage error (exit 3, one line) about the window of a retrospective run. */
export class WindowError extends InputError {
  override name = 'WindowError';
}

/**
 * A time given on the command line, in epoch ms: ISO 8601 (`2026-12-02T10:00:00Z`), epoch seconds, `now`,
 * or relative to now (`-2h`, `-90m`, `now-1h30m`). `what` names the option in the error.
 */
export function parseTimeArg(value: string, now: number, what: string): number {
  const v = value.trim();
  if (v === 'now') return now;
  const rel = /^(?:now)?-(.+)$/.exec(v);
  if (rel) {
    try {
      return now - parseDuration(rel[1]!);
    } catch {
      // Not a duration: fall through to the message below.
    }
  } else if (/^\d+(\.\d+)?$/.test(v)) {
    return Math.round(Number(v) * 1000);
  } else if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  throw new WindowError(
    `${what} "${value}" is not a time; write an ISO 8601 time (2026-12-02T10:00:00Z), epoch seconds, "now" or a time before now such as "-2h"`,
  );
}

export interface RetrospectiveWindow {
  /** When the run is taken to have started (the deploy, for before/after strategies). */
  startedAt: number;
  /** The spec with its duration set so that the judged window ends at or before `end`. */
  spec: Spec;
}

/**
 * The run that verifies `[start, end]` in the past: it starts at `start`, waits the spec's initial delay as a
 * live run would, and judges whole intervals up to `end` (default: the spec's duration). Refuses a window
 * that is not wholly in the past, ends before it starts, or holds fewer than two intervals.
 */
export function retrospectiveWindow(
  spec: Spec,
  window: { start: number; end?: number },
  now: number,
): RetrospectiveWindow {
  const { start } = window;
  const iso = (t: number) => new Date(t).toISOString();
  if (start > now)
    throw new WindowError(
      `--start ${iso(start)} is in the future; a retrospective run verifies a window that has already ended (omit --start and --end to verify live)`,
    );
  if (window.end === undefined) {
    const end = start + parseDuration(spec.initialDelay) + parseDuration(spec.duration);
    if (end > now)
      throw new WindowError(
        `the window from --start ${iso(start)} (initial delay ${formatDuration(parseDuration(spec.initialDelay))}, duration ${formatDuration(parseDuration(spec.duration))}) ends at ${iso(end)}, in the future; give an earlier --start or an --end`,
      );
    return { startedAt: start, spec };
  }
  const end = window.end;
  if (end <= start)
    throw new WindowError(
      `--end ${iso(end)} is not after --start ${iso(start)}; the window must end after it starts`,
    );
  if (end > now)
    throw new WindowError(
      `--end ${iso(end)} is in the future; a retrospective run verifies a window that has already ended (give an --end up to now, or omit --start and --end to verify live)`,
    );
  const step = parseDuration(spec.interval);
  // Where the plan will start judging (see planVerification): after the initial delay, on the step grid.
  const analysisStart = Math.ceil((start + parseDuration(spec.initialDelay)) / step) * step;
  const polls = Math.floor((end - analysisStart) / step);
  if (polls < 2)
    throw new WindowError(
      `the window ${iso(start)} to ${iso(end)} holds ${Math.max(0, polls)} whole interval(s) of ${formatDuration(step)} after the initial delay of ${formatDuration(parseDuration(spec.initialDelay))}; it needs at least two`,
    );
  return { startedAt: start, spec: { ...spec, duration: `${(polls * step) / 1000}s` } };
}

/**
 * For the Action's `deployed-at` (the spec's `strategy.deployedAt`): the deploy time when the whole window a
 * run from it would judge (initial delay, then the duration) has already passed, so that the run verifies that
 * window at once instead of a new one from now; undefined otherwise (a live run).
 */
export function pastDeployStart(spec: Spec, now: number): number | undefined {
  const at = spec.strategy.deployedAt;
  if (at === undefined) return undefined;
  const t = typeof at === 'number' ? at * 1000 : Date.parse(at);
  if (!Number.isFinite(t)) return undefined;
  const step = parseDuration(spec.interval);
  const analysisStart = Math.ceil((t + parseDuration(spec.initialDelay)) / step) * step;
  const end = analysisStart + Math.max(1, Math.ceil(parseDuration(spec.duration) / step)) * step;
  return end <= now ? t : undefined;
}

/**
 * Refuses a run whose data starts before a provider it queries keeps data (Prometheus' storage retention,
 * Datadog's 15 months, Dynatrace's roll-up at the run's step): it would be judged on a hole, not on the deploy.
 * A provider that cannot say is not checked.
 */
export async function checkRetention(
  spec: Spec,
  plan: Plan,
  providers: Map<string, Provider>,
  now: number,
  signal?: AbortSignal,
): Promise<void> {
  const earliest = Math.min(plan.analysisStart, plan.baselineWindow?.start ?? Number.POSITIVE_INFINITY);
  const used = new Set(spec.metrics.map((m) => providerOf(spec, m.provider)));
  for (const name of used) {
    const provider = providers.get(name);
    if (!provider?.retention) continue;
    let kept: number | undefined;
    try {
      // Asked once, briefly: a provider that cannot say in 10 s is not checked, and the run goes on.
      const bounded = AbortSignal.any([AbortSignal.timeout(10_000), ...(signal ? [signal] : [])]);
      kept = await provider.retention(plan.step, { signal: bounded });
    } catch {
      // Unknown retention: the fetches themselves will say what is missing.
      continue;
    }
    if (kept !== undefined && earliest < now - kept)
      throw new WindowError(
        `the run needs data from ${new Date(earliest).toISOString()} (${formatDuration(now - earliest)} ago), but provider "${name}" keeps ${formatDuration(kept)}${provider.type === 'dynatrace' ? ` at a ${formatDuration(plan.step)} step` : ''}; verify a more recent window`,
      );
  }
}

/**
 * A clock that starts at `start` in the past and jumps over every wait that ends before the wall clock (the
 * data of those polls already exists), then waits for real: a window partly in the past catches up at once and
 * continues live, with the same polls a live run would have made.
 */
export function catchUpClock(start: number, wall: Clock = wallClock): Clock {
  let virtual = start;
  let live = false;
  return {
    now: () => (live ? wall.now() : virtual),
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      if (live) return wall.sleep(ms, signal);
      const target = virtual + Math.max(0, ms);
      const wallNow = wall.now();
      if (target <= wallNow) {
        virtual = target;
        return;
      }
      live = true;
      await wall.sleep(target - wallNow, signal);
    },
  };
}
