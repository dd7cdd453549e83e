import type { AnomalyPoint } from './types.ts';

/**
 * The detector's verdict on one point. Its reason sentence is written when it is first read, not when the
 * point is scored: most points' reasons are never read, and formatting numbers costs more than scoring them.
 * `toJSON` writes the reason too, so a verdict serialises like a plain `AnomalyPoint`.
 */

/** Why a point has its score: a model index (see MODEL_LABEL), or one of these. */
export const LEARNING = -1;
export const GAP = -2;
/** Index of the entropy model, whose evidence is about the recent values as a whole. */
export const ENTROPY_MODEL = 5;
/** Index of the new-level evidence (a value at a level never visited); see context.ts. */
export const NEW_LEVEL_MODEL = 6;

const MODEL_LABEL = [
  'previous value',
  'recent level',
  'same time of day',
  'same time of week',
  'long-run level (observed: the recent average)',
  'the long-run distribution of values',
  'the levels seen so far',
];
/** Points scoring below this are plainly normal: their reason is a fixed sentence, not a computed one. */
const DETAIL_SCORE = 0.25;
const NORMAL_REASON = [
  'within the usual range around the previous value',
  'within the usual range around the recent level',
  'within the usual range for this time of day',
  'within the usual range for this time of week',
  'recent average within the usual range of the long-run level',
  'recent values distributed as usual',
  'at a level never seen before',
];

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

/** What a Verdict is built from: the point's public fields and the evidence its reason is written from. */
export interface VerdictFields extends Omit<AnomalyPoint, 'reason'> {
  /** Model index of the strongest evidence, LEARNING or GAP. */
  why: number;
  /**
   * What that model observed (the value, the recent average or the divergence) and its surprise; for a new
   * level, the nearest levels seen below and above it (NaN where none).
   */
  observed: number;
  z: number;
  /** Whether the point came just after an alert (its evidence was damped). */
  damped: boolean;
  /** Points in the entropy model's window (entropy model only, else 0). */
  window: number;
}

export class Verdict implements AnomalyPoint {
  t: number;
  value: number;
  score: number;
  alert: boolean;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  /** Model index of the strongest evidence, LEARNING or GAP. */
  #why: number;
  /**
   * What that model observed (the value, the recent average or the divergence) and its surprise; for a new
   * level, the nearest levels seen below and above it (NaN where none).
   */
  #observed: number;
  #z: number;
  /** Whether the point came just after an alert (its evidence was damped). */
  #damped: boolean;
  /** Points in the entropy model's window. */
  #window: number;
  #reason: string | undefined;

  constructor(f: VerdictFields) {
    this.t = f.t;
    this.value = f.value;
    this.score = f.score;
    this.alert = f.alert;
    this.expected = f.expected;
    this.lower = f.lower;
    this.upper = f.upper;
    this.#why = f.why;
    this.#observed = f.observed;
    this.#z = f.z;
    this.#damped = f.damped;
    this.#window = f.window;
    this.#reason = undefined;
  }

  /** A missing value (NaN): no score, no band. */
  static gap(t: number, value: number): Verdict {
    return new Verdict({
      t,
      value,
      score: 0,
      alert: false,
      expected: null,
      lower: null,
      upper: null,
      why: GAP,
      observed: 0,
      z: 0,
      damped: false,
      window: 0,
    });
  }

  /** A point scored while the models still learn (or none has evidence yet): no band. */
  static learning(t: number, value: number, score: number, alert: boolean): Verdict {
    return new Verdict({
      t,
      value,
      score,
      alert,
      expected: null,
      lower: null,
      upper: null,
      why: LEARNING,
      observed: 0,
      z: 0,
      damped: false,
      window: 0,
    });
  }

  /** One sentence a person can check: what was expected, what came, and which model says so. */
  get reason(): string {
    this.#reason ??= this.#explain();
    return this.#reason;
  }

  #explain(): string {
    const why = this.#why;
    if (why === GAP) return 'no value (gap)';
    if (why === LEARNING) return 'learning';
    const after = this.#damped ? ', just after an alert' : '';
    // A new level is one whatever the score (damped just after an alert, it is still never seen before).
    if (why === NEW_LEVEL_MODEL) {
      const below = this.#observed;
      const above = this.#z;
      const gap = Number.isNaN(below)
        ? `nothing came below ${fmt(above)}`
        : Number.isNaN(above)
          ? `nothing came above ${fmt(below)}`
          : `nothing came between ${fmt(below)} and ${fmt(above)}`;
      return `${fmt(this.value)} is at a level never seen before: ${gap} until now (recent level ${fmt(this.expected!)})${after}`;
    }
    if (this.score < DETAIL_SCORE) return NORMAL_REASON[why]!;
    const z = this.#z.toFixed(1);
    if (why === ENTROPY_MODEL) {
      return `the last ${this.#window} values are distributed unlike ${MODEL_LABEL[why]} around ${fmt(this.expected!)} (divergence ${fmt(this.#observed)} nats, ${z}x usual)${after}`;
    }
    return `${fmt(this.#observed)} vs ${fmt(this.expected!)} expected from ${MODEL_LABEL[why]} (${z}x usual deviation)${after}`;
  }

  toJSON(): AnomalyPoint {
    const { t, value, score, alert, expected, lower, upper } = this;
    return { t, value, score, alert, expected, lower, upper, reason: this.reason };
  }
}
