import type { Direction, MetricData } from '../model/metric.ts';
import type { JudgeResult } from '../model/verdict.ts';
import { type Cell, alignByTime, alignedCells } from './align.ts';
import { type Decision, decide, fmt, fmtP, pct } from './decide.ts';
import type { Judge, JudgeContext } from './judge.ts';
import { notApplicable } from './notApplicable.ts';
import { medianOf2, quantileInPlace } from './select.ts';
import { stratifiedScoreTest } from './stratifiedRank.ts';

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
  let cells: Cell[] = [];
  if (aligned) {
    cells = alignedCells(aligned);
  } else {
    const b = data.baseline.flatMap((s) => s.points.map((p) => p.v)).filter(Number.isFinite);
    const c = data.canary.flatMap((s) => s.points.map((p) => p.v)).filter(Number.isFinite);
    if (b.length > 0 && c.length > 0) cells.push({ b, c });
  }
  return judgeCells(data, cells, aligned !== null, ctx);
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
 * sqrt(k/(k-1)) so each squared deviation estimates the variance without bias.
 */
export function varianceRatio(cells: Cell[]): VarianceRatio | null {
  const side = (pick: (c: Cell) => number[]) => {
    let s2 = 0;
    let n = 0;
    let df = 0;
    for (const cell of cells) {
      const v = pick(cell);
      const k = v.length;
      if (k < 2) continue;
      let m = 0;
      for (const x of v) m += x;
      m /= k;
      const scale = k / (k - 1);
      for (const x of v) {
        const e2 = (x - m) * (x - m) * scale;
        s2 += e2;
      }
      n += k;
      df += k - 1;
    }
    return { m2: n > 0 ? s2 / n : 0, n, df };
  };
  const b = side((c) => c.b);
  const c = side((c) => c.c);
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
export function squaredDeviationTest(cells: Cell[], cap = 1): { z: number; p: number } | null {
  const means = new Float64Array(cells.length);
  let total = 0;
  cells.forEach((cell, i) => {
    let m = 0;
    for (const x of cell.b) m += x;
    for (const x of cell.c) m += x;
    means[i] = m / (cell.b.length + cell.c.length);
    total += cell.b.length + cell.c.length;
  });
  let hi = Number.POSITIVE_INFINITY;
  if (cap < 1) {
    const squares = new Float64Array(total);
    let k = 0;
    cells.forEach((cell, i) => {
      const m = means[i]!;
      for (const x of cell.b) squares[k++] = (x - m) * (x - m);
      for (const x of cell.c) squares[k++] = (x - m) * (x - m);
    });
    hi = quantileInPlace(squares, cap);
  }
  const r = stratifiedScoreTest(cells, 'greater', (x, i) => {
    const d = x - means[i]!;
    return Math.min(d * d, hi);
  });
  return r.strata > 0 ? r : null;
}

/** All values of all cells in one typed array (for quantiles by selection). */
function pool(cells: Cell[]): Float64Array {
  let n = 0;
  for (const c of cells) n += c.b.length + c.c.length;
  const out = new Float64Array(n);
  let k = 0;
  for (const c of cells) {
    for (const x of c.b) out[k++] = x;
    for (const x of c.c) out[k++] = x;
  }
  return out;
}

/**
 * Residuals of every value from its cell's median (of both sides), oriented so that larger is worse
 * (negated for lower-is-worse, absolute for both). The median is label-free, so under no change the
 * residuals of a cell stay exchangeable between the sides.
 */
export function harmfulResiduals(cells: Cell[], direction: Direction): Cell[] {
  const orient = (x: number) =>
    direction === 'higher-is-worse' ? x : direction === 'lower-is-worse' ? -x : Math.abs(x);
  return cells.map((cell) => {
    const med = medianOf2(cell.b, cell.c);
    return { b: cell.b.map((x) => orient(x - med)), c: cell.c.map((x) => orient(x - med)) };
  });
}

/** Excess of harmful residuals over `tau` (their pooled tail quantile), permutation-tested within cells. */
export function tailExcessTest(residuals: Cell[], tau: number): { z: number; p: number } | null {
  const r = stratifiedScoreTest(residuals, 'greater', (x) => (x > tau ? x - tau : 0));
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
 * How many harmful residuals of each side lie above their pooled `q` quantile, and how much the canary's
 * p95 and p99 exceed the baseline's.
 */
export function tailSummary(residuals: Cell[], q: number): TailSummary | null {
  let nb = 0;
  let nc = 0;
  for (const r of residuals) {
    nb += r.b.length;
    nc += r.c.length;
  }
  if (nb < 10 || nc < 10) return null;
  const rb = new Float64Array(nb);
  const rc = new Float64Array(nc);
  let ib = 0;
  let ic = 0;
  for (const r of residuals) {
    for (const x of r.b) rb[ib++] = x;
    for (const x of r.c) rc[ic++] = x;
  }
  const threshold = quantileInPlace(pool(residuals), q);
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

function judgeCells(data: MetricData, cells: Cell[], aligned: boolean, ctx: JudgeContext): JudgeResult {
  const { definition } = data;
  const s = ctx.settings;
  const variance = varianceRatio(cells);
  const residuals = harmfulResiduals(cells, definition.direction);
  const tail = tailSummary(residuals, s.tailQuantile);
  if (!variance && !tail) {
    return notApplicable('distribution', 'too few points to compare spread and tails (needs 10 per side)');
  }
  let baseMean = 0;
  let baseN = 0;
  for (const cell of cells)
    for (const x of cell.b) {
      baseMean += x;
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
    const test = squaredDeviationTest(cells, WINSOR);
    pv = Math.min(1, 3 * (test ? test.p : 1));
    const sdIncrease = Math.sqrt(variance.ratio) - 1;
    varDecision = decide(pv, s.alpha, s.warnFactor, true, variance.ratio >= s.minVarianceRatio, true);
    parts.push(`noise variance x${fmt(variance.ratio)} (sd ${pct(sdIncrease)}, p = ${fmtP(pv)})`);
  }
  if (tail) {
    const test = tailExcessTest(residuals, tail.threshold);
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
