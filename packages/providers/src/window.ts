/**
 * Step alignment. Points sit on the epoch grid `k * step`, and a window `[start, end)` holds the grid points
 * `start <= t < end`. Aligning to the epoch (not to the window start) is what makes incremental polling
 * correct: a poll of `[a, b)` then `[b, c)` yields exactly the points of `[a, c)`, each once.
 */
import { ProviderError } from './errors.ts';
import type { Window } from './provider.ts';

/** First and last grid point of a window, or undefined when it holds none. */
export interface AlignedRange {
  first: number;
  last: number;
  step: number;
  /** Number of grid points, last - first over step, plus one. */
  count: number;
}

export function alignWindow(w: Window, provider = 'vigil'): AlignedRange | undefined {
  validateWindow(w, provider);
  const first = Math.ceil(w.start / w.step) * w.step;
  const last = Math.ceil(w.end / w.step) * w.step - w.step;
  if (last < first) return undefined;
  return { first, last, step: w.step, count: (last - first) / w.step + 1 };
}

export function validateWindow(w: Window, provider = 'vigil'): void {
  const bad = (field: string, why: string) =>
    new ProviderError('bad-query', provider, `window.${field} ${why}`, {
      hint: 'pass epoch milliseconds with start < end and a positive whole-millisecond step',
    });
  if (!Number.isFinite(w.start)) throw bad('start', `is ${w.start}`);
  if (!Number.isFinite(w.end)) throw bad('end', `is ${w.end}`);
  if (!(w.step > 0) || !Number.isInteger(w.step)) throw bad('step', `is ${w.step}`);
  if (w.end < w.start) throw bad('end', `(${w.end}) is before window.start (${w.start})`);
}

/** Splits an aligned range into chunks of at most `maxPoints` grid points (Prometheus' 11,000 limit). */
export function splitAligned(r: AlignedRange, maxPoints: number): AlignedRange[] {
  const out: AlignedRange[] = [];
  const per = Math.max(1, Math.floor(maxPoints));
  for (let first = r.first; first <= r.last; first += per * r.step) {
    const last = Math.min(r.last, first + (per - 1) * r.step);
    out.push({ first, last, step: r.step, count: (last - first) / r.step + 1 });
  }
  return out;
}

/** Keeps points inside `[start, end)` and sorts them; used by adapters whose API returns a wider range. */
export function clip<T extends { t: number }>(points: T[], w: { start: number; end: number }): T[] {
  return points.filter((p) => p.t >= w.start && p.t < w.end).sort((a, b) => a.t - b.t);
}
