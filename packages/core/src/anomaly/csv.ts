import { InputError } from '../errors.ts';
import { parseCsv } from '../formats/csv.ts';
import { parseNumberText } from '../formats/number.ts';
import { parseTimestamp } from '../formats/time.ts';

/** One row of a `timestamp,value` file, with its fields' text (unquoted) kept for echoing it back. */
export interface TimestampValueRow {
  /** Epoch milliseconds. */
  t: number;
  /** The value; NaN for an empty or `NaN` cell (a gap); `+Inf`/`-Inf` (or `Infinity`) are infinite values. */
  v: number;
  timestampText: string;
  valueText: string;
}

/**
 * Reads a `timestamp,value` CSV (NAB's format: a header line, then rows such as `2014-04-01 00:00:00,12.5`)
 * with the core's one CSV reader (`parseCsv`: quoted fields, CRLF). Timestamps are read by the shared
 * `parseTimestamp`: `YYYY-MM-DD HH:MM:SS` (UTC, as NAB means them), ISO-8601 with a zone, epoch seconds or
 * epoch milliseconds. Values are decimal numbers (`12.5`, `-1e-3`), `+Inf`/`-Inf` (`Infinity`), or empty /
 * `NaN` for a gap. Throws an InputError naming the line when a row, timestamp or value cannot be read: a
 * value such as `abc` or `12ms` is a mistake in the file, not a gap.
 */
export function parseTimestampValueCsv(text: string, source = 'input'): TimestampValueRow[] {
  const lineOf: number[] = [];
  const table = parseCsv(text, lineOf);
  const header = table[0]?.map((h) => h.trim().toLowerCase());
  if (header?.[0] !== 'timestamp' || header.length < 2) {
    const first = text.split(/\r?\n/, 1)[0] ?? '';
    throw new InputError(`${source}: line 1 must be the header "timestamp,value" (got "${first}")`);
  }
  const rows: TimestampValueRow[] = [];
  for (let r = 1; r < table.length; r++) {
    const fields = table[r]!;
    const line = lineOf[r]!;
    if (fields.length === 1 && fields[0]!.trim() === '') continue;
    if (fields.length !== 2) {
      throw new InputError(
        `${source}: line ${line} has ${fields.length} fields; expected "timestamp,value" (quote a field that holds a comma)`,
      );
    }
    const [timestampText, valueText] = fields as [string, string];
    const t = parseTimestamp(timestampText.trim());
    if (Number.isNaN(t)) {
      throw new InputError(
        `${source}: line ${line}: timestamp "${timestampText}" is not YYYY-MM-DD HH:MM:SS, ISO-8601 or epoch seconds/milliseconds`,
      );
    }
    const v = parseValue(valueText.trim());
    if (v === undefined) {
      throw new InputError(
        `${source}: line ${line}: value "${valueText}" is not a number (write a decimal number, +Inf, -Inf, or leave it empty for a gap)`,
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
