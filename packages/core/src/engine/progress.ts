import { formatDuration } from '../spec/duration.ts';
import type { Progress } from './run.ts';

/**
 * One human line for a progress report, as the CLI (stderr) and the Action (job log) print it:
 * `[14:03:00] <message> · 12m left` while polling, `[14:03:00] <phase>: <message>` otherwise. Time is UTC.
 */
export function progressLine(p: Progress): string {
  const at = new Date(p.now).toISOString().slice(11, 19);
  const left = p.remaining > 0 ? ` · ${formatDuration(p.remaining)} left` : '';
  return `[${at}] ${p.phase === 'polling' ? '' : `${p.phase}: `}${p.message}${p.phase === 'polling' ? left : ''}`;
}
