/**
 * Units of measure: what a metric's numbers mean, so that every floor, threshold and displayed value is
 * compared and printed in the right unit. A floor written as "2 ms" means 0.002 on a metric in seconds;
 * a metric whose unit is unknown gets no absolute floor at all (see `judges/sensitivity.ts`).
 *
 * A unit belongs to one dimension and has a factor to that dimension's base unit (seconds, bytes, the
 * fraction 0..1, one count, per second). Conversion is only defined within a dimension.
 */

/**
 * What a unit measures. `fraction` holds both the ratio (0..1) and the percent (0..100): they are one
 * quantity written at two scales. Rates are a numerator dimension per unit of time.
 */
export type Dimension = 'time' | 'data' | 'fraction' | 'count' | 'cpu' | 'count/time' | 'data/time';

/** A parsed unit. */
export interface Unit {
  /** Canonical symbol, as displayed and as stored in metric definitions: `ms`, `MiB`, `%`, `req/s`. */
  symbol: string;
  dimension: Dimension;
  /** Size in the dimension's base unit: s, B, ratio (1 = 100%), one count, one core, one count (or B) per second. */
  factor: number;
}

/** A number with its unit, e.g. a sensitivity floor `{ value: 2, unit: 'ms' }`. */
export interface Quantity {
  value: number;
  /** A canonical unit symbol (see `KNOWN_UNITS`). */
  unit: string;
}

interface Entry {
  symbol: string;
  dimension: 'time' | 'data' | 'fraction' | 'count' | 'cpu';
  factor: number;
  /** Lower-case spellings (Prometheus suffixes, Datadog and Dynatrace names) that mean this unit. */
  aliases: string[];
  /** Spellings whose case matters (`MB` vs `Mb`, `m`), matched exactly. */
  exact?: string[];
}

const TIME: Entry[] = [
  { symbol: 'ns', dimension: 'time', factor: 1e-9, aliases: ['nanosecond', 'nanoseconds', 'nanos', 'nsec'] },
  {
    symbol: 'us',
    dimension: 'time',
    factor: 1e-6,
    aliases: ['µs', 'μs', 'microsecond', 'microseconds', 'micros', 'usec'],
  },
  {
    symbol: 'ms',
    dimension: 'time',
    factor: 1e-3,
    aliases: ['millisecond', 'milliseconds', 'millis', 'msec', 'msecs'],
  },
  { symbol: 's', dimension: 'time', factor: 1, aliases: ['sec', 'secs', 'second', 'seconds'] },
  { symbol: 'min', dimension: 'time', factor: 60, aliases: ['mins', 'minute', 'minutes'] },
  { symbol: 'h', dimension: 'time', factor: 3600, aliases: ['hr', 'hrs', 'hour', 'hours'] },
  { symbol: 'd', dimension: 'time', factor: 86400, aliases: ['day', 'days'] },
];

const DATA: Entry[] = [
  { symbol: 'B', dimension: 'data', factor: 1, aliases: ['byte', 'bytes'] },
  { symbol: 'KB', dimension: 'data', factor: 1e3, aliases: ['kilobyte', 'kilobytes'], exact: ['kB'] },
  { symbol: 'MB', dimension: 'data', factor: 1e6, aliases: ['megabyte', 'megabytes'] },
  { symbol: 'GB', dimension: 'data', factor: 1e9, aliases: ['gigabyte', 'gigabytes'] },
  { symbol: 'TB', dimension: 'data', factor: 1e12, aliases: ['terabyte', 'terabytes'] },
  { symbol: 'KiB', dimension: 'data', factor: 1024, aliases: ['kibibyte', 'kibibytes'] },
  { symbol: 'MiB', dimension: 'data', factor: 1024 ** 2, aliases: ['mebibyte', 'mebibytes'] },
  { symbol: 'GiB', dimension: 'data', factor: 1024 ** 3, aliases: ['gibibyte', 'gibibytes'] },
  { symbol: 'TiB', dimension: 'data', factor: 1024 ** 4, aliases: ['tebibyte', 'tebibytes'] },
  { symbol: 'bit', dimension: 'data', factor: 1 / 8, aliases: ['bits'] },
  { symbol: 'kbit', dimension: 'data', factor: 1e3 / 8, aliases: ['kilobit', 'kilobits', 'kb'] },
  { symbol: 'Mbit', dimension: 'data', factor: 1e6 / 8, aliases: ['megabit', 'megabits'], exact: ['Mb'] },
  { symbol: 'Gbit', dimension: 'data', factor: 1e9 / 8, aliases: ['gigabit', 'gigabits'], exact: ['Gb'] },
];

