import { alertThreshold, DEFAULT_SENSITIVITY } from './sensitivity.ts';
import { createHistogram, divergence, learnHistogram } from './histogram.ts';
import type {
  AnomalyPoint,
  ComponentState,
  DetectorOptions,
  DetectorState,
  HistogramState,
  SeasonalState,
} from './types.ts';

/**
 * The constants of the detector: one configuration for every series (measured on NAB with `pnpm bench nab`).
 * Exposed so the benchmark and tests can document and vary them; production code uses the defaults.
 */
export interface DetectorTuning {
  /** Points seen (and, per model, errors seen) before a model may raise evidence: scales need history. */
  warmup: number;
  /** Weight of the newest value in the level (EWMA). */
  levelAlpha: number;
  /** Weight of the newest absolute error in each model's scale (EWMA). */
  scaleAlpha: number;
  /** Errors are clipped at this many scales before they update a scale, so one outlier does not widen it. */
  scaleClip: number;
  /** Weight of the newest value in a seasonal slot (EWMA): high values follow the last cycle closely. */
  seasonalAlpha: number;
  /** Surprise (error over scale) that, by itself, is enough evidence for an alert at medium sensitivity. */
  zAlert: number;
  /** A surprise must also exceed this multiple of the largest surprise of the same model in the last `memoryDays`. */
  novelty: number;
  /** Seasonal evidence is capped at (the naive and level models' own evidence) / this (0: no cap). */
  seasonalConfirm: number;
  /** Days a model only records its surprises, after its warm-up, before its evidence counts. */
  quietDays: number;
  /** Days of surprise history a new surprise is compared with. */
  memoryDays: number;
  /** Surprises enter that history only up to this multiple of `zAlert`, so one big event does not mask later ones. */
  peakCap: number;
  /** Points after an alert during which evidence is damped: one event, one alert. */
  refractory: number;
  /** Factor applied to the evidence during the refractory period. */
  refractoryDamp: number;
  /** A silence longer than this many sampling steps is a gap: the last value no longer predicts the next. */
  gapSteps: number;
  /** Smallest scale of a model, as a share of the series' spread (mean absolute deviation from its slow level). */
  floorShare: number;
  /** Weight of the newest value in the recent average that the shift model compares (0: no shift model). */
  shiftAlpha: number;
  /** Weight of the newest value in the long-run level that the shift model compares with. */
  baseAlpha: number;
  /** Points in the recent window whose histogram the entropy model compares with the long-run one (0: off). */
  entropyWindow: number;
  /** Histogram bins, each `entropyBinWidth` spreads wide, centred on the slow level (outer bins open). */
  entropyBins: number;
  entropyBinWidth: number;
  /** Weight of the newest value in the long-run histogram. */
  entropyAlpha: number;
  /** Smallest scale of the entropy model (in nats), so that a usually tiny divergence does not look huge. */
  entropyFloor: number;
  /** The entropy model's surprise is multiplied by this before it is judged like the others. */
  entropyGain: number;
  /** Weight of the newest deviation in the spread that sets the bins' width (0: the detector's own spread). */
  entropySpreadAlpha: number;
}

/**
 * Chosen by a search over the whole NAB subset with one configuration for all files (never per file).
 * zAlert and novelty were then scaled together (from 6 and 1.3) so that the threshold NAB's optimiser picks
 * falls at score 0.5: the default alert line and the best line coincide. The entropy constants and
 * seasonalConfirm were chosen the same way in a second round; `pnpm bench nab --loco` shows how much of the
 * score survives when constants and threshold are chosen without the category that is scored.
 */
