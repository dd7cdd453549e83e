/**
 * Variable masking: replaces the parts of a token that vary between occurrences of the same event
 * (numbers, hex, IPv4 and IPv6 addresses and ports, numbered host names, UUIDs, paths also inside a token,
 * URLs, timestamps as one value, key=value values, identifiers) with `<*>`. One set of rules for every log source; the miner discovers the remaining variables by comparison.
 */

/** The wildcard that stands for a variable in a template. */
export const WILDCARD = '<*>';

// Masking runs on every message, so it scans characters instead of running regexes: the common token (a
// plain word) costs one pass over its characters, and only tokens with a digit or a slash are examined.

const HOST = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?::[0-9]+)?$/;
// `msra-sa-41:9000`: a hyphenated host name with its port (a number in the name is checked separately).
const NUMBERED_HOST_PORT = /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+:[0-9]+$/;
const HEX_PAIRS = /^(?:[0-9A-Fa-f]{2}[:-]){3,}[0-9A-Fa-f]{2}$/;
// An IPv6 address (four or more hex groups, or a `::` abbreviation), also inside a larger token such as
// `v6(en0:fe80::1)`. Its hex groups without digits (`fecd`) would otherwise survive as words.
const IPV6 =
  /(?<![0-9A-Za-z])(?:(?:[0-9A-Fa-f]{1,4}:){3,7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4}::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?)(?![0-9A-Za-z])/g;

const UUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/g;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isHexLetter(c: number): boolean {
  return (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Punctuation that may open a token around its value: `(`, `[`, `{`, `<`, quotes. */
export function isLeading(c: number): boolean {
  return c === 40 || c === 91 || c === 123 || c === 60 || c === 34 || c === 39;
}

/** Punctuation that may close a token after its value: brackets, quotes, `,;:.!?`. */
export function isTrailing(c: number): boolean {
  return (
    c === 41 ||
    c === 93 ||
    c === 125 ||
    c === 62 ||
    c === 34 ||
    c === 39 ||
    c === 44 ||
    c === 59 ||
    c === 58 ||
    c === 46 ||
    c === 33 ||
    c === 63
  );
}

/** Separators that join adjacent values into one (an IP with its port, a date, a UUID): `-.:/+,@#`. */
function isJoiner(c: number): boolean {
  return c === 45 || c === 46 || c === 58 || c === 47 || c === 43 || c === 44 || c === 64 || c === 35;
}

/**
 * Masks a value (the token without its surrounding punctuation, or the value of key=value).
 * An alphanumeric run is a value rather than a word when it starts with a digit, holds two or more digits,
 * or is a hex number of 8 or more characters; words with a single digit (ssh2, eth0, jk2) are names.
 * A `-` before a value is its sign. Values joined only by separators are one value.
 */
function maskValue(value: string): string {
  let v = value;
  const n0 = v.length;
  if (n0 === 0) return v;
  if (v.charCodeAt(0) === 47 /* / */) return n0 > 1 ? WILDCARD : v; // absolute path
  const colon = v.indexOf(':');
  if (colon >= 0 && v.includes('://')) return WILDCARD; // URL
  const slash = v.indexOf('/');
  if (slash > 0 && slash < n0 - 1) {
    // A path inside a token (`chdir(/p/gb1/run)`, `path:/var/log/x`) is one value up to the token's end.
    if (isPathOpener(v.charCodeAt(slash - 1))) return maskValue(v.slice(0, slash)) + WILDCARD;
    // A numbered host with its address (`msra-sa-41/10.190.173.170:9000`, as Java prints a socket).
    if (v.indexOf('/', slash + 1) < 0 && hasDigit(v, 0, slash) && maskValue(v.slice(slash + 1)) === WILDCARD)
      return WILDCARD;
  }
  // A UUID is one value whatever its groups hold (`...-bdcc-...` has no digit to make it a value).
  if (n0 >= 36 && v.includes('-')) v = v.replace(UUID, '0');
  const sep = n0 >= 11 ? v.charCodeAt(2) : 0;
  if ((sep === 58 || sep === 45) && HEX_PAIRS.test(v)) return WILDCARD; // MAC address, hex dump
  // A stand-in with digits, so that the run rules below mask it and join it with its neighbours.
  const colon2 = colon >= 0 ? v.indexOf(':', colon + 1) : -1;
  // Three colons, or a `::`, before the regex: a time (12:34:56) has two.
  if (colon2 > 0 && (v.indexOf(':', colon2 + 1) > 0 || v.includes('::'))) v = v.replace(IPV6, '0');
  const n = v.length;
  let out = '';
  let copied = 0; // v[copied..] is not yet in `out`
  let changed = false;
  let letterKept = false;
  let i = 0;
  while (i < n) {
    let c = v.charCodeAt(i);
    const digitFirst = isDigit(c);
    if (!digitFirst && !isLetter(c)) {
      i++;
      continue;
    }
    const s = i;
    let digits = 0;
    let letters = 0;
    let hex = true;
    while (i < n) {
      c = v.charCodeAt(i);
      if (isDigit(c)) digits++;
      else if (isLetter(c)) {
        letters++;
        if (hex && !isHexLetter(c)) hex = false;
      } else break;
      i++;
    }
    const isValue = digits > 0 && (digitFirst || digits >= 2 || (i - s >= 8 && hex));
    if (!isValue) {
      if (letters > 0) letterKept = true;
      continue;
    }
    let start = s > 0 && v.charCodeAt(s - 1) === 45 && (s === 1 || !isAlnum(v.charCodeAt(s - 2))) ? s - 1 : s;
    // A dotted number whose first part is glued to a word (`v4.72`, `Python3.11`): the digits before the dot
    // belong to the number, which is what varies, not to the word.
    if (
      start === s &&
      s >= 2 &&
      v.charCodeAt(s - 1) === 46 &&
      isDigit(v.charCodeAt(s - 2)) &&
      copied <= s - 2
    ) {
      let d = s - 2;
      while (d > copied && isDigit(v.charCodeAt(d - 1))) d--;
      if (d > copied && isLetter(v.charCodeAt(d - 1))) start = d;
    }
    changed = true;
    out += v.slice(copied, start);
    copied = i;
    const len = out.length;
    if (len >= 3 && out.endsWith(WILDCARD)) continue;
    if (len >= 4 && isJoiner(out.charCodeAt(len - 1)) && out.endsWith(WILDCARD, len - 1)) {
      out = out.slice(0, len - 1);
      continue;
    }
    out += WILDCARD;
  }
  if (!changed) return value;
  // A host name with a numbered part or a port (ip-10-0-0-1.ec2.internal, db.example.com:5432) is one value.
  if (
    v.includes('.')
      ? HOST.test(v)
      : colon > 0 && v.includes('-') && NUMBERED_HOST_PORT.test(v) && hasDigit(v, 0, v.lastIndexOf(':'))
  )
    return WILDCARD;
  if (!letterKept) return WILDCARD;
  out += v.slice(copied);
  // An identifier glued to a number by underscores (blk_123, attempt_1445_0020_m_0001) is one value.
  if (out.includes('_<*>') || out.includes('<*>_')) return WILDCARD;
  return out;
}

function hasDigit(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isDigit(s.charCodeAt(i))) return true;
  return false;
}

/** Characters after which a `/` starts a path rather than a ratio or a word pair (`and/or`). */
function isPathOpener(c: number): boolean {
  return c === 40 || c === 91 || c === 123 || c === 61 || c === 58 || c === 44 || c === 34 || c === 39;
}

function isAlnum(c: number): boolean {
  return isDigit(c) || isLetter(c);
}

/** True when the token may hold a variable part; most tokens are plain words and skip all masking. */
function mayVary(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (isDigit(c) || c === 47 /* / */) return true;
  }
  return false;
}

/** Masks the variable parts of one whitespace-free token. */
export function maskToken(token: string): string {
  return mayVary(token) ? maskVarying(token) : token;
}