const FRACTION: Entry[] = [
  { symbol: '%', dimension: 'fraction', factor: 0.01, aliases: ['percent', 'percentage', 'pct'] },
  { symbol: 'ratio', dimension: 'fraction', factor: 1, aliases: ['fraction', 'ratios'] },
  { symbol: '‰', dimension: 'fraction', factor: 0.001, aliases: ['promille', 'permille'] },
];

/** Things counted; the symbol keeps the noun so that `req/s` reads as requests per second. */
const COUNT: Entry[] = [
  { symbol: 'count', dimension: 'count', factor: 1, aliases: ['1', 'counts', 'total', 'unit', 'units'] },
  { symbol: 'req', dimension: 'count', factor: 1, aliases: ['request', 'requests', 'reqs'] },
  { symbol: 'errors', dimension: 'count', factor: 1, aliases: ['error', 'err', 'errs'] },
  { symbol: 'events', dimension: 'count', factor: 1, aliases: ['event'] },
  { symbol: 'ops', dimension: 'count', factor: 1, aliases: ['op', 'operation', 'operations'] },
  { symbol: 'calls', dimension: 'count', factor: 1, aliases: ['call'] },
  { symbol: 'hits', dimension: 'count', factor: 1, aliases: ['hit'] },
  { symbol: 'queries', dimension: 'count', factor: 1, aliases: ['query'] },
  { symbol: 'messages', dimension: 'count', factor: 1, aliases: ['message', 'msg', 'msgs'] },
  { symbol: 'connections', dimension: 'count', factor: 1, aliases: ['connection', 'conn', 'conns'] },
  { symbol: 'packets', dimension: 'count', factor: 1, aliases: ['packet'] },
  { symbol: 'exceptions', dimension: 'count', factor: 1, aliases: ['exception'] },
  { symbol: 'faults', dimension: 'count', factor: 1, aliases: ['fault'] },
  { symbol: 'items', dimension: 'count', factor: 1, aliases: ['item'] },
];

/** CPU in cores (Kubernetes `cpu`, Dynatrace `Cores`/`MilliCores`). */
const CPU: Entry[] = [
  { symbol: 'cores', dimension: 'cpu', factor: 1, aliases: ['core', 'cpu', 'cpus', 'vcpu', 'vcpus'] },
  { symbol: 'mcores', dimension: 'cpu', factor: 1e-3, aliases: ['millicores', 'millicore', 'millicpu'] },
];

const ENTRIES: Entry[] = [...TIME, ...DATA, ...FRACTION, ...COUNT, ...CPU];

/** Time units a rate may be "per": `/s`, `PerMinute`, `per_unit: second`. */
const PER: Entry[] = TIME.filter((e) => e.symbol === 's' || e.symbol === 'min' || e.symbol === 'h');

/** Names that mean "no unit given": a metric reporting them has an unknown unit, not an error. */
const UNSPECIFIED = new Set(['', 'unspecified', 'notapplicable', 'none', 'n/a']);