export const DEFAULT_TUNING: Readonly<DetectorTuning> = {
  warmup: 60,
  levelAlpha: 0.1,
  scaleAlpha: 0.01,
  scaleClip: 2,
  seasonalAlpha: 0.5,
  zAlert: 5.2355,
  novelty: 1.134,
  seasonalConfirm: 0.2,
  quietDays: 1,
  memoryDays: 14,
  peakCap: 100,
  refractory: 50,
  refractoryDamp: 0.1,
  gapSteps: 3,
  floorShare: 0.1,
  shiftAlpha: 0.05,
  baseAlpha: 0.005,
  entropyWindow: 24,
  entropyBins: 12,
  entropyBinWidth: 1,
  entropyAlpha: 0.002,
  entropyFloor: 0.2,
  entropyGain: 2,
  entropySpreadAlpha: 0.002,
};

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** At most this many slots per cycle, so the state stays small whatever the sampling step. */
const MAX_DAILY_SLOTS = 288;
const MAX_WEEKLY_SLOTS = 672;
/** Intervals looked at before the sampling step is fixed (their median). */
const STEP_SAMPLES = 5;

type ModelName = 'naive' | 'level' | 'daily' | 'weekly' | 'shift' | 'entropy';
interface PeakCache {
  day: number;
  peak: number;
}
const MODEL_LABEL: Record<ModelName, string> = {
  naive: 'previous value',
  level: 'recent level',
  daily: 'same time of day',
  weekly: 'same time of week',
  shift: 'long-run level (observed: the recent average)',
  entropy: 'the long-run distribution of values',
};
/** Points scoring below this are plainly normal: their reason is a fixed sentence (cheap), not a computed one. */
const DETAIL_SCORE = 0.25;
const NORMAL_REASON: Record<ModelName, string> = {
  naive: 'within the usual range around the previous value',
  level: 'within the usual range around the recent level',
  daily: 'within the usual range for this time of day',
  weekly: 'within the usual range for this time of week',
  shift: 'recent average within the usual range of the long-run level',
  entropy: 'recent values distributed as usual',
};

/** A streaming anomaly detector for one series. */
export interface Detector {
  /** Scores the next point (t in epoch ms) using only this and earlier points, then learns it. */
  update(t: number, v: number): AnomalyPoint;
  /** The detector's memory as a plain JSON object; `restoreDetector` continues exactly where it stopped. */
  snapshot(): DetectorState;
}

function newComponent(days: number): ComponentState {
  return {
    scale: null,
    seen: 0,
    since: null,
    peaks: new Array<number>(days).fill(0),
    peakDays: new Array<number>(days).fill(-1),
  };
}

function initialState(options: DetectorOptions, k: DetectorTuning): DetectorState {
  const sensitivity = options.sensitivity ?? DEFAULT_SENSITIVITY;
  alertThreshold(sensitivity);
  const days = Math.max(1, Math.round(k.memoryDays));
  return {
    version: 1,
    sensitivity,
    n: 0,
    firstT: null,
    lastT: null,
    lastV: null,
    deltas: [],
    step: null,
    level: null,
    slow: null,
    spread: 0,
    sinceAlert: Number.MAX_SAFE_INTEGER,
    naive: newComponent(days),
    levelModel: newComponent(days),
    dailyModel: newComponent(days),
    weeklyModel: newComponent(days),
    shiftModel: newComponent(days),
    entropyModel: newComponent(days),
    hist: null,
    fast: null,
    base: null,
    daily: null,
    weekly: null,
  };
}

function seasonal(cycleMs: number, step: number, maxSlots: number): SeasonalState | null {
  // A cycle with fewer than 4 samples has no shape worth modelling.
  if (step * 4 > cycleMs) return null;
  const slotMs = Math.max(step, cycleMs / maxSlots);
  return { cycleMs, slotMs, values: new Array<number | null>(Math.ceil(cycleMs / slotMs)).fill(null) };
}

function slotOf(s: SeasonalState, t: number): number {
  const phase = ((t % s.cycleMs) + s.cycleMs) % s.cycleMs;
  return Math.min(s.values.length - 1, Math.floor(phase / s.slotMs));
}

