import { normalQuantile } from '../stats/distributions.ts';
import type { Direction, MetricData } from '../model/metric.ts';
import type { JudgeResult } from '../model/verdict.ts';
import { fmt, isHarmful, pct } from './decide.ts';
import type { Judge, JudgeContext } from './judge.ts';
import { notApplicable } from './notApplicable.ts';
import { absoluteFloor } from './sensitivity.ts';
import { take, takeInts } from './select.ts';
import { type SideValues, sideValues } from './sideValues.ts';

/** Options of the SAX shape judge. */
export interface ShapeOptions {
  /** Alphabet size of the SAX words (3..20). Default 8. */
  alphabet?: number;
  /** Number of PAA segments (word length). Default 12, at most the number of points. */
  segments?: number;
  /** Weight of the most recent segment relative to the oldest (linear in between). Default 2. */
  recentWeight?: number;
}

/** A SAX word: one symbol (0..alphabet-1) per segment. */
export type SaxWord = Int32Array;

/** Gaussian breakpoints that cut N(0,1) into `a` equiprobable regions. */
export function saxBreakpoints(a: number): number[] {
  if (!(Number.isInteger(a) && a >= 3 && a <= 20)) {
    throw new RangeError(`shape: alphabet must be a whole number in [3, 20], got ${a}`);
  }
  return Array.from({ length: a - 1 }, (_, i) => normalQuantile((i + 1) / a));
}

/** Piecewise aggregate approximation: the mean of each of `w` equal-length segments. */
export function paa(values: number[], w: number): number[] {
  const n = values.length;
  const out: number[] = [];
  for (let j = 0; j < w; j++) {
    const lo = Math.floor((j * n) / w);
    const hi = Math.max(lo + 1, Math.floor(((j + 1) * n) / w));
    let s = 0;
    for (let i = lo; i < hi; i++) s += values[i]!;
    out.push(s / (hi - lo));
  }
  return out;
}

/** The SAX word of values already z-normalised (by the caller's choice of mean and sd). */
export function saxWord(z: number[], w: number, breakpoints: number[]): SaxWord {
  const word = new Int32Array(w);
  paa(z, w).forEach((v, j) => {
    let s = 0;
    while (s < breakpoints.length && v > breakpoints[s]!) s++;
    word[j] = s;
  });
  return word;
}

/**
 * Direction-aware, recency-weighted MINDIST between a candidate word and a reference word: only segments
 * where the candidate is on the harmful side count; neighbouring symbols are distance 0 (SAX lower bound).
 */
export function saxDistance(
  candidate: SaxWord,
  reference: SaxWord,
  breakpoints: number[],
  n: number,
  direction: Direction,
  recentWeight: number,
): number {
  const w = candidate.length;
  let sum = 0;
  for (let j = 0; j < w; j++) {
    const c = candidate[j]!;
    const r = reference[j]!;
    if (Math.abs(c - r) <= 1) continue;
    if (direction === 'higher-is-worse' && c < r) continue;
    if (direction === 'lower-is-worse' && c > r) continue;
    const d = breakpoints[Math.max(c, r) - 1]! - breakpoints[Math.min(c, r)]!;
    const weight = w > 1 ? (1 + ((recentWeight - 1) * j) / (w - 1)) / ((1 + recentWeight) / 2) : 1;
    sum += weight * d * d;
  }
  return Math.sqrt((n / w) * sum);
}

/** Each instance's finite values, flat, keeping only instances with at least `min` of them. */
function instanceValues(read: SideValues, min: number): { values: Float64Array; start: number[] } {
  const starts = [0];
  if (read.allFinite) {
    // Every value counts: the side's values as read, dropping only too-short instances.
    let dropped = false;
    for (let i = 0; i + 1 < read.start.length; i++)
      if (read.start[i + 1]! - read.start[i]! < min) dropped = true;
    if (!dropped) {
      for (let i = 1; i < read.start.length; i++) starts.push(read.start[i]!);
      return { values: read.v, start: starts };
    }
  }
  const values = new Float64Array(read.v.length);
  let k = 0;
  for (let i = 0; i + 1 < read.start.length; i++) {
    const at = k;
    for (let j = read.start[i]!; j < read.start[i + 1]!; j++)
      if (Number.isFinite(read.v[j]!)) values[k++] = read.v[j]!;
    if (k - at >= min) starts.push(k);
    else k = at;
  }
  return { values, start: starts };
}

