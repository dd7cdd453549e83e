import { InputError } from '../errors.ts';
import type { LogEvent } from '../model/log.ts';
import { detectLevel, normaliseLevel } from './level.ts';

/** A line of a log file that could not be read; the message names the line and the field. */
export class LogInputError extends InputError {
  override name = 'LogInputError';
}

/**
 * Reads log events from text: JSON Lines of LogEvent-like objects (`{"t":..., "message":..., "level":...}`;
 * `msg`, `content` and `severity` are accepted too; `t` as epoch ms or an ISO date) or plain text, one
 * message per line, with the level detected from the text. Blank lines are skipped.
 */
export function parseLogText(text: string, sourceName = 'input'): LogEvent[] {
  const events: LogEvent[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    if (line.trimStart().startsWith('{')) events.push(fromJson(line, `${sourceName}:${i + 1}`));
    else events.push({ t: 0, message: line, level: detectLevel(line) });
  }
  return events;
}

function fromJson(line: string, where: string): LogEvent {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch (e) {
    throw new LogInputError(
      `${where}: not valid JSON (${(e as Error).message}); write one JSON object or one plain message per line`,
    );
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    throw new LogInputError(`${where}: expected a JSON object with a "message" field`);
  }
  const r = o as Record<string, unknown>;
  const message = r.message ?? r.msg ?? r.content;
  if (typeof message !== 'string') throw new LogInputError(`${where}: "message" must be a string`);
  let t = 0;
  if (typeof r.t === 'number') t = r.t;
  else if (typeof r.t === 'string') {
    t = Date.parse(r.t);
    if (Number.isNaN(t))
      throw new LogInputError(`${where}: "t" must be epoch milliseconds or an ISO date, got "${r.t}"`);
  }
  const levelName = r.level ?? r.severity;
  const level = typeof levelName === 'string' ? normaliseLevel(levelName) : detectLevel(message);
  const event: LogEvent = { t, message, level };
  if (typeof r.instance === 'string') event.instance = r.instance;
  if (r.group === 'baseline' || r.group === 'canary') event.group = r.group;
  return event;
}
