import type { Direction, MetricData } from '../model/metric.ts';
import type { JudgeResult } from '../model/verdict.ts';
import { alignByTime } from './align.ts';
import { type Decision, decide, fmt, fmtP, pct } from './decide.ts';
import type { Judge, JudgeContext } from './judge.ts';
import { notApplicable } from './notApplicable.ts';
import { type CellFrame, cellMedian, frameOfAligned, frameOfCells } from './frame.ts';
import { quantileInPlace } from './select.ts';
import { scoreTestOfFrame } from './stratifiedRank.ts';

/**
 * A comparison cell holds the baseline and canary values observed together. With time-aligned data a cell
 * is one minute (the shared signal cancels within it); otherwise one cell holds every value of each side.
 */

/**
 * Distribution judge: what a location test misses. Both sub-tests are stratified permutation tests (see
 * stratifiedScoreTest): within a minute the instances are exchangeable when nothing changed, which keeps the
 * false-alarm rate at alpha whatever the noise distribution (heavy tails, mostly-zero noise).
 * - Noise variance: squared deviations from the minute's pooled mean, winsorised at the pooled 97th percentile.
 * - Tail and spikes: the excess of residuals (value minus the minute's median, harmful side) over their pooled
 *   `tailQuantile`; large spikes and a stretched p95/p99 raise it.
 * The variance test gets a third of the judge's alpha, the tail test two thirds (a few spikes can only be
 * so significant under exchangeability, see statisticalJudges). The variance ratio and p95/p99 increases
 * gate and explain.
 */
export const distributionJudge: Judge = (data: MetricData, ctx: JudgeContext): JudgeResult => {
  const aligned = alignByTime(data.baseline, data.canary);
  let frame: CellFrame;
  if (aligned) {
    frame = frameOfAligned(aligned);
  } else {
    const b = data.baseline.flatMap((s) => s.points.map((p) => p.v)).filter(Number.isFinite);
    const c = data.canary.flatMap((s) => s.points.map((p) => p.v)).filter(Number.isFinite);
    frame = frameOfCells([{ b, c }]);
  }
  return judgeFrame(data, frame, aligned !== null, ctx);
};

/** Noise variance of each side around its own mean within each cell, and their ratio. */
export interface VarianceRatio {
  ratio: number;
  baseline: number;
  canary: number;
  dfBaseline: number;
  dfCanary: number;
}

/**
 * Within-cell noise variance of each side: deviations from the side's own mean in each cell, scaled by
 * k/(k-1) so each squared deviation estimates the variance without bias.
 */
export function varianceRatio(f: CellFrame): VarianceRatio | null {
  const side = (canary: boolean) => {
    let s2 = 0;
    let n = 0;
    let df = 0;
    for (let c = 0; c < f.cells; c++) {
      const from = canary ? f.start[c]! + f.nb[c]! : f.start[c]!;
      const to = canary ? f.start[c + 1]! : f.start[c]! + f.nb[c]!;
      const k = to - from;
      if (k < 2) continue;
      let m = 0;
      for (let i = from; i < to; i++) m += f.values[i]!;
      m /= k;
      const scale = k / (k - 1);
      for (let i = from; i < to; i++) {
        const e = f.values[i]! - m;
        s2 += e * e * scale;
      }
      n += k;
      df += k - 1;
    }
    return { m2: n > 0 ? s2 / n : 0, n, df };
  };
  const b = side(false);
  const c = side(true);
  if (b.df < 2 || c.df < 2) return null;
  const ratio = b.m2 > 0 ? c.m2 / b.m2 : c.m2 > 0 ? Number.POSITIVE_INFINITY : 1;
  return { ratio, baseline: b.m2, canary: c.m2, dfBaseline: b.df, dfCanary: c.df };
}

/** Quantile of the pooled squared deviations at which the variance test caps them. */
const WINSOR = 0.97;

/**
 * Variance test: squared deviations from each cell's pooled mean (label-free scores, so a location shift
 * moves both sides alike), capped at the pooled `cap` quantile so a few wild points cannot drown the
 * evidence of the rest, compared by the stratified permutation test.
 */
