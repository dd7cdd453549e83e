/**
 * The masked key of a message (`maskedKey`) as a hash and a list of pieces, without building the key string.
 * Looking a shape up by a freshly concatenated key costs more than masking the message (the engine copies
 * the pieces into one string and hashes it natively); hashing while scanning and comparing the pieces with
 * the stored key costs one pass and no allocation. The key string is built only for a new shape.
 */
import { CALENDAR, isLeading, isTrailing, maskMessage, maskVarying, WILDCARD } from './masking.ts';

// Character classes of ASCII, as bits: whitespace ends a token; a digit or a slash makes it a candidate
// value; letters and `=` decide whether it needs the full masking rules.
const SPACE = 1;
const DIGIT = 2;
const SLASH = 4;
const LETTER = 8;
const EQUALS = 16;
// Every UTF-16 code unit has an entry (64 kB, of which only the ASCII part is ever hot): no range check.
const CLASS = new Uint8Array(65536);
for (const c of [32, 9, 10, 13]) CLASS[c] = SPACE;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = LETTER;
for (let c = 97; c <= 122; c++) CLASS[c] = LETTER;
CLASS[47] = SLASH;
CLASS[61] = EQUALS;

/** Reusable scanner of masked keys; one per miner (it keeps the last message's pieces). */
export interface MaskedKeyScanner {
  /** Scans a message; returns a 32-bit hash of its masked key (equal keys, equal hashes). */
  scan(message: string): number;
  /** True when `key` is the masked key of the message last scanned. */
  matches(key: string): boolean;
  /** The masked tokens of the message last scanned: `maskMessage(message)`. */
  tokens(): string[];
}

// The hash folds in each piece's length and its first, middle and last characters (FNV-1a style): cheap,
// and keys that differ elsewhere only share a chain, which `matches` walks.
const TOKEN_CACHE = 4096;
const CACHE_WINDOW = 256;
const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;

function mix(h: number, length: number, first: number, middle: number, last: number): number {
  let x = Math.imul(h ^ length, PRIME);
  x = Math.imul(x ^ first, PRIME);
  x = Math.imul(x ^ middle, PRIME);
  return Math.imul(x ^ last, PRIME);
}

