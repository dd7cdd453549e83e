const BARS = '▁▂▃▄▅▆▇█';

/** A unicode sparkline of values, scaled to [lo, hi] (shared between series that are compared). */
export function sparkline(values: (number | null)[], lo?: number, hi?: number): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return '';
  const min = lo ?? Math.min(...finite);
  const max = hi ?? Math.max(...finite);
  const span = max - min || 1;
  return values
    .map((v) =>
      v === null || !Number.isFinite(v)
        ? ' '
        : BARS[Math.min(7, Math.max(0, Math.round(((v - min) / span) * 7)))],
    )
    .join('');
}

/** Shrinks a series to at most `n` points by averaging buckets, so sparklines stay short. */
export function downsample(values: (number | null)[], n: number): (number | null)[] {
  if (values.length <= n) return values;
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const bucket = values
      .slice(Math.floor((i * values.length) / n), Math.floor(((i + 1) * values.length) / n))
      .filter((v): v is number => v !== null);
    out.push(bucket.length ? bucket.reduce((a, b) => a + b, 0) / bucket.length : null);
  }
  return out;
}
