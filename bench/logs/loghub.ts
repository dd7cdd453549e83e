// Loghub-2k in its published layout: one folder per system with `<System>_2k.log_structured.csv` (Content,
// EventId, EventTemplate and header fields such as Level) and, when there is one, the corrected ground truth
// `<System>_2k.log_structured_corrected.csv`. `pnpm bench logs --data DIR` scores any systems laid out so.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectLevel, normaliseLevel } from '../../packages/core/src/logs/index.ts';
import type { LogEvent } from '../../packages/core/src/model/log.ts';
import { readCsvRecords } from './csv.ts';

export interface SystemData {
  name: string;
  contents: string[];
  original: Record<string, string>[];
  corrected: Record<string, string>[];
  /** The messages as log events, with the level the system's header states (else read from the text). */
  events: LogEvent[];
}

/**
 * Every system folder of `dataDir` (or only `only`), sorted by name. A folder that cannot be scored is left out
 * with a note that names the file and what is wrong with it; the others are still scored.
 */
export function loadLoghub(dataDir: string, only?: string): { systems: SystemData[]; notes: string[] } {
  const notes: string[] = [];
  if (!existsSync(dataDir))
    throw new Error(`${dataDir} does not exist: --data names a folder with one folder per Loghub system`);
  const systems = readdirSync(dataDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && (only === undefined || d.name === only))
    .map((d) => d.name)
    .sort()
    .map((name) => loadSystem(dataDir, name, notes))
    .filter((s): s is SystemData => s !== null);
  return { systems, notes };
}

function loadSystem(dataDir: string, name: string, notes: string[]): SystemData | null {
  const path = (f: string) => join(dataDir, name, f);
  const read = (f: string) => readCsvRecords(readFileSync(path(f), 'utf8'));
  if (!existsSync(path(`${name}_2k.log_structured.csv`))) {
    notes.push(`skipped ${name}: no ${name}_2k.log_structured.csv in ${join(dataDir, name)}`);
    return null;
  }
  const original = read(`${name}_2k.log_structured.csv`);
  const bad = unusable(original, ['Content', 'EventId', 'EventTemplate']);
  if (bad) {
    notes.push(`skipped ${name}: ${name}_2k.log_structured.csv ${bad}`);
    return null;
  }
  // Without a corrected ground truth, the original one stands for it (the corrected columns then repeat it).
  const hasCorrected = existsSync(path(`${name}_2k.log_structured_corrected.csv`));
  if (!hasCorrected) notes.push(`${name}: no corrected ground truth, the original is used for both`);
  const corrected = hasCorrected ? read(`${name}_2k.log_structured_corrected.csv`) : original;
  if (corrected.length !== original.length) {
    notes.push(`skipped ${name}: ${corrected.length} corrected rows for ${original.length} lines`);
    return null;
  }
  const badCorrected = unusable(corrected, ['EventId', 'EventTemplate']);
  if (badCorrected) {
    notes.push(`skipped ${name}: ${name}_2k.log_structured_corrected.csv ${badCorrected}`);
    return null;
  }
  const contents = original.map((r) => r.Content ?? '');
  const events = original.map((r, i): LogEvent => {
    const stated = normaliseLevel(r.Level);
    return { t: i, message: contents[i]!, level: stated === 'unknown' ? detectLevel(contents[i]!) : stated };
  });
  return { name, contents, original, corrected, events };
}

/** What makes a ground-truth file unusable (no rows, or which of `columns` it lacks), or null when nothing does. */
function unusable(rows: readonly Record<string, string>[], columns: readonly string[]): string | null {
  if (rows.length === 0) return 'has no rows';
  const missing = columns.filter((c) => !(c in rows[0]!));
  return missing.length > 0 ? `has no ${missing.join(', ')} column` : null;
}