/**
 * The SAX word of values[start .. start + n), z-normalised with mean `mb` and sd `sd`, into `out` (one
 * symbol per segment). PAA is linear, so normalising the segment means equals averaging normalised points.
 * Module functions rather than closures per call, so V8 optimises them once.
 */
function paaWord(
  values: Float64Array,
  start: number,
  n: number,
  out: SaxWord,
  mb: number,
  sd: number,
  breakpoints: number[],
): SaxWord {
  const w = out.length;
  for (let j = 0; j < w; j++) {
    const lo = Math.floor((j * n) / w);
    const hi = Math.max(lo + 1, Math.floor(((j + 1) * n) / w));
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += values[start + i]!;
    const z = (sum / (hi - lo) - mb) / sd;
    let sym = 0;
    while (sym < breakpoints.length && z > breakpoints[sym]!) sym++;
    out[j] = sym;
  }
  return out;
}

/** Distance of `word` to its nearest reference word (skipping index `skip`), as saxDistance measures it. */
function nearestWord(
  word: SaxWord,
  refs: SaxWord[],
  skip: number,
  table: Float64Array,
  alphabet: number,
  weights: Float64Array,
  n: number,
): number {
  const w = word.length;
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < refs.length; k++) {
    if (k === skip) continue;
    const ref = refs[k]!;
    let sum = 0;
    for (let j = 0; j < w && sum < best; j++) {
      const d = table[word[j]! * alphabet + ref[j]!]!;
      if (d !== 0) sum += weights[j]! * d * d;
    }
    if (sum < best) best = sum;
  }
  return Math.sqrt((n / w) * best);
}

/**
 * Shape judge: SAX words of every instance, z-normalised with the baseline's pooled mean and sd (so a level
 * change stays visible), and the distance of each canary instance to its nearest baseline instance compared
 * with how far the baseline instances are from each other. The shape has no calibrated null distribution, so
 * this judge warns at most; it never fails a metric on its own. The metric's minimum relative and absolute
 * deltas must be met, so tiny changes of flat metrics never even warn.
 */