export function squaredDeviationTest(f: CellFrame, cap = 1): { z: number; p: number } | null {
  const squares = new Float64Array(f.values.length);
  for (let c = 0; c < f.cells; c++) {
    const from = f.start[c]!;
    const to = f.start[c + 1]!;
    let m = 0;
    for (let i = from; i < to; i++) m += f.values[i]!;
    m /= to - from;
    for (let i = from; i < to; i++) {
      const d = f.values[i]! - m;
      squares[i] = d * d;
    }
  }
  if (cap < 1) {
    const hi = quantileInPlace(squares.slice(), cap);
    for (let i = 0; i < squares.length; i++) if (squares[i]! > hi) squares[i] = hi;
  }
  const r = scoreTestOfFrame(f, squares, 'greater');
  return r.strata > 0 ? r : null;
}

/**
 * Residuals of every value from its cell's median (of both sides), oriented so that larger is worse
 * (negated for lower-is-worse, absolute for both), in the frame's value order. The median is label-free,
 * so under no change the residuals of a cell stay exchangeable between the sides.
 */
export function harmfulResiduals(f: CellFrame, direction: Direction): Float64Array {
  const out = new Float64Array(f.values.length);
  const sign = direction === 'lower-is-worse' ? -1 : 1;
  for (let c = 0; c < f.cells; c++) {
    const med = cellMedian(f, c);
    for (let i = f.start[c]!; i < f.start[c + 1]!; i++) {
      const r = sign * (f.values[i]! - med);
      out[i] = direction === 'both' ? Math.abs(r) : r;
    }
  }
  return out;
}

/** Excess of harmful residuals over `tau` (their pooled tail quantile), permutation-tested within cells. */
export function tailExcessTest(
  f: CellFrame,
  residuals: Float64Array,
  tau: number,
): { z: number; p: number } | null {
  const scores = new Float64Array(residuals.length);
  for (let i = 0; i < residuals.length; i++) scores[i] = residuals[i]! > tau ? residuals[i]! - tau : 0;
  const r = scoreTestOfFrame(f, scores, 'greater');
  return r.strata > 0 ? r : null;
}

/** How the harmful tails of the two sides compare. */
export interface TailSummary {
  threshold: number;
  baselineExceed: number;
  canaryExceed: number;
  baselineN: number;
  canaryN: number;
  /** Canary minus baseline 95th and 99th percentile of the harmful residuals. */
  p95Increase: number;
  p99Increase: number;
}

/**
 * How many harmful residuals (in the frame's value order) of each side lie above their pooled `q`
 * quantile, and how much the canary's p95 and p99 exceed the baseline's.
 */
export function tailSummary(f: CellFrame, residuals: Float64Array, q: number): TailSummary | null {
  let nb = 0;
  for (let c = 0; c < f.cells; c++) nb += f.nb[c]!;
  const nc = residuals.length - nb;
  if (nb < 10 || nc < 10) return null;
  const rb = new Float64Array(nb);
  const rc = new Float64Array(nc);
  let ib = 0;
  let ic = 0;
  for (let c = 0; c < f.cells; c++) {
    const from = f.start[c]!;
    const mid = from + f.nb[c]!;
    for (let i = from; i < mid; i++) rb[ib++] = residuals[i]!;
    for (let i = mid; i < f.start[c + 1]!; i++) rc[ic++] = residuals[i]!;
  }
  const threshold = quantileInPlace(residuals.slice(), q);
  let kb = 0;
  let kc = 0;
  for (const x of rb) if (x > threshold) kb++;
  for (const x of rc) if (x > threshold) kc++;
  const c95 = quantileInPlace(rc, 0.95);
  const b95 = quantileInPlace(rb, 0.95);
  return {
    threshold,
    baselineExceed: kb,
    canaryExceed: kc,
    baselineN: nb,
    canaryN: nc,
    p95Increase: c95 - b95,
    p99Increase:
      quantileInPlace(rc, 0.99, Math.floor((nc - 1) * 0.95)) -
      quantileInPlace(rb, 0.99, Math.floor((nb - 1) * 0.95)),
  };
}