export function createMaskedKeyScanner(): MaskedKeyScanner {
  let message = '';
  let count = 0;
  // Names with digits (`awdl0`, `com.apple.launchd[1]`, `attempt_1445_0020_m_0001`) recur across messages
  // that are not exact repeats; masking them takes the full rules, so their results are kept.
  const maskedTokens = new Map<string, string>();
  let cacheHits = 0;
  let cacheLookups = 0;
  let cachePause = 0;
  // Piece k is message[starts[k]..ends[k]) (plain tokens, single-spaced) when masked[k] is null, else the masked
  // token masked[k]. The key is the pieces joined by single spaces.
  const starts: number[] = [];
  const ends: number[] = [];
  const masked: (string | null)[] = [];

  // A plain token after a plain one and a single space extends its run: fewer, longer pieces to compare.
  function pushPlain(s: number, e: number): void {
    const last = count - 1;
    if (last >= 0 && masked[last] === null && ends[last] === s - 1 && message.charCodeAt(s - 1) === 32)
      ends[last] = e;
    else push(s, e, null);
  }

  // Paths (with a slash) are masked at their first characters, and key=value tokens seldom repeat (the value
  // varies): both skip the cache.
  // After a window in which the cache hardly ever hit (every id unique, as `blk_-1608999687919862906`), it
  // rests for a while: then it would only cost a hash and an insert per token.
  function maskCached(token: string): string {
    if (cachePause > 0) {
      cachePause--;
      return maskVarying(token);
    }
    let t = maskedTokens.get(token);
    if (t === undefined) {
      t = maskVarying(token);
      // A generation of tokens: cleared when full, so it stays bounded without bookkeeping.
      if (maskedTokens.size >= TOKEN_CACHE) maskedTokens.clear();
      maskedTokens.set(token, t);
    } else cacheHits++;
    if (++cacheLookups === CACHE_WINDOW) {
      if (cacheHits < CACHE_WINDOW / 4) {
        cachePause = CACHE_WINDOW * 8;
        maskedTokens.clear();
      }
      cacheLookups = 0;
      cacheHits = 0;
    }
    return t;
  }

  function push(s: number, e: number, m: string | null): void {
    starts[count] = s;
    ends[count] = e;
    masked[count] = m;
    count++;
  }

  function scan(m: string): number {
    message = m;
    count = 0;
    const n = m.length;
    let h = OFFSET;
    let i = 0;
    while (i < n) {
      let c = m.charCodeAt(i);
      if ((CLASS[c]! & SPACE) !== 0) {
        i++;
        continue;
      }
      const s = i;
      const c0 = c;
      let flags = 0;
      while (i < n) {
        c = m.charCodeAt(i);
        const k = CLASS[c]!;
        if ((k & SPACE) !== 0) break;
        flags |= k;
        i++;
      }
      if ((flags & (DIGIT | SLASH)) === 0) {
        // Day and month names depend on their neighbours: the token-wise path handles those messages.
        if (i - s === 3 && CALENDAR.has(m.slice(s, i))) {
          // Each token is its own piece, hashed as any other message's pieces are.
          count = 0;
          let hc = OFFSET;
          for (const t of maskMessage(m)) {
            push(0, 0, t);
            const tn = t.length;
            hc = mix(hc, tn, t.charCodeAt(0), t.charCodeAt(tn >> 1), t.charCodeAt(tn - 1));
          }
          return hc;
        }
        pushPlain(s, i);
        h = mix(h, i - s, c0, m.charCodeAt((s + i) >> 1), m.charCodeAt(i - 1));
        continue;
      }
      let t: string;
      if ((flags & (LETTER | SLASH | EQUALS)) === 0) {
        // Digits and punctuation only (`15759`, `(10.0.0.1)`, `07:33:34.878,`): masking makes the value one
        // `<*>` whatever its form, and keeps the punctuation around it.
        let a = s;
        let b = i;
        while (isLeading(m.charCodeAt(a))) a++;
        while (isTrailing(m.charCodeAt(b - 1))) b--;
        t = a === s && b === i ? WILDCARD : m.slice(s, a) + WILDCARD + m.slice(b, i);
      } else {
        const token = m.slice(s, i);
        t = (flags & (SLASH | EQUALS)) === 0 ? maskCached(token) : maskVarying(token);
        if (t === token) {
          pushPlain(s, i);
          h = mix(h, i - s, c0, m.charCodeAt((s + i) >> 1), m.charCodeAt(i - 1));
          continue;
        }
      }
      push(s, i, t);
      const tn = t.length;
      h = mix(h, tn, t.charCodeAt(0), t.charCodeAt(tn >> 1), t.charCodeAt(tn - 1));
    }
    return h;
  }

  function matches(key: string): boolean {
    let pos = 0;
    const kn = key.length;
    for (let k = 0; k < count; k++) {
      if (k > 0) {
        if (pos >= kn || key.charCodeAt(pos) !== 32) return false;
        pos++;
      }
      const t = masked[k];
      if (t == null) {
        const b = starts[k]!;
        const e = ends[k]!;
        if (pos + e - b > kn) return false;
        if (e - b >= 16) {
          // A long run: a native comparison of a slice (which shares the message's characters) is faster.
          if (!key.startsWith(message.slice(b, e), pos)) return false;
          pos += e - b;
        } else
          for (let j = b; j < e; j++, pos++) if (key.charCodeAt(pos) !== message.charCodeAt(j)) return false;
      } else {
        if (!key.startsWith(t, pos)) return false;
        pos += t.length;
      }
    }
    return pos === kn;
  }

  function tokens(): string[] {
    const parts: string[] = [];
    for (let k = 0; k < count; k++) {
      const t = masked[k];
      if (t != null) parts.push(t);
      else {
        // A run's tokens are separated by single spaces.
        const e = ends[k]!;
        let b = starts[k]!;
        for (let j = message.indexOf(' ', b); j >= 0 && j < e; j = message.indexOf(' ', b)) {
          parts.push(message.slice(b, j));
          b = j + 1;
        }
        parts.push(message.slice(b, e));
      }
    }
    return parts;
  }

  return { scan, matches, tokens };
}
