/**
 * `vigil verify --notify-state FILE`: the last outcome per service and environment, kept in a small JSON
 * file between runs (a cron job, a CI cache), so that a pass after a failure can be told as a recovery.
 * A missing or unreadable file means the previous outcome is unknown, and an unknown one never makes a
 * recovery; it never stops a verification.
 */
import { readFile } from 'node:fs/promises';
import { OUTCOMES, type Outcome, outcomeOfReport, type Report, type Spec } from '@vigil/core';
import { writeFileAtomic } from './files.ts';

/** The file's content: `{ "schema": "vigil.notify-state/v1", "last": { "<service>/<environment>": ... } }`. */
interface NotifyState {
  schema: 'vigil.notify-state/v1';
  last: Record<string, { outcome: Outcome; reportId: string; finishedAt: string }>;
}

function keyOf(spec: Pick<Spec, 'service' | 'environment'>): string {
  return `${spec.service}/${spec.environment ?? ''}`;
}

async function readState(file: string): Promise<NotifyState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as NotifyState;
    if (parsed?.schema === 'vigil.notify-state/v1' && parsed.last && typeof parsed.last === 'object')
      return parsed;
  } catch {}
  return undefined;
}

/** The last outcome recorded for the spec's service and environment; undefined when unknown. */
export async function previousOutcomeOf(
  file: string,
  spec: Pick<Spec, 'service' | 'environment'>,
): Promise<Outcome | undefined> {
  const outcome = (await readState(file))?.last[keyOf(spec)]?.outcome;
  return outcome !== undefined && (OUTCOMES as readonly string[]).includes(outcome) ? outcome : undefined;
}

/**
 * Records the report's outcome for its service and environment, keeping the other entries. A cancelled
 * run says nothing about the service, so it leaves the previous outcome in place.
 */
export async function recordOutcome(
  file: string,
  spec: Pick<Spec, 'service' | 'environment'>,
  report: Report,
): Promise<void> {
  const outcome = outcomeOfReport(report);
  if (outcome === 'cancelled') return;
  const state: NotifyState = (await readState(file)) ?? { schema: 'vigil.notify-state/v1', last: {} };
  state.last[keyOf(spec)] = { outcome, reportId: report.id, finishedAt: report.finishedAt };
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}