function judgeFrame(data: MetricData, f: CellFrame, aligned: boolean, ctx: JudgeContext): JudgeResult {
  const { definition } = data;
  const s = ctx.settings;
  const variance = varianceRatio(f);
  const residuals = harmfulResiduals(f, definition.direction);
  const tail = tailSummary(f, residuals, s.tailQuantile);
  if (!variance && !tail) {
    return notApplicable('distribution', 'too few points to compare spread and tails (needs 10 per side)');
  }
  let baseMean = 0;
  let baseN = 0;
  for (let c = 0; c < f.cells; c++)
    for (let i = f.start[c]!; i < f.start[c]! + f.nb[c]!; i++) {
      baseMean += f.values[i]!;
      baseN++;
    }
  baseMean = baseN > 0 ? baseMean / baseN : 0;
  const unit = definition.unit ? ` ${definition.unit}` : '';
  const minAbs = s.minAbsoluteChange[definition.kind];
  let varDecision: Decision = { outcome: 'pass', risk: 0, classification: 'pass' };
  let tailDecision: Decision = varDecision;
  const parts: string[] = [];
  let pv: number | null = null;
  let pt: number | null = null;
  if (variance) {
    const test = squaredDeviationTest(f, WINSOR);
    pv = Math.min(1, 3 * (test ? test.p : 1));
    const sdIncrease = Math.sqrt(variance.ratio) - 1;
    varDecision = decide(pv, s.alpha, s.warnFactor, true, variance.ratio >= s.minVarianceRatio, true);
    parts.push(`noise variance x${fmt(variance.ratio)} (sd ${pct(sdIncrease)}, p = ${fmtP(pv)})`);
  }
  if (tail) {
    const test = tailExcessTest(f, residuals, tail.threshold);
    pt = Math.min(1, 1.5 * (test ? test.p : 1));
    const inc = Math.max(tail.p95Increase, tail.p99Increase);
    const rel = baseMean !== 0 ? inc / Math.abs(baseMean) : inc > 0 ? Number.POSITIVE_INFINITY : 0;
    const bigEnough = inc > 0 && inc >= minAbs && rel >= s.minRelativeChange;
    tailDecision = decide(pt, s.alpha, s.warnFactor, true, bigEnough, true);
    parts.push(
      `${tail.canaryExceed} of ${tail.canaryN} canary vs ${tail.baselineExceed} of ${tail.baselineN} baseline points ` +
        `beyond the pooled ${Math.round(s.tailQuantile * 100)}th percentile of residuals (p = ${fmtP(pt)}; ` +
        `p95 ${signed(tail.p95Increase)}${unit}, p99 ${signed(tail.p99Increase)}${unit})`,
    );
  }
  const worst = tailDecision.risk > varDecision.risk ? tailDecision : varDecision;
  const by = worst === tailDecision ? 'tail' : 'variance';
  return {
    judge: 'distribution',
    ...worst,
    explanation:
      (worst.outcome === 'pass' ? 'spread and tails unchanged: ' : `canary ${by} increase: `) +
      parts.join('; ') +
      (aligned ? ' (within each minute)' : ' (pooled, timestamps not aligned)'),
    evidence: {
      aligned,
      varianceRatio: variance && Number.isFinite(variance.ratio) ? variance.ratio : null,
      varianceP: pv,
      tailThreshold: tail?.threshold ?? null,
      tailCanaryExceed: tail?.canaryExceed ?? null,
      tailBaselineExceed: tail?.baselineExceed ?? null,
      tailP: pt,
      p95Increase: tail?.p95Increase ?? null,
      p99Increase: tail?.p99Increase ?? null,
      p: Math.min(pv ?? 1, pt ?? 1),
      alpha: s.alpha,
      decidedBy: by,
    },
  };
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${fmt(x)}`;
}