const byExact = new Map<string, Entry>();
const byLower = new Map<string, Entry>();
for (const e of ENTRIES) {
  byExact.set(e.symbol, e);
  for (const x of e.exact ?? []) byExact.set(x, e);
  for (const a of [e.symbol, ...e.aliases]) {
    const k = a.toLowerCase();
    // Case-sensitive symbols (MB vs Mb) stay exact; their lower-case form belongs to the first entry only.
    if (!byLower.has(k)) byLower.set(k, e);
  }
}
// `mb`/`gb` in lower case are taken as bytes (the common intent), `Mb`/`Gb` exactly as bits.
byLower.set('mb', DATA[2]!);
byLower.set('gb', DATA[3]!);
byLower.set('kb', DATA[1]!);

function lookup(s: string): Entry | undefined {
  return byExact.get(s) ?? byLower.get(s.toLowerCase());
}

function single(e: Entry): Unit {
  return { symbol: e.symbol, dimension: e.dimension, factor: e.factor };
}

function rate(num: Entry, per: Entry): Unit | undefined {
  if (num.dimension !== 'count' && num.dimension !== 'data') return undefined;
  return {
    symbol: `${num.symbol === 'count' ? '1' : num.symbol}/${per.symbol}`,
    dimension: num.dimension === 'count' ? 'count/time' : 'data/time',
    factor: num.factor / per.factor,
  };
}

const cache = new Map<string, Unit | null>();

/**
 * The unit a string names, or undefined when it names none Vigil knows. Accepts canonical symbols (`ms`,
 * `MiB`, `%`, `req/s`), words in any case and number (`seconds`, `MilliSecond`, `Byte`, `Percent`), rates
 * written `X/s`, `X per second`, `XPerSecond` (Dynatrace) or `XPerSecond` alone (`PerSecond` = `1/s`),
 * and Prometheus suffixes spelled out (`bytes`, `ratio`, `total`).
 */
export function parseUnit(text: string | undefined): Unit | undefined {
  if (text === undefined) return undefined;
  const hit = cache.get(text);
  if (hit !== undefined) return hit ?? undefined;
  const u = parseUncached(text.trim());
  cache.set(text, u ?? null);
  return u;
}

function parseUncached(s: string): Unit | undefined {
  if (s === '') return undefined;
  const direct = lookup(s);
  if (direct) return single(direct);
  // Rates: "B/s", "req / min", "bytes per second", "KiloBytePerSecond", "PerMinute", "rps".
  const slash = s.match(/^(.*?)\s*(?:\/|\bper\b|_per_)\s*(.+)$/i) ?? s.match(/^(.*?)Per([A-Z][a-z]+)$/);
  if (slash) {
    const per = lookup(slash[2]!.trim());
    const numText = slash[1]!.trim();
    const num = numText === '' ? COUNT[0] : lookup(numText);
    if (per && num && PER.includes(per)) return rate(num, per);
    return undefined;
  }
  const lower = s.toLowerCase();
  if (lower === 'rps' || lower === 'qps' || lower === 'ops/s') return rate(COUNT[1]!, PER[0]!);
  if (lower === 'bps') return rate(DATA[9]!, PER[0]!);
  return undefined;
}

/** Whether a unit string means "no unit" (Dynatrace `Unspecified`, an empty Datadog unit). */
export function isUnspecifiedUnit(text: string | undefined): boolean {
  return text === undefined || UNSPECIFIED.has(text.trim().toLowerCase());
}

/** Every canonical unit symbol, for error messages and docs. Rates are any count or data unit per s, min or h. */
export const KNOWN_UNITS: readonly string[] = [
  ...ENTRIES.map((e) => e.symbol),
  'req/s',
  '1/min',
  'B/s',
  'MiB/s',
  'bit/s',
];

/** The error text for a unit string Vigil does not know, naming the known ones. */
export function unknownUnitMessage(text: string): string {
  return (
    `unknown unit "${text}"; use one of ${KNOWN_UNITS.join(', ')} ` +
    '(or a count or data unit per s, min or h, e.g. "errors/min", "KiB/s"), or leave the unit out'
  );
}

/** Factor that converts a value in `from` into `to`, or undefined when they measure different things. */
export function conversionFactor(from: Unit, to: Unit): number | undefined {
  if (from.dimension !== to.dimension) return undefined;
  return from.factor / to.factor;
}

