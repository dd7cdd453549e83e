import type { LogLevel } from '../model/log.ts';

/** Severity order used for risk: error > warn > info > debug; unknown counts as info. */
export const LEVEL_RANK: Record<LogLevel, number> = { error: 3, warn: 2, info: 1, unknown: 1, debug: 0 };

const NAMES: Record<string, LogLevel> = {
  fatal: 'error',
  critical: 'error',
  crit: 'error',
  severe: 'error',
  error: 'error',
  err: 'error',
  alert: 'error',
  emerg: 'error',
  emergency: 'error',
  panic: 'error',
  warning: 'warn',
  warn: 'warn',
  info: 'info',
  notice: 'info',
  information: 'info',
  informational: 'info',
  ok: 'info',
  success: 'info',
  debug: 'debug',
  trace: 'debug',
  fine: 'debug',
  finer: 'debug',
  finest: 'debug',
};

/** Normalises a provider's level name (`WARNING`, `err`, `Information`) to a LogLevel. */
export function normaliseLevel(name: string | undefined | null): LogLevel {
  if (!name) return 'unknown';
  return NAMES[name.trim().toLowerCase()] ?? 'unknown';
}

const WORD =
  /\b(fatal|critical|crit|severe|error|err|alert|emerg|panic|warning|warn|info|notice|debug|trace)\b/i;
const EXCEPTION = /\b\w*(Exception|Error)\b|Traceback \(most recent call last\)/;

/** The level a plain-text line states (`ERROR`, `[warn]`, `level=info`), or that an exception implies. */
export function detectLevel(text: string): LogLevel {
  const m = WORD.exec(text);
  if (m) return normaliseLevel(m[1]);
  return EXCEPTION.test(text) ? 'error' : 'unknown';
}
