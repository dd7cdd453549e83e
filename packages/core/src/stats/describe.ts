/**
 * Descriptive statistics. NaN handling is explicit: these functions take the values as given, so a NaN
 * in the input gives NaN out, and an empty input gives NaN (never a throw, never a silent 0). Remove NaN
 * with {@link finite} first when that is what the caller means.
 */

/** The finite values of `values`, in order (drops NaN and +-Infinity). */
export function finite(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** Arithmetic mean; NaN for an empty input. */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s / values.length;
}

/** Sample variance (n - 1 denominator, two-pass); NaN for fewer than two values. */
export function variance(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values);
  let ss = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - m;
    ss += d * d;
    comp += d;
  }
  // Corrected two-pass formula: the compensation term removes the rounding error of the mean.
  return (ss - (comp * comp) / n) / (n - 1);
}

/** Sample standard deviation. */
export function standardDeviation(values: ArrayLike<number>): number {
  return Math.sqrt(variance(values));
}

/**
 * Quantile q in [0, 1] of values SORTED ascending, by linear interpolation between order statistics
 * (Hyndman-Fan type 7: R's default, numpy's `linear`). NaN for an empty input.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0 || q > 1) throw new RangeError(`quantile: q must lie in [0, 1], got ${q}`);
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/** Ascending copy, numeric order. */
export function sortAscending(values: ArrayLike<number>): number[] {
  // The typed-array sort is native and numeric (NaN last): several times faster than a comparator.
  return Array.from(Float64Array.from(values).sort());
}

/** Median (type 7 quantile 0.5) of unsorted values. */
export function median(values: ArrayLike<number>): number {
  return quantile(Float64Array.from(values).sort(), 0.5);
}

/** Interquartile range Q3 - Q1 (type 7) of unsorted values. */
export function iqr(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  return quantile(s, 0.75) - quantile(s, 0.25);
}
