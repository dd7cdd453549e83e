import { alertThreshold, DEFAULT_SENSITIVITY } from './sensitivity.ts';
import type { AnomalyPoint, ComponentState, DetectorOptions, DetectorState, SeasonalState } from './types.ts';

/**
 * The constants of the detector: one configuration for every series (measured on NAB with `pnpm bench nab`).
 * Exposed so the benchmark and tests can document and vary them; production code uses the defaults.
 */
export interface DetectorTuning {
  /** Points seen before any score above 0: the scales are not worth trusting earlier. */
  warmup: number;
  /** Weight of the newest value in the fast level (EWMA). */
  levelAlpha: number;
  /** Weight of the newest absolute error in each model's scale (EWMA). */
  scaleAlpha: number;
  /** Errors are clipped at this many scales before they update a scale, so one outlier does not widen it. */
  scaleClip: number;
  /** Weight of the newest value in a seasonal slot (EWMA): high values follow the last cycle closely. */
  seasonalAlpha: number;
  /** Surprise (error over scale) that, by itself, is enough evidence for an alert at medium sensitivity. */
  zAlert: number;
  /** A surprise must also exceed this multiple of the decaying peak of the model's past surprises. */
  novelty: number;
  /** Half-life, in points, of that peak. */
  peakHalfLife: number;
  /** Surprises above this multiple of `zAlert` enter the peak only up to it, so one big event does not mask later ones. */
  peakCap: number;
  /** Points after an alert during which evidence is damped: one event, one alert. */
  refractory: number;
  /** Factor applied to the evidence during the refractory period. */
  refractoryDamp: number;
  /** A silence longer than this many sampling steps is a gap: the last value no longer predicts the next. */
  gapSteps: number;
  /** Smallest scale of a model, as a share of the series' spread (mean absolute deviation from its slow level). */
  floorShare: number;
  /** Surprise that all models must share for an alert by consensus. */
  consensusZ: number;
  /** How model evidence combines. */
  combine: 'min' | 'max' | 'both';
}

export const DEFAULT_TUNING: Readonly<DetectorTuning> = {
  warmup: 60,
  levelAlpha: 0.05,
  scaleAlpha: 0.01,
  scaleClip: 3,
  seasonalAlpha: 0.5,
  zAlert: 4,
  novelty: 1.3,
  peakHalfLife: 500,
  peakCap: 100,
  refractory: 200,
  refractoryDamp: 0.35,
  gapSteps: 3,
  floorShare: 0.2,
  consensusZ: 3,
  combine: 'max',
};

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** At most this many slots per cycle, so the state stays small whatever the sampling step. */
const MAX_DAILY_SLOTS = 288;
const MAX_WEEKLY_SLOTS = 672;
/** Intervals looked at before the sampling step is fixed (their median). */
const STEP_SAMPLES = 5;

type ModelName = 'naive' | 'level' | 'daily' | 'weekly';
const MODEL_LABEL: Record<ModelName, string> = {
  naive: 'previous value',
  level: 'recent level',
  daily: 'same time of day',
  weekly: 'same time of week',
};

/** A streaming anomaly detector for one series. */
export interface Detector {
  /** Scores the next point (time order; t in epoch ms) using only this and earlier points, then learns it. */
  update(t: number, v: number): AnomalyPoint;
  /** The detector's memory as a plain JSON object; `restoreDetector` continues exactly where it stopped. */
  snapshot(): DetectorState;
}

function newComponent(): ComponentState {
  return { scale: null, peak: 0, seen: 0 };
}

