/**
 * Parses a timestamp as monitoring exports write it: epoch seconds, epoch milliseconds (13+ digits),
 * or ISO-8601 / "YYYY-MM-DD HH:MM:SS" (taken as UTC when it has no zone). Returns epoch ms or NaN.
 */
export function parseTimestamp(text: string): number {
  const s = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    return s.replace(/^-/, '').split('.')[0]!.length >= 13 ? n : n * 1000;
  }
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? `${s.replace(' ', 'T')}Z` : s;
  return Date.parse(iso);
}
