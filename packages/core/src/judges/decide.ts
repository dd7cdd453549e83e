import { normalQuantile, normalSf } from '../stats/distributions.ts';
import type { Direction } from '../model/metric.ts';
import type { JudgeResult, MetricOutcome } from '../model/verdict.ts';

/** What a judge concludes from one p-value and its minimum-delta gate. */
export interface Decision {
  outcome: MetricOutcome;
  risk: number;
  classification: JudgeResult['classification'];
}

/**
 * Turns a p-value into an outcome and a risk. A change fails only when it is significant (`p < alpha`),
 * in the harmful direction and large enough to matter (`bigEnough`, the minimum absolute and relative
 * deltas); `p < alpha * warnFactor` under the same conditions warns. The risk grows with -log p: pass stays
 * below 0.5, warn lies in [0.5, 0.8), fail in [0.8, 1].
 */
export function decide(
  p: number,
  alpha: number,
  warnFactor: number,
  harmful: boolean,
  bigEnough: boolean,
  up: boolean,
): Decision {
  const lp = -Math.log10(Math.max(p, 1e-300));
  const la = -Math.log10(alpha);
  const lw = -Math.log10(alpha * warnFactor);
  const direction = up ? 'high' : 'low';
  if (harmful && bigEnough && p < alpha) {
    return { outcome: 'fail', risk: 0.8 + 0.2 * Math.min(1, (lp - la) / 4), classification: direction };
  }
  if (harmful && bigEnough && p < alpha * warnFactor) {
    return { outcome: 'warn', risk: 0.5 + 0.3 * ((lp - lw) / (la - lw)), classification: direction };
  }
  // p = 1 gives lp = -0, and a risk of -0 does not survive a JSON round trip as itself: keep it +0.
  const risk = harmful ? Math.max(0, Math.min(0.49, (0.5 * lp) / lw)) : 0;
  return { outcome: 'pass', risk, classification: 'pass' };
}

/** Whether a change of sign `up` is the harmful one for this direction. */
export function isHarmful(direction: Direction, up: boolean): boolean {
  return direction === 'both' || (direction === 'higher-is-worse' ? up : !up);
}

/** The test alternative that looks for harm: canary greater, less, or either. */
export function harmfulAlternative(direction: Direction): 'greater' | 'less' | 'two-sided' {
  return direction === 'higher-is-worse' ? 'greater' : direction === 'lower-is-worse' ? 'less' : 'two-sided';
}

/** A number with a few significant digits, for explanations. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(2);
  return String(Number(x.toPrecision(a >= 100 ? 4 : 3)));
}

/** A relative change as a signed percentage, e.g. "+23.4%". */
export function pct(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

/** A p-value for explanations. */
export function fmtP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
}

/**
 * Deflates a z-statistic by a design effect (variance inflation > 1) and returns the new p-value for the
 * given alternative. Used where neighbouring points or instances are not independent.
 */
export function deflateP(
  p: number,
  alternative: 'greater' | 'less' | 'two-sided',
  designEffect: number,
): number {
  if (designEffect <= 1) return p;
  const s = Math.sqrt(designEffect);
  if (alternative === 'two-sided') {
    const z = normalQuantileUpper(p / 2) / s;
    return Math.min(1, 2 * upperTail(z));
  }
  const z = normalQuantileUpper(p) / s;
  return upperTail(z);
}

function normalQuantileUpper(p: number): number {
  return -normalQuantile(Math.min(Math.max(p, 1e-300), 1 - 1e-16));
}

function upperTail(z: number): number {
  return normalSf(z);
}
