/**
 * The unit of a metric as its vendor names it, for metrics whose spec gives none: Prometheus by its naming
 * convention (base-unit suffixes), Datadog by its metric metadata, Dynatrace by its metric descriptor. Only
 * plain queries of one metric are read; anything that combines metrics or transforms values (ratios,
 * derivatives) has an unknown unit, since guessing a unit is worse than having none (no absolute floor).
 */
import { isUnspecifiedUnit, parseUnit } from '@vigil/core';

/** The canonical symbol of a vendor unit name, or undefined when Vigil does not know it. */
export function canonicalUnit(name: string | undefined | null): string | undefined {
  if (typeof name !== 'string' || isUnspecifiedUnit(name)) return undefined;
  return parseUnit(name)?.symbol;
}

// Words PromQL uses that look like metric names: keywords, and label lists after by/without/on/ignoring.
const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

const SUFFIXES: [string, string][] = [
  ['_seconds', 's'],
  ['_milliseconds', 'ms'],
  ['_microseconds', 'us'],
  ['_nanoseconds', 'ns'],
  ['_bytes', 'B'],
  ['_ratio', 'ratio'],
  ['_percent', '%'],
];

/** Metric names in a PromQL expression: not functions, label names or values, ranges or keywords. */
export function promqlMetricNames(promql: string): string[] {
  const text = bareExpression(promql);
  const names = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const word = m[0];
    const after = text.slice(m.index + word.length).trimStart();
    if (after.startsWith('(') || PROMQL_WORDS.has(word.toLowerCase())) continue;
    // Numbers such as 1e3 and durations are not names; a name is never preceded by a digit.
    if (m.index > 0 && /[\d.]/.test(text[m.index - 1]!)) continue;
    names.add(word);
  }
  return [...names];
}

/** The expression without strings, label matchers, ranges and label lists: what is left is names and operators. */
function bareExpression(promql: string): string {
  return promql
    .replace(/"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\boffset\s+-?\w+/g, '');
}

function suffixUnit(name: string): string | undefined {
  for (const [suffix, unit] of SUFFIXES) if (name.endsWith(suffix)) return unit;
  return undefined;
}

/**
 * The unit of a PromQL query from the Prometheus naming convention: `_seconds`, `_milliseconds`, `_bytes`,
 * `_ratio`, `_percent` and `_total` (a count; per second under rate/irate). Histogram buckets under
 * histogram_quantile keep their base unit; `x_sum / x_count` is the mean in x's unit. Undefined when the
 * query reads several metrics of different units, transforms them, or names no unit.
 */
export function prometheusQueryUnit(promql: string): string | undefined {
  const names = promqlMetricNames(promql);
  if (names.length === 0) return undefined;
  const perSecond = /\b(i?rate|deriv)\s*\(/.test(promql);
  const bare = bareExpression(promql);
  // Functions whose result is not in the metric's unit.
  if (
    /\b(count|count_values|deriv|predict_linear|changes|resets|absent|absent_over_time|count_over_time|timestamp|ln|log2|log10|exp|sgn)\s*\(/.test(
      bare,
    )
  )
    return undefined;
  // Arithmetic (`* 1000`, a ratio of two counters) makes a value in another unit; only x_sum / x_count,
  // the mean of a histogram or summary, keeps x's unit.
  const operator = /[*/+^%]|[\w)\]]\s*-\s*[\w(]/;
  const arithmetic = operator.test(bare);
  if (
    names.length === 2 &&
    (bare.match(/\//g) ?? []).length === 1 &&
    !operator.test(bare.replace('/', ' '))
  ) {
    const [a, b] = [...names].sort();
    if (a!.endsWith('_count') && b!.endsWith('_sum') && a!.slice(0, -6) === b!.slice(0, -4)) {
      return suffixUnit(b!.slice(0, -4));
    }
  }
  if (names.length !== 1 || arithmetic) return undefined;
  const name = names[0]!;
  if (name.endsWith('_bucket')) {
    return /\bhistogram_quantile\s*\(/.test(promql) ? suffixUnit(name.slice(0, -7)) : 'count';
  }
  if (name.endsWith('_count')) return perSecond ? '1/s' : 'count';
  if (name.endsWith('_total')) {
    const base = suffixUnit(name.slice(0, -6));
    if (base === undefined) return perSecond ? '1/s' : 'count';
    // bytes per second is a rate of data; seconds per second is a share of time (no unit Vigil knows).
    if (base === 'B') return perSecond ? 'B/s' : 'B';
    return perSecond ? undefined : base;
  }
  const unit = suffixUnit(name);
  if (unit === undefined) return undefined;
  // rate() of a gauge in bytes is bytes per second; of a time, a share of time.
  if (perSecond) return unit === 'B' ? 'B/s' : undefined;
  return unit;
}

/**
 * The metric of a plain Datadog query (`avg:trace.http.request.duration{service:web} by {pod}`, optional
 * rollup/fill), or undefined for formulas and functions whose unit is not the metric's.
 */
export function datadogQueryMetric(query: string): string | undefined {
  const m = query
    .trim()
    .match(
      /^(?:(?:avg|sum|min|max|p\d+(?:\.\d+)?):)?([A-Za-z][\w.]*)\s*\{[^}]*\}(?:\s*by\s*\{[^}]*\})?(?:\s*\.(?:rollup|fill)\([^)]*\))*\s*$/,
    );
  return m?.[1];
}

/**
 * The metric key of a Dynatrace selector and the transformations that change its unit (`:toUnit`, `:rate`),
 * e.g. `builtin:service.response.time:filter(...):splitBy("pod"):avg` -> `builtin:service.response.time`.
 * Undefined for expressions (arithmetic on several metrics).
 */
export function dynatraceUnitSelector(selector: string): string | undefined {
  const s = selector.trim();
  const key = s.match(/^(?:(?:builtin|ext|calc|func|dsfm|legacy):)?[A-Za-z][\w.-]*(?:\.[\w-]+)*/)?.[0];
  if (!key) return undefined;
  const rest = s.slice(key.length);
  if (rest !== '' && !rest.startsWith(':')) return undefined;
  const unitChanging = [...rest.matchAll(/:(toUnit|rate)\([^)]*\)/g)].map((m) => m[0]).join('');
  return key + unitChanging;
}

/** Remembers one lookup per key (a promise, so concurrent callers share the request); failures are undefined. */
export class UnitCache {
  private readonly entries = new Map<string, Promise<string | undefined>>();
  get(key: string, lookup: () => Promise<string | undefined>): Promise<string | undefined> {
    let p = this.entries.get(key);
    if (!p) {
      p = lookup().catch(() => undefined);
      this.entries.set(key, p);
    }
    return p;
  }
}
