import type { HistogramState } from './types.ts';

/**
 * Two histograms over the same bins, the last `window` values and the long run (an exponentially weighted
 * share), and the Kullback-Leibler divergence of the first from the second: how unlike its own past the
 * recent stretch of a series is distributed (a regime change: a new level, spread or mix of values).
 *
 * Kept in O(1) per point: the long-run weights are stored unnormalised with a growing increment (no decay
 * loop), and the divergence is updated from the two bins that change. The cached per-bin logarithms drift
 * only through the smoothing term, so they are refreshed in full every `REFRESH` points. Everything lives
 * in the JSON state, so a restored detector continues with exactly the same numbers.
 */

/**
 * Points between two full refreshes of the cached logarithms. In between, the smoothing term of a bin that
 * holds almost nothing drifts by about REFRESH x alpha in log (1.6% at the default alpha).
 */
const REFRESH = 8;
/** Long-run weights are rescaled when the increment grows past this, to stay far from overflow. */
const RESCALE = 1e100;

/** An empty pair of histograms; `spread` starts the bins' width (a number from the start, so it stays unboxed). */
export function createHistogram(window: number, bins: number, spread: number | null = null): HistogramState {
  return {
    recent: new Array<number>(window).fill(-1),
    pos: 0,
    counts: new Array<number>(bins).fill(0),
    long: new Array<number>(bins).fill(0),
    total: 0,
    gain: 1,
    logLong: new Array<number>(bins).fill(0),
    cross: 0,
    selfInfo: 0,
    tick: 0,
    spread,
  };
}

/** Weight of an empty long-run bin, as a share of one recent observation: rare, not impossible. */
function smoothing(h: HistogramState): number {
  return (0.1 / h.recent.length) * h.total;
}

function xlogx(c: number): number {
  return c > 0 ? c * Math.log(c) : 0;
}

/**
 * The logarithms a histogram of one window length needs, computed once by its owner (a detector builds one
 * for its window) instead of one log per point: c log c for every count the window can hold (counts are
 * small integers), and log(window).
 */
export interface EntropyTable {
  window: number;
  xlogx: Float64Array;
  logWindow: number;
}

/** The EntropyTable of a window length. */
export function entropyTable(window: number): EntropyTable {
  return {
    window,
    xlogx: Float64Array.from({ length: window + 2 }, (_, c) => xlogx(c)),
    logWindow: Math.log(window),
  };
}

/**
 * Divergence (nats) of the recent histogram, once `bin` has entered it and the oldest value has left, from
 * the long-run histogram as it stands (before `bin` is learnt). Changes nothing. `table`: the EntropyTable
 * of the histogram's window.
 */
export function divergence(
  h: HistogramState,
  bin: number,
  table: EntropyTable = entropyTable(h.recent.length),
): number {
  const w = h.recent.length;
  const xl = table.xlogx;
  const out = h.recent[h.pos]!;
  let selfInfo = h.selfInfo;
  let cross = h.cross;
  if (bin !== out) {
    const cb = h.counts[bin]!;
    selfInfo += xl[cb + 1]! - xl[cb]!;
    cross += h.logLong[bin]!;
    if (out >= 0) {
      const co = h.counts[out]!;
      selfInfo += xl[co - 1]! - xl[co]!;
      cross -= h.logLong[out]!;
    }
  }
  const bins = h.counts.length;
  const eps = 0.1 / w;
  // KL = sum p log p - sum p log q with p = c / w and q = (long + smoothing) / (total * (1 + eps * bins)).
  return selfInfo / w - table.logWindow - cross / w + Math.log(h.total * (1 + eps * bins));
}

/**
 * Adds `bin` to both histograms (the oldest recent value leaves) with long-run weight `alpha`; `table` as
 * for {@link divergence}.
 */
export function learnHistogram(
  h: HistogramState,
  bin: number,
  alpha: number,
  table: EntropyTable = entropyTable(h.recent.length),
): void {
  const out = h.recent[h.pos]!;
  const xl = table.xlogx;
  if (bin !== out) {
    const cb = h.counts[bin]!;
    h.selfInfo += xl[cb + 1]! - xl[cb]!;
    h.cross += h.logLong[bin]!;
    h.counts[bin] = cb + 1;
    if (out >= 0) {
      const co = h.counts[out]!;
      h.selfInfo += xl[co - 1]! - xl[co]!;
      h.cross -= h.logLong[out]!;
      h.counts[out] = co - 1;
    }
  }
  h.recent[h.pos] = bin;
  h.pos = (h.pos + 1) % h.recent.length;

  h.long[bin]! += h.gain;
  h.total += h.gain;
  h.gain /= 1 - alpha;
  if (h.gain > RESCALE) {
    for (let b = 0; b < h.long.length; b++) h.long[b]! /= h.gain;
    h.total /= h.gain;
    h.gain = 1;
    h.tick = 0;
  }
  if (h.tick++ % REFRESH === 0) refresh(h, xl);
  else {
    const fresh = Math.log(h.long[bin]! + smoothing(h));
    h.cross += h.counts[bin]! * (fresh - h.logLong[bin]!);
    h.logLong[bin] = fresh;
  }
}

/** Recomputes every cached logarithm and the sums built on them. */
function refresh(h: HistogramState, xl: Float64Array): void {
  const eps = smoothing(h);
  let cross = 0;
  let selfInfo = 0;
  for (let b = 0; b < h.long.length; b++) {
    const l = Math.log(h.long[b]! + eps);
    h.logLong[b] = l;
    cross += h.counts[b]! * l;
    selfInfo += xl[h.counts[b]!]!;
  }
  h.cross = cross;
  h.selfInfo = selfInfo;
}
