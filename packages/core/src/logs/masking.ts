/**
 * Variable masking: replaces the parts of a token that vary between occurrences of the same event
 * (numbers, hex, IPs and ports, UUIDs, paths, URLs, timestamps, key=value values, identifiers) with `<*>`.
 * One set of rules for every log source; the miner discovers the remaining variables by comparison.
 */

/** The wildcard that stands for a variable in a template. */
export const WILDCARD = '<*>';

const LEADING = '([{<"\'';
const TRAILING = ')]}>"\',;:.!?';

// An alphanumeric run that is a value rather than a word: starts with a digit, holds two or more digits,
// or is a 0x-prefixed hex number. Words with a single trailing digit (ssh2, eth0, jk2) are names.
const VALUE_RUN = /(?<![A-Za-z0-9])-?[A-Za-z0-9]*[0-9][A-Za-z0-9]*|[A-Za-z0-9]*[0-9][A-Za-z0-9]*/g;
// Wildcards joined only by separators (an IP with its port, a date, a UUID) are one value.
const JOINED = /<\*>(?:[-.:/+,@#]?<\*>)+/g;
const HOST = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?::[0-9]+)?$/;
const HEX_PAIRS = /^(?:[0-9A-Fa-f]{2}[:-]){3,}[0-9A-Fa-f]{2}$/;
const HEX_DIGITS = /^[0-9a-fA-F]+$/;
// An IPv6 address (four or more hex groups, or a `::` abbreviation), also inside a larger token such as
// `v6(en0:fe80::1)`. Its hex groups without digits (`fecd`) would otherwise survive as words.
const IPV6 =
  /(?<![0-9A-Za-z])(?:(?:[0-9A-Fa-f]{1,4}:){3,7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4}::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?)(?![0-9A-Za-z])/g;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function maskRun(run: string): string {
  const first = run.charCodeAt(0);
  if (isDigit(first)) return WILDCARD;
  let digits = 0;
  for (let i = 0; i < run.length; i++) if (isDigit(run.charCodeAt(i))) digits++;
  if (digits >= 2) return WILDCARD;
  // A hex value such as `a3f` or `deadbeef1` reads as a word with one digit; long hex runs are values.
  if (run.length >= 8 && HEX_DIGITS.test(run)) return WILDCARD;
  return run;
}

/** Masks a value (the token without its surrounding punctuation, or the value of key=value). */
function maskValue(v: string): string {
  if (v.length === 0) return v;
  if (v.charCodeAt(0) === 47 /* / */ && v.length > 1) return WILDCARD; // absolute path
  if (v.includes('://')) return WILDCARD; // URL
  if (HEX_PAIRS.test(v)) return WILDCARD; // MAC address, hex dump
  const colon = v.indexOf(':');
  // A stand-in with digits, so that the run rules below mask it and join it with its neighbours.
  if (colon >= 0 && v.indexOf(':', colon + 1) > 0) v = v.replace(IPV6, '0');
  let masked = v.replace(VALUE_RUN, (run: string) => {
    // The sign of a number belongs to the number: `-27` is one value.
    if (run.charCodeAt(0) === 45) {
      const m = maskRun(run.slice(1));
      return m === WILDCARD ? m : run;
    }
    return maskRun(run);
  });
  if (masked === v) return v;
  // A host name with a numbered part or a port (ip-10-0-0-1.ec2.internal, db.example.com:5432) is one value.
  if (HOST.test(v)) return WILDCARD;
  masked = masked.replace(JOINED, WILDCARD);
  // An identifier glued to a number by underscores (blk_123, attempt_1445_0020_m_0001) is one value.
  if (masked.includes('_<*>') || masked.includes('<*>_')) return WILDCARD;
  if (!hasLetterOutsideWildcards(masked)) return WILDCARD;
  return masked;
}

function hasLetterOutsideWildcards(s: string): boolean {
  const stripped = s.split(WILDCARD).join('');
  for (let i = 0; i < stripped.length; i++) {
    const c = stripped.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
  }
  return false;
}

/** True when the token may hold a variable part; most tokens are plain words and skip all regexes. */
function mayVary(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (isDigit(c) || c === 47 /* / */) return true;
  }
  return false;
}

/** Masks the variable parts of one whitespace-free token. */
export function maskToken(token: string): string {
  if (!mayVary(token)) return token;
  let start = 0;
  let end = token.length;
  while (start < end && LEADING.includes(token[start]!)) start++;
  while (end > start && TRAILING.includes(token[end - 1]!)) end--;
  const core = token.slice(start, end);
  if (core.length === 0) return token;
  const eq = core.indexOf('=');
  let masked: string;
  if (eq > 0 && eq < core.length - 1) {
    masked = core.slice(0, eq + 1) + maskKeyValues(core.slice(eq + 1));
  } else {
    masked = maskValue(core);
  }
  if (masked === core) return token;
  return token.slice(0, start) + masked + token.slice(end);
}

// `a=1,b=2` and `HWID=1973`: each value is masked on its own, keys stay.
function maskKeyValues(rest: string): string {
  if (!rest.includes('=')) return maskValue(rest);
  return rest
    .split(',')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq > 0 ? part.slice(0, eq + 1) + maskValue(part.slice(eq + 1)) : maskValue(part);
    })
    .join(',');
}

/** Splits a message into whitespace-separated tokens. */
export function tokenize(message: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = message.length;
  while (i < n) {
    while (i < n && isSpace(message.charCodeAt(i))) i++;
    if (i >= n) break;
    const s = i;
    while (i < n && !isSpace(message.charCodeAt(i))) i++;
    out.push(message.slice(s, i));
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

const CALENDAR = new Set([
  'Mon',
  'Tue',
  'Wed',
  'Thu',
  'Fri',
  'Sat',
  'Sun',
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
]);

/** Tokenises and masks a message: the miner's view of it. */
export function maskMessage(message: string): string[] {
  const tokens = tokenize(message);
  let calendar = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.length === 3 && CALENDAR.has(t)) calendar = true;
    else tokens[i] = maskToken(t);
  }
  // Day and month names are part of a timestamp when a masked number stands next to them.
  if (calendar) {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.length !== 3 || !CALENDAR.has(t)) continue;
      const near = (j: number) =>
        j >= 0 && j < tokens.length && (tokens[j] === WILDCARD || CALENDAR.has(tokens[j]!));
      if ((near(i - 1) && tokens[i - 1] !== t) || near(i + 1)) tokens[i] = WILDCARD;
    }
  }
  return tokens;
}