function initialState(options: DetectorOptions): DetectorState {
  const sensitivity = options.sensitivity ?? DEFAULT_SENSITIVITY;
  alertThreshold(sensitivity);
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
    consensusPeak: 0,
    spread: 0,
    sinceAlert: Number.MAX_SAFE_INTEGER,
    naive: newComponent(),
    levelModel: newComponent(),
    dailyModel: newComponent(),
    weeklyModel: newComponent(),
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

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

/** Creates a detector with empty memory. */
export function createDetector(
  options: DetectorOptions = {},
  tuning: Partial<DetectorTuning> = {},
): Detector {
  return run(initialState(options), { ...DEFAULT_TUNING, ...tuning });
}

/** Continues a detector from a `snapshot()`; its scores equal those of a run that was never interrupted. */
export function restoreDetector(state: DetectorState, tuning: Partial<DetectorTuning> = {}): Detector {
  if (state?.version !== 1) {
    throw new Error('detector state: unknown version; pass an object returned by snapshot()');
  }
  return run(structuredClone(state), { ...DEFAULT_TUNING, ...tuning });
}

function run(s: DetectorState, k: DetectorTuning): Detector {
  const threshold = alertThreshold(s.sensitivity);
  const decay = 0.5 ** (1 / k.peakHalfLife);
  const peakCap = k.peakCap * k.zAlert;

  // Scratch for the model with the strongest evidence at the current point.
  let bestStrength = 0;
  let bestModel: ModelName | null = null;
  let bestPred = 0;
  let bestScale = 0;
  let bestZ = 0;

  let minZ = Number.POSITIVE_INFINITY;
  function judge(name: ModelName, c: ComponentState, pred: number | null, v: number, floor: number): void {
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
    if (z < minZ) minZ = z;
    const absolute = z / k.zAlert;
    const novel = c.peak > 0 ? z / (k.novelty * c.peak) : absolute;
    const strength = Math.min(absolute, novel);
    if (bestModel === null || strength > bestStrength) {
      bestStrength = strength;
      bestModel = name;
      bestPred = pred;
      bestScale = scale;
      bestZ = z;
    }
    const capped = Math.min(z, peakCap);
    const decayed = c.peak * decay;
    c.peak = Math.max(capped, decayed);
    const bound = k.scaleClip * scale;
    const clipped = Math.min(abs, bound);
    c.scale += k.scaleAlpha * (clipped - c.scale);
  }

  function seasonalPred(ss: SeasonalState | null, t: number): number | null {
    if (ss === null || s.firstT === null || t - s.firstT < ss.cycleMs) return null;
    return ss.values[slotOf(ss, t)] ?? null;
  }

  function learnSeasonal(ss: SeasonalState | null, t: number, v: number): void {
    if (ss === null) return;
    const i = slotOf(ss, t);
    const old = ss.values[i];
    ss.values[i] = old === null || old === undefined ? v : old + k.seasonalAlpha * (v - old);
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
    let gap = false;
    if (s.lastT !== null) {
      const delta = t - s.lastT;
      if (s.step === null) {
        if (delta > 0) s.deltas.push(delta);
        if (s.deltas.length >= STEP_SAMPLES) {
          const sorted = [...s.deltas].sort((a, b) => a - b);
          s.step = sorted[sorted.length >> 1]!;
          s.deltas = [];
          s.daily = seasonal(DAY, s.step, MAX_DAILY_SLOTS);
          s.weekly = seasonal(WEEK, s.step, MAX_WEEKLY_SLOTS);
        }
      } else if (delta > k.gapSteps * s.step) {
        gap = true;
      }
    }

    bestStrength = 0;
    bestModel = null;
    // A model's scale may not shrink below a share of the series' own spread: long flat stretches
    // would otherwise make the next ordinary wiggle look infinitely surprising.
    const floor = Math.max(1e-9 * (s.slow === null ? 1 : Math.abs(s.slow) + 1), k.floorShare * s.spread);
    judge('naive', s.naive, gap ? null : s.lastV, v, floor);
    judge('level', s.levelModel, s.level, v, floor);
    judge('daily', s.dailyModel, seasonalPred(s.daily, t), v, floor);
    judge('weekly', s.weeklyModel, seasonalPred(s.weekly, t), v, floor);

    let consensus = 0;
    if (minZ !== Number.POSITIVE_INFINITY) {
      const absolute = minZ / k.consensusZ;
      const novel = s.consensusPeak > 0 ? minZ / (k.novelty * s.consensusPeak) : absolute;
      consensus = Math.min(absolute, novel);
      const cap = k.peakCap * k.consensusZ;
      const capped = Math.min(minZ, cap);
      const decayed = s.consensusPeak * decay;
      s.consensusPeak = Math.max(capped, decayed);
    }
    minZ = Number.POSITIVE_INFINITY;
    const combined =
      k.combine === 'min'
        ? consensus
        : k.combine === 'max'
          ? bestStrength
          : Math.max(consensus, bestStrength);
    let strength = s.n < k.warmup ? 0 : combined;
    const damped = s.sinceAlert < k.refractory;
    if (damped) strength *= k.refractoryDamp;
    const score = strength / (1 + strength);
    const alert = score >= threshold;

    // learn
    if (s.firstT === null) s.firstT = t;
    s.level = s.level === null ? v : s.level + k.levelAlpha * (v - s.level);
    if (s.slow === null) s.slow = v;
    else {
      s.spread += k.scaleAlpha * (Math.abs(v - s.slow) - s.spread);
      s.slow += k.scaleAlpha * (v - s.slow);
    }
    learnSeasonal(s.daily, t, v);
    learnSeasonal(s.weekly, t, v);
    s.lastV = v;
    s.n++;
    // Real feeds repeat or reorder timestamps now and then: such a point is scored as if it came now.
    s.lastT = s.lastT === null || t > s.lastT ? t : s.lastT;
    s.sinceAlert = alert ? 0 : Math.min(s.sinceAlert + 1, Number.MAX_SAFE_INTEGER);

    const model = bestModel as ModelName | null;
    if (model === null || s.n <= k.warmup) {
      return { t, value: v, score, alert, expected: null, lower: null, upper: null, reason: 'learning' };
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
      reason: `${fmt(v)} vs ${fmt(bestPred)} expected from ${MODEL_LABEL[model]} (${bestZ.toFixed(1)}x usual deviation)${damped ? ', just after an alert' : ''}`,
    };
  }

  return { update, snapshot: () => structuredClone(s) };
}