export function createShapeJudge(options: ShapeOptions = {}): Judge {
  const alphabet = options.alphabet ?? 8;
  const recentWeight = options.recentWeight ?? 2;
  const breakpoints = saxBreakpoints(alphabet);
  const tables = new Map<Direction, Float64Array>();
  /** Distance between candidate symbol c and reference symbol r at index c * alphabet + r (see saxDistance). */
  const symbolDistances = (direction: Direction): Float64Array => {
    let t = tables.get(direction);
    if (t) return t;
    t = new Float64Array(alphabet * alphabet);
    for (let c = 0; c < alphabet; c++)
      for (let r = 0; r < alphabet; r++) {
        if (Math.abs(c - r) <= 1) continue;
        if (direction === 'higher-is-worse' && c < r) continue;
        if (direction === 'lower-is-worse' && c > r) continue;
        t[c * alphabet + r] = breakpoints[Math.max(c, r) - 1]! - breakpoints[Math.min(c, r)]!;
      }
    tables.set(direction, t);
    return t;
  };
  return (data: MetricData, ctx: JudgeContext): JudgeResult => {
    const { definition } = data;
    const s = ctx.settings;
    const read = ctx.prepared?.values;
    const base = instanceValues(read?.baseline ?? sideValues(data.baseline), 4);
    const can = instanceValues(read?.canary ?? sideValues(data.canary), 4);
    const kb = base.start.length - 1;
    const kc = can.start.length - 1;
    if (kb < 2 || kc < 1) {
      return notApplicable(
        'shape',
        'needs two baseline instances and one canary instance with 4+ points each',
      );
    }
    let sum = 0;
    let sq = 0;
    const count = base.start[kb]!;
    for (let i = 0; i < count; i++) {
      const x = base.values[i]!;
      sum += x;
      sq += x * x;
    }
    const mb = sum / count;
    const variance = Math.max(0, (sq - sum * mb) / Math.max(1, count - 1));
    const sd = Math.max(Math.sqrt(variance), Math.abs(mb) * 1e-6, 1e-12);
    let n = Number.POSITIVE_INFINITY;
    for (let i = 0; i < kb; i++) n = Math.min(n, base.start[i + 1]! - base.start[i]!);
    for (let i = 0; i < kc; i++) n = Math.min(n, can.start[i + 1]! - can.start[i]!);
    const w = Math.min(options.segments ?? 12, n);
    // All words in one buffer (views into it), not a typed array each; with the judgment's buffers, theirs.
    const work = ctx.buffers;
    const words = work ? takeInts(work.shapeWords, (kb + kc) * w) : new Int32Array((kb + kc) * w);
    const bw: SaxWord[] = [];
    const cw: SaxWord[] = [];
    for (let i = 0; i < kb; i++) {
      bw.push(
        paaWord(
          base.values,
          base.start[i + 1]! - n,
          n,
          words.subarray(i * w, (i + 1) * w),
          mb,
          sd,
          breakpoints,
        ),
      );
    }
    for (let i = 0; i < kc; i++) {
      const out = words.subarray((kb + i) * w, (kb + i + 1) * w);
      cw.push(paaWord(can.values, can.start[i + 1]! - n, n, out, mb, sd, breakpoints));
    }
    // Nearest-word searches, the judge's inner loop: symbol distances looked up (harmful side only, as in
    // saxDistance) and a candidate dropped as soon as its partial sum exceeds the nearest so far.
    const table = symbolDistances(definition.direction);
    const weights = work ? take(work.shapeWeights, w) : new Float64Array(w);
    for (let j = 0; j < w; j++) {
      weights[j] = w > 1 ? (1 + ((recentWeight - 1) * j) / (w - 1)) / ((1 + recentWeight) / 2) : 1;
    }
    // Each baseline instance's distance to its nearest other baseline instance; the largest is the spread.
    let baselineSpread = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < kb; i++) {
      baselineSpread = Math.max(baselineSpread, nearestWord(bw[i]!, bw, i, table, alphabet, weights, n));
    }
    const canaryDistances = work ? take(work.shapeDistances, kc) : new Float64Array(kc);
    for (let i = 0; i < kc; i++)
      canaryDistances[i] = nearestWord(cw[i]!, bw, -1, table, alphabet, weights, n);
    canaryDistances.sort();
    const typical = canaryDistances[Math.floor((kc - 1) / 2)]!;
    let csum = 0;
    const ccount = can.start[kc]!;
    for (let i = 0; i < ccount; i++) csum += can.values[i]!;
    const mc = csum / ccount;
    const delta = mc - mb;
    const relative = mb !== 0 ? delta / Math.abs(mb) : delta === 0 ? 0 : Number.POSITIVE_INFINITY;
    const bigEnough =
      isHarmful(definition.direction, delta > 0) &&
      Math.abs(delta) >= absoluteFloor(s, definition).value &&
      Math.abs(relative) >= s.minRelativeChange;
    const different = typical > 0 && typical > s.shapeFactor * baselineSpread;
    const warn = different && bigEnough;
    const ratio = baselineSpread > 0 ? typical / baselineSpread : typical > 0 ? Number.POSITIVE_INFINITY : 1;
    return {
      judge: 'shape',
      outcome: warn ? 'warn' : 'pass',
      risk: warn ? Math.min(0.75, 0.5 + 0.05 * Math.min(5, ratio - s.shapeFactor)) : different ? 0.3 : 0,
      classification: warn ? (delta > 0 ? 'high' : 'low') : 'pass',
      explanation:
        `SAX distance of the typical canary instance to its nearest baseline instance ${fmt(typical)} vs ` +
        `${fmt(baselineSpread)} between baseline instances (x${fmt(ratio)}, warn above x${fmt(s.shapeFactor)}; ` +
        `alphabet ${alphabet}, ${w} segments, mean ${pct(relative)})`,
      evidence: {
        canaryDistance: typical,
        baselineSpread,
        ratio: Number.isFinite(ratio) ? ratio : null,
        alphabet,
        segments: w,
        relativeChange: Number.isFinite(relative) ? relative : null,
        bigEnough,
      },
    };
  };
}

/** The shape judge with default options. */
export const shapeJudge: Judge = createShapeJudge();