/** `value` (in `from`) expressed in `to`; undefined when the dimensions differ or a unit is unknown. */
export function convert(value: number, from: string | Unit, to: string | Unit): number | undefined {
  const f = typeof from === 'string' ? parseUnit(from) : from;
  const t = typeof to === 'string' ? parseUnit(to) : to;
  if (!f || !t) return undefined;
  const k = conversionFactor(f, t);
  return k === undefined ? undefined : value * k;
}

/**
 * A quantity written as text: `500ms`, `0.5 s`, `2 GiB`, `95%`, `1e3 req/s`. Undefined when the text is not
 * a number followed by a known unit.
 */
export function parseQuantity(text: string): { value: number; unit: Unit } | undefined {
  const m = text.trim().match(/^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(.+)$/i);
  if (!m) return undefined;
  const unit = parseUnit(m[2]!);
  const value = Number(m[1]);
  return unit && Number.isFinite(value) ? { value, unit } : undefined;
}

/** Readable scales of each family: a value is shown in the largest of them that it reaches. */
const SCALES: Record<string, string[]> = {
  time: ['ns', 'us', 'ms', 's', 'min', 'h'],
  decimal: ['B', 'KB', 'MB', 'GB', 'TB'],
  binary: ['B', 'KiB', 'MiB', 'GiB', 'TiB'],
  bits: ['bit', 'kbit', 'Mbit', 'Gbit'],
};

function familyOf(u: Unit): string[] | undefined {
  if (u.dimension === 'time') return SCALES.time;
  const base = u.dimension === 'data/time' ? u.symbol.slice(0, u.symbol.indexOf('/')) : u.symbol;
  if (u.dimension !== 'data' && u.dimension !== 'data/time') return undefined;
  for (const f of [SCALES.binary!, SCALES.bits!, SCALES.decimal!])
    if (f.includes(base) && base !== 'B') return f;
  return SCALES.decimal;
}

/** A number with about three significant digits, for sentences. */
export function formatNumber(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(Math.max(0, digits - 1));
  return String(Number(x.toPrecision(digits)));
}

/**
 * `value` (in `unit`) written with its unit at a readable scale: 0.0021 s as `2.1 ms`, 1536 KiB as
 * `1.5 MiB`, 0.0005 ratio as `0.05%`. Without a known unit: the number, followed by the unit text if any.
 */
export function formatQuantity(value: number, unit: string | Unit | undefined, digits = 3): string {
  const u = typeof unit === 'string' || unit === undefined ? parseUnit(unit) : unit;
  if (!u) {
    const s = formatNumber(value, digits);
    return typeof unit === 'string' && unit !== '' ? `${s} ${unit}` : s;
  }
  if (!Number.isFinite(value)) return formatNumber(value);
  if (u.symbol === 'ratio') return `${formatNumber(value * 100, digits)}%`;
  const family = familyOf(u);
  if (!family || value === 0) return join(formatNumber(value, digits), u.symbol);
  // Data rates scale their numerator only: 2048 B/s reads 2 KiB/s, never per millisecond.
  const slash = u.symbol.indexOf('/');
  const numSymbol = slash >= 0 ? u.symbol.slice(0, slash) : u.symbol;
  const per = slash >= 0 ? u.symbol.slice(slash) : '';
  const inBase = value * lookup(numSymbol)!.factor;
  let best = family[0]!;
  for (const sym of family) if (Math.abs(inBase) >= lookup(sym)!.factor) best = sym;
  return join(formatNumber(inBase / lookup(best)!.factor, digits), best + per);
}

function join(n: string, symbol: string): string {
  return symbol === '%' || symbol === '‰' ? `${n}${symbol}` : `${n} ${symbol}`;
}

/** A signed quantity (`+2.1 ms`, `-0.4 s`) for changes. */
export function formatChangeQuantity(value: number, unit: string | Unit | undefined, digits = 3): string {
  const s = formatQuantity(value, unit, digits);
  return value > 0 ? `+${s}` : s;
}
