/** One row of a `timestamp,value` file, with its original text kept for echoing it back. */
export interface TimestampValueRow {
  /** Epoch milliseconds. */
  t: number;
  /** The value; NaN for an empty or non-numeric cell (a gap). */
  v: number;
  timestampText: string;
  valueText: string;
}

/**
 * Reads a `timestamp,value` CSV (NAB's format: a header line, then rows such as `2014-04-01 00:00:00,12.5`).
 * Timestamps may be `YYYY-MM-DD HH:MM:SS` (read as UTC, as NAB means them), ISO-8601 with a zone, or epoch
 * seconds. Throws an error naming the line when a timestamp cannot be read.
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
        `${source}: line ${i + 1}: timestamp "${timestampText}" is not YYYY-MM-DD HH:MM:SS, ISO-8601 or epoch seconds`,
      );
    }
    const trimmed = valueText.trim();
    rows.push({ t, v: trimmed === '' ? Number.NaN : Number(trimmed), timestampText, valueText });
  }
  return rows;
}

const NAB_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;

/** Epoch ms of a timestamp; NaN when it cannot be read. Zone-less date-times are UTC. */
export function parseTimestamp(text: string): number {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const m = NAB_TIME.exec(text);
  if (m) {
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0), ms);
  }
  return Date.parse(text);
}