/** The largest surprise the model has had in the days it remembers (today included). */
function recentPeak(c: ComponentState, day: number): number {
  let m = 0;
  const d = c.peaks.length;
  for (let i = 0; i < d; i++) {
    if (day - c.peakDays[i]! < d && c.peaks[i]! > m) m = c.peaks[i]!;
  }
  return m;
}

function recordPeak(c: ComponentState, day: number, z: number): void {
  const i = day % c.peaks.length;
  if (c.peakDays[i] !== day) {
    c.peakDays[i] = day;
    c.peaks[i] = 0;
  }
  if (z > c.peaks[i]!) c.peaks[i] = z;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

/** Creates a detector with empty memory. */
export function createDetector(
  options: DetectorOptions = {},
  tuning: Partial<DetectorTuning> = {},
): Detector {
  const k = { ...DEFAULT_TUNING, ...tuning };
  return run(initialState(options, k), k);
}

/** Continues a detector from a `snapshot()`; its scores equal those of a run that was never interrupted. */
export function restoreDetector(state: DetectorState, tuning: Partial<DetectorTuning> = {}): Detector {
  if (state?.version !== 1) {
    throw new Error('detector state: unknown version; pass an object returned by snapshot()');
  }
  const k = { ...DEFAULT_TUNING, ...tuning };
  const s = structuredClone(state);
  // States stored before the entropy model existed start it afresh.
  const days = Math.max(1, Math.round(k.memoryDays));
  s.entropyModel ??= newComponent(days);
  s.hist ??= null;
  return run(s, k);
}

function run(s: DetectorState, k: DetectorTuning): Detector {
  const threshold = alertThreshold(s.sensitivity);
  const peakCap = k.peakCap * k.zAlert;
  // The remembered peak of each model (naive, level, daily, weekly, shift) changes only when the day turns or
  // a bigger surprise comes.
  const [naiveCache, levelCache, dailyCache, weeklyCache, shiftCache, entropyCache] = Array.from(
    { length: 6 },
    (): PeakCache => ({ day: Number.NaN, peak: 0 }),
  ) as [PeakCache, PeakCache, PeakCache, PeakCache, PeakCache, PeakCache];
  const entropyModel = s.entropyModel!;
  const half = k.entropyBins / 2;

  // The model with the strongest evidence at the current point.
  let bestStrength = 0;
  let bestModel: ModelName | null = null;
  let bestPred = 0;
  let bestScale = 0;
  let bestZ = 0;
  let bestObserved = 0;
  let localAbsolute = 0;
  // Centre and half-width of the histograms at the current point (for the entropy model's explanation).
  let histCentre = 0;
  let histHalfSpan = 0;

  function judge(
    name: ModelName,
    c: ComponentState,
    cache: PeakCache,
    pred: number | null,
    v: number,
    floor: number,
    day: number,
  ): void {
    if (pred === null) return;
    const err = v - pred;
    const abs = err < 0 ? -err : err;
    c.seen++;
    if (c.scale === null || c.seen <= k.warmup) {
      // A model learns its usual error before it may speak: its first errors may come from a regime
      // it never saw (a weekly model starting after a level shift).
      c.scale = c.scale === null ? abs : c.scale + (abs - c.scale) / c.seen;
      return;
    }
    const scale = Math.max(c.scale, floor);
    const z = abs / scale;
    if (c.since === null) c.since = day;
    // Until the model has a day or more of surprises in memory, it cannot tell a new surprise from its usual
    // ones: it listens without speaking.
    const listening = day - c.since < k.quietDays;
    const absolute = (name === 'entropy' ? z * k.entropyGain : z) / k.zAlert;
    if (cache.day !== day) {
      cache.day = day;
      cache.peak = recentPeak(c, day);
    }
    const peak = cache.peak;
    const novel = peak > 0 ? z / (k.novelty * peak) : absolute;
    let strength = Math.min(absolute, novel);
    if (name === 'naive' || name === 'level') localAbsolute = Math.max(localAbsolute, absolute);
    else if (k.seasonalConfirm > 0 && (name === 'daily' || name === 'weekly')) {
      // A seasonal model alone may not alarm over a value that is ordinary for the last hours.
      strength = Math.min(strength, localAbsolute / k.seasonalConfirm);
    }
    if (!listening && (bestModel === null || strength > bestStrength)) {
      bestStrength = strength;
      bestModel = name;
      bestPred = pred;
      bestScale = scale;
      bestZ = z;
      bestObserved = v;
    }
    const capped = Math.min(z, peakCap);
    recordPeak(c, day, capped);
    if (capped > cache.peak) cache.peak = capped;
    const bound = k.scaleClip * scale;
    c.scale += k.scaleAlpha * (Math.min(abs, bound) - c.scale);
  }

  function seasonalPred(ss: SeasonalState | null, slot: number, t: number): number | null {
    if (ss === null || s.firstT === null || t - s.firstT < ss.cycleMs) return null;
    return ss.values[slot] ?? null;
  }

  function learnSeasonal(ss: SeasonalState | null, i: number, v: number): void {
    if (ss === null) return;
    const old = ss.values[i];
    ss.values[i] = old === null || old === undefined ? v : old + k.seasonalAlpha * (v - old);
  }

  function learnStep(t: number): boolean {
    if (s.lastT === null) return false;
    const delta = t - s.lastT;
    if (s.step !== null) return delta > k.gapSteps * s.step;
    if (delta > 0) s.deltas.push(delta);
    if (s.deltas.length >= STEP_SAMPLES) {
      const sorted = [...s.deltas].sort((a, b) => a - b);
      s.step = sorted[sorted.length >> 1]!;
      s.deltas = [];
      s.daily = seasonal(DAY, s.step, MAX_DAILY_SLOTS);
      s.weekly = seasonal(WEEK, s.step, MAX_WEEKLY_SLOTS);
    }
    return false;
  }

  function binOf(h: HistogramState, v: number): number {
    const centre = s.slow!;
    const spread = k.entropySpreadAlpha > 0 ? h.spread! : s.spread;
    const width = k.entropyBinWidth * Math.max(spread, 1e-9 * (Math.abs(centre) + 1));
    histCentre = centre;
    histHalfSpan = half * width;
    const b = Math.floor((v - centre) / width + half);
    return b < 0 ? 0 : b >= k.entropyBins ? k.entropyBins - 1 : b;
  }

  function update(t: number, v: number): AnomalyPoint {
    if (!Number.isFinite(t)) throw new Error(`anomaly detector: timestamp ${t} is not a number of epoch ms`);
    if (!Number.isFinite(v)) {
      return {
        t,
        value: v,
        score: 0,
        alert: false,
        expected: null,
        lower: null,
        upper: null,
        reason: 'no value (gap)',
      };
    }
    const gap = learnStep(t);
    const day = Math.floor(t / DAY);

    bestStrength = 0;
    bestModel = null;
    // A model's scale may not shrink below a share of the series' own spread: long flat stretches
    // would otherwise make the next ordinary wiggle look infinitely surprising.
    const floor = Math.max(1e-9 * (s.slow === null ? 1 : Math.abs(s.slow) + 1), k.floorShare * s.spread);
    localAbsolute = 0;
    judge('naive', s.naive, naiveCache, gap ? null : s.lastV, v, floor, day);
    judge('level', s.levelModel, levelCache, s.level, v, floor, day);
    const dailySlot = s.daily === null ? 0 : slotOf(s.daily, t);
    const weeklySlot = s.weekly === null ? 0 : slotOf(s.weekly, t);
    judge('daily', s.dailyModel, dailyCache, seasonalPred(s.daily, dailySlot, t), v, floor, day);
    judge('weekly', s.weeklyModel, weeklyCache, seasonalPred(s.weekly, weeklySlot, t), v, floor, day);
    if (k.shiftAlpha > 0 && s.fast !== null) {
      // Sustained change: the recent average against the long-run level.
      const fast = s.fast + k.shiftAlpha * (v - s.fast);
      judge('shift', s.shiftModel, shiftCache, s.base, fast, floor * k.shiftAlpha, day);
    }
    let bin = -1;
    if (k.entropyWindow > 0 && s.slow !== null) {
      s.hist ??= createHistogram(k.entropyWindow, k.entropyBins);
      // The bins' width follows the spread slowly, so a change of spread shows as a new mix of bins
      // instead of widening the bins with it.
      const h = s.hist;
      h.spread ??= s.spread;
      bin = binOf(h, v);
      h.spread += k.entropySpreadAlpha * (Math.abs(v - s.slow) - h.spread);
      // The recent window must be full (and the long run have some history) before they are compared.
      if (s.n >= k.warmup + k.entropyWindow) {
        judge('entropy', entropyModel, entropyCache, 0, divergence(s.hist, bin), k.entropyFloor, day);
      }
    }

    let strength = s.n < k.warmup ? 0 : bestStrength;

    const damped = s.sinceAlert < k.refractory;
    if (damped) strength *= k.refractoryDamp;
    const score = strength / (1 + strength);
    const alert = score >= threshold;

    if (s.firstT === null) s.firstT = t;
    s.fast = s.fast === null ? v : s.fast + k.shiftAlpha * (v - s.fast);
    s.base = s.base === null ? v : s.base + k.baseAlpha * (v - s.base);
    s.level = s.level === null ? v : s.level + k.levelAlpha * (v - s.level);
    if (s.slow === null) s.slow = v;
    else {
      s.spread += k.scaleAlpha * (Math.abs(v - s.slow) - s.spread);
      s.slow += k.scaleAlpha * (v - s.slow);
    }
    if (bin >= 0) learnHistogram(s.hist!, bin, k.entropyAlpha);
    learnSeasonal(s.daily, dailySlot, v);
    learnSeasonal(s.weekly, weeklySlot, v);
    s.lastV = v;
    s.n++;
    // Real feeds repeat or reorder timestamps now and then: such a point is scored as if it came now.
    s.lastT = s.lastT === null || t > s.lastT ? t : s.lastT;
    s.sinceAlert = alert ? 0 : Math.min(s.sinceAlert + 1, Number.MAX_SAFE_INTEGER);

    const model = bestModel as ModelName | null;
    if (model === null || s.n <= k.warmup) {
      return { t, value: v, score, alert, expected: null, lower: null, upper: null, reason: 'learning' };
    }
    const after = damped ? ', just after an alert' : '';
    if (model === 'entropy') {
      // The evidence is about the recent values as a whole: the band is the span the histograms cover.
      return {
        t,
        value: v,
        score,
        alert,
        expected: histCentre,
        lower: histCentre - histHalfSpan,
        upper: histCentre + histHalfSpan,
        reason:
          score < DETAIL_SCORE
            ? NORMAL_REASON.entropy
            : `the last ${k.entropyWindow} values are distributed unlike ${MODEL_LABEL.entropy} around ${fmt(histCentre)} (divergence ${fmt(bestObserved)} nats, ${bestZ.toFixed(1)}x usual)${after}`,
      };
    }
    const band = k.zAlert * bestScale;
    return {
      t,
      value: v,
      score,
      alert,
      expected: bestPred,
      lower: bestPred - band,
      upper: bestPred + band,
      reason:
        score < DETAIL_SCORE
          ? NORMAL_REASON[model]
          : `${fmt(bestObserved)} vs ${fmt(bestPred)} expected from ${MODEL_LABEL[model]} (${bestZ.toFixed(1)}x usual deviation)${after}`,
    };
  }

  return { update, snapshot: () => structuredClone(s) };
}
