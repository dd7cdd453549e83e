import { parseNumberText } from '../formats/number.ts';
import { parseTimestamp } from '../formats/time.ts';

/** One row of a `timestamp,value` file, with its original text kept for echoing it back. */
export interface TimestampValueRow {
  /** Epoch milliseconds. */
  t: number;
  /** The value; NaN for an empty or `NaN` cell (a gap); `+Inf`/`-Inf` (or `Infinity`) are infinite values. */
  v: number;
  timestampText: string;
  valueText: string;
}

/**
 * Reads a `timestamp,value` CSV (NAB's format: a header line, then rows such as `2014-04-01 00:00:00,12.5`).
 * Timestamps are read by the shared `parseTimestamp`: `YYYY-MM-DD HH:MM:SS` (UTC, as NAB means them), ISO-8601
 * with a zone, epoch seconds or epoch milliseconds. Values are decimal numbers (`12.5`, `-1e-3`), `+Inf`/`-Inf`
 * (`Infinity`), or empty / `NaN` for a gap. Throws an error naming the line when a timestamp or value cannot
 * be read: a value such as `abc` or `12ms` is a mistake in the file, not a gap.
 */
export function parseTimestampValueCsv(text: string, source = 'input'): TimestampValueRow[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').trim().toLowerCase().replace(/"/g, '');
  if (!header.startsWith('timestamp,')) {
    throw new Error(`${source}: line 1 must be the header "timestamp,value" (got "${lines[0] ?? ''}")`);
  }
  const rows: TimestampValueRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const comma = line.indexOf(',');
    if (comma < 0) throw new Error(`${source}: line ${i + 1} has no comma; expected "timestamp,value"`);
    const timestampText = line.slice(0, comma);
    const valueText = line.slice(comma + 1);
    const t = parseTimestamp(timestampText.trim().replace(/^"|"$/g, ''));
    if (Number.isNaN(t)) {
      throw new Error(
        `${source}: line ${i + 1}: timestamp "${timestampText}" is not YYYY-MM-DD HH:MM:SS, ISO-8601 or epoch seconds/milliseconds`,
      );
    }
    const v = parseValue(valueText.trim().replace(/^"|"$/g, ''));
    if (v === undefined) {
      throw new Error(
        `${source}: line ${i + 1}: value "${valueText}" is not a number (write a decimal number, +Inf, -Inf, or leave it empty for a gap)`,
      );
    }
    rows.push({ t, v, timestampText, valueText });
  }
  return rows;
}

/** A cell's number: NaN for a gap, or the shared reading of every CSV reader (formats/number.ts). */
function parseValue(text: string): number | undefined {
  return text === '' ? Number.NaN : parseNumberText(text);
}