/** Masks a token known to hold a digit or a slash (see `maskToken`). */
export function maskVarying(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && isLeading(token.charCodeAt(start))) start++;
  while (end > start && isTrailing(token.charCodeAt(end - 1))) end--;
  if (start === end) return token;
  const core = start === 0 && end === token.length ? token : token.slice(start, end);
  const eq = core.indexOf('=');
  let masked: string;
  // An absolute path or a URL is one value, query string and all (`/login?id=42`).
  if (eq > 0 && (core.charCodeAt(0) === 47 || core.includes('://'))) masked = WILDCARD;
  else if (eq > 0 && eq < core.length - 1) {
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

export const CALENDAR: ReadonlySet<string> = new Set([
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
  const tokens: string[] = [];
  const n = message.length;
  let calendar = false;
  let i = 0;
  while (i < n) {
    let c = message.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const s = i;
    let vary = false;
    while (i < n) {
      c = message.charCodeAt(i);
      if (isSpace(c)) break;
      if (isDigit(c) || c === 47 /* / */) vary = true;
      i++;
    }
    const t = message.slice(s, i);
    if (vary) tokens.push(maskVarying(t));
    else {
      if (i - s === 3 && CALENDAR.has(t)) calendar = true;
      tokens.push(t);
    }
  }
  // Day and month names are part of a timestamp when a masked number stands next to them.
  const dates: number[] = [];
  if (calendar) {
    const near = (j: number) =>
      j >= 0 && j < tokens.length && (tokens[j] === WILDCARD || CALENDAR.has(tokens[j]!));
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.length !== 3 || !CALENDAR.has(t)) continue;
      if ((near(k - 1) && tokens[k - 1] !== t) || near(k + 1)) {
        tokens[k] = WILDCARD;
        dates.push(k);
      }
    }
  }
  // A timestamp is one value however many words it spans (`Sun Jul 10 03:55:15 2005`).
  return dates.length > 0 ? collapseDates(tokens, dates) : tokens;
}

/**
 * The masked message as one string, tokens joined by single spaces: `maskMessage(message).join(' ')`, built
 * from slices of the message so that a run of plain words costs one slice (and a message without variables
 * costs none).
 */
export function maskedKey(message: string): string {
  const n = message.length;
  let out = '';
  let spanStart = -1; // message[spanStart..spanEnd) is a run of unmasked tokens not yet in `out`
  let spanEnd = -1;
  let i = 0;
  while (i < n) {
    let c = message.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const s = i;
    let vary = false;
    while (i < n) {
      c = message.charCodeAt(i);
      if (isSpace(c)) break;
      if (isDigit(c) || c === 47 /* / */) vary = true;
      i++;
    }
    if (!vary) {
      // Day and month names depend on their neighbours: the token-wise path handles those messages.
      if (i - s === 3 && CALENDAR.has(message.slice(s, i))) return maskMessage(message).join(' ');
      if (spanStart >= 0 && spanEnd === s - 1 && message.charCodeAt(spanEnd) === 32) spanEnd = i;
      else {
        if (spanStart >= 0)
          out =
            out === '' ? message.slice(spanStart, spanEnd) : `${out} ${message.slice(spanStart, spanEnd)}`;
        spanStart = s;
        spanEnd = i;
      }
      continue;
    }
    if (spanStart >= 0) {
      out = out === '' ? message.slice(spanStart, spanEnd) : `${out} ${message.slice(spanStart, spanEnd)}`;
      spanStart = -1;
    }
    const t = maskVarying(message.slice(s, i));
    out = out === '' ? t : `${out} ${t}`;
  }
  if (spanStart >= 0) {
    if (spanStart === 0 && spanEnd === n) return message;
    out = out === '' ? message.slice(spanStart, spanEnd) : `${out} ${message.slice(spanStart, spanEnd)}`;
  }
  return out;
}

/** Runs of masked tokens that hold a masked day or month name (at `dates`, ascending) become one `<*>`. */
function collapseDates(tokens: string[], dates: number[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (tokens[i] !== WILDCARD) {
      out.push(tokens[i++]!);
      continue;
    }
    const s = i;
    while (i < tokens.length && tokens[i] === WILDCARD) i++;
    if (i - s > 1 && dates.some((d) => d >= s && d < i)) out.push(WILDCARD);
    else for (let k = s; k < i; k++) out.push(WILDCARD);
  }
  return out;
}
