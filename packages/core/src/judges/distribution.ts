import type { Direction, MetricData } from '../model/metric.ts';
import type { JudgeResult } from '../model/verdict.ts';
import { type Decision, decide, fmt, fmtP, pct } from './decide.ts';
import type { Judge, JudgeContext } from './judge.ts';
import { notApplicable } from './notApplicable.ts';
import { absoluteFloor } from './sensitivity.ts';
import { formatChangeQuantity } from '../units/unit.ts';
import { normalQuantile } from '../stats/distributions.ts';
import { type CellFrame, cellMedian } from './frame.ts';
import { type PreparedMetric, prepareMetric } from './prepared.ts';
import { type JudgeBuffers, judgeBuffers } from './buffers.ts';
import { ascendingOrder, quantileInPlace, type Scratch, tailQuantile, take } from './select.ts';
import { type ResidualTails, residualTails } from './residualTails.ts';

import { scoreTestOfFrame } from './stratifiedRank.ts';
import { COUNT_QUANTILES, exceedanceTest, tieTolerance, upperTailCountTest } from './exceedance.ts';

/**
 * A comparison cell holds the baseline and canary values observed together. With time-aligned data a cell
 * is one minute (the shared signal cancels within it); otherwise one cell holds every value of each side.
 */

/**
 * Distribution judge: what a location test misses. Both sub-tests are stratified permutation tests (see
 * stratifiedScoreTest): within a minute the instances are exchangeable when nothing changed, which keeps the
 * false-alarm rate at alpha whatever the noise distribution (heavy tails, mostly-zero noise).
 * - Noise variance: Klotz scores (squared normal scores of the pooled ranks) of the absolute deviations from
 *   the minute's median, after moving the canary back by its typical shift (see scaleTest).
 * - Tail and spikes: the excess of residuals (value minus the minute's median, harmful side) over their pooled
 *   `tailQuantile`; large spikes and a stretched p95/p99 raise it.
 * - Tail counts (exceedance.ts): canary vs baseline counts above the pooled 90th-99th percentiles, for spikes
 *   hidden among the trace's own giant values, which dominate the excess of the tail test.
 * - Exceedances (exceedance.ts): canary points beyond the baseline's maximum, exact under exchangeability,
 *   weighed by how far beyond it they lie: a few spikes far outside anything the baseline showed.
 * The judge's alpha is split between them (weighted Bonferroni): variance `VARIANCE_SHARE`, tail `TAIL_SHARE`,
 * counts `COUNT_SHARE`, exceedances `EXCEEDANCE_SHARE`. The variance ratio and p95/p99 increases gate and
 * explain; the exceedance test is gated by the size of the spikes it counts.
 */
export const distributionJudge: Judge = (data: MetricData, ctx: JudgeContext): JudgeResult =>
  judgeFrame(ctx.prepared ?? prepareMetric(data), ctx, ctx.buffers ?? judgeBuffers());

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
  const b = withinCellVariance(f, false);
  const c = withinCellVariance(f, true);
  if (b.df < 2 || c.df < 2) return null;
  const ratio = b.m2 > 0 ? c.m2 / b.m2 : c.m2 > 0 ? Number.POSITIVE_INFINITY : 1;
  return { ratio, baseline: b.m2, canary: c.m2, dfBaseline: b.df, dfCanary: c.df };
}

/** One side's pooled within-cell variance (see varianceRatio). A module function, not a closure per call, so V8 optimises it once. */
function withinCellVariance(f: CellFrame, canary: boolean): { m2: number; n: number; df: number } {
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
}

/** Pooled quantile of the absolute deviations at which {@link absoluteDeviationRatio} caps them. */
export const DEVIATION_CAP_QUANTILE = 0.99;

/**
 * Robust size of a noise increase: the squared ratio of the sides' mean absolute deviations from their cell's
 * median (of both sides), each deviation capped at the pooled DEVIATION_CAP_QUANTILE of all of them (the cap
 * is label-free: the same for both sides). Noise scaled by s gives about s^2, as the variance ratio does, but
 * the one in a hundred largest deviations cannot decide it alone. 1 when a side has no values; infinite when
 * only the canary deviates.
 */
export function absoluteDeviationRatio(f: CellFrame, work: JudgeBuffers = judgeBuffers()): number {
  const n = f.values.length;
  const dev = take(work.deviationRatio, n);
  for (let c = 0; c < f.cells; c++) {
    const med = cellMedian(f, c);
    for (let i = f.start[c]!; i < f.start[c + 1]!; i++) dev[i] = Math.abs(f.values[i]! - med);
  }
  let sb = 0;
  let sc = 0;
  let nb = 0;
  let nc = 0;
  for (let i = 0; i < n; i++) {
    if (f.side[i] === 1) nc++;
    else nb++;
  }
  if (nb === 0 || nc === 0) return 1;
  const capped = take(work.deviationCap, n);
  capped.set(dev);
  const hi = quantileInPlace(capped, DEVIATION_CAP_QUANTILE);
  for (let i = 0; i < n; i++) {
    const d = Math.min(dev[i]!, hi);
    if (f.side[i] === 1) sc += d;
    else sb += d;
  }
  const mb = sb / nb;
  const mc = sc / nc;
  return mb > 0 ? (mc / mb) ** 2 : mc > 0 ? Number.POSITIVE_INFINITY : 1;
}

/**
 * Shares of the judge's alpha (they sum to 1). The three tail tests together get the larger part: a handful
 * of spikes can never be more significant than about 0.5^(number of spikes) under exchangeability, so the
 * tail test needs room to see nine of them; the count and exceedance tests take a little from it for what it
 * misses (spikes among heavy-tailed noise at 10+10 instances, a few spikes far beyond the baseline). Chosen
 * a priori in round numbers, then checked on the judge bench (docs/engine.md has the figures).
 */
export const VARIANCE_SHARE = 0.4;
export const TAIL_SHARE = 0.35;
export const COUNT_SHARE = 0.125;
export const EXCEEDANCE_SHARE = 0.125;

/**
 * Squared deviations from each cell's pooled mean (label-free scores, so a location shift moves both sides
 * alike), capped at the pooled `cap` quantile so a few wild points cannot drown the evidence of the rest,
 * compared by the stratified permutation test. Kept beside {@link scaleTest} for comparison: it has less
 * power on heavy-tailed noise and its normal approximation is optimistic there.
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
 * Klotz-type scores for n values: entry 2r - 2 is Phi^-1(1/2 + r / (2(n + 1)))^2 for the (mid)rank r,
 * r = 1, 1.5, ..., n: the normal scores of absolute deviations, squared. Kept in `klotzTables` per n.
 */
function klotzTable(n: number, klotzTables: Map<number, Float64Array>): Float64Array {
  let t = klotzTables.get(n);
  if (t) return t;
  t = new Float64Array(2 * n - 1);
  for (let k = 0; k < t.length; k++) {
    const q = normalQuantile(0.5 + (k / 2 + 1) / (2 * (n + 1)));
    t[k] = q * q;
  }
  if (klotzTables.size > 64) klotzTables.clear();
  klotzTables.set(n, t);
  return t;
}

/**
 * Variance test: the absolute deviations of all values from their cell's median (canary values moved back
 * by `shift` first) ranked together, scored by the squared normal scores of their ranks (Klotz's statistic,
 * the rank test that is as efficient as the F test on Gaussian noise), and the canary's score sum compared
 * within cells by the stratified permutation test. The scores depend on the values only through their ranks,
 * so one wild point counts no more than the largest ordinary deviation and the normal approximation holds on
 * heavy-tailed noise. Under no change the scores are label-free, which keeps the test valid.
 */
export function scaleTest(
  f: CellFrame,
  shift = 0,
  work: JudgeBuffers = judgeBuffers(),
): { z: number; p: number } | null {
  const n = f.values.length;
  if (n < 4) return null;
  const dev = take(work.scaleDeviations, n);
  for (let c = 0; c < f.cells; c++) {
    const from = f.start[c]!;
    const to = f.start[c + 1]!;
    const mid = from + f.nb[c]!;
    const med = shift === 0 ? cellMedian(f, c) : shiftedCellMedian(f, c, shift);
    for (let i = from; i < mid; i++) dev[i] = Math.abs(f.values[i]! - med);
    for (let i = mid; i < to; i++) dev[i] = Math.abs(f.values[i]! - shift - med);
  }
  const table = klotzTable(n, work.klotzTables);
  const scores = take(work.scaleScores, n);
  const sorted = take(work.scaleSorted, n);
  const order = ascendingOrder(dev, sorted, work.order);
  // Mid-ranks over groups of equal values, in ascending order; entry 2r - 2 of the table is rank r. Values
  // within a rounding error of each other are equal: the same data in another unit (x 1000) rounds its
  // deviations differently in the last bits, and that must not break ties into different ranks.
  const tol = tieTolerance(f);
  for (let i = 0; i < n; ) {
    const x = sorted[i]!;
    let j = i + 1;
    while (j < n && sorted[j]! - x <= tol) j++;
    const score = table[i + j - 1]!;
    for (let k = i; k < j; k++) scores[order[k]!] = score;
    i = j;
  }
  const r = scoreTestOfFrame(f, scores, 'greater');
  return r.strata > 0 ? r : null;
}

/**
 * Median of cell c with its canary values moved back by `shift`: the frame holds each side's values in
 * ascending order already, so a merge walk to the middle finds it without sorting again.
 */
function shiftedCellMedian(f: CellFrame, c: number, shift: number): number {
  const from = f.start[c]!;
  const to = f.start[c + 1]!;
  const mid = from + f.nb[c]!;
  const s = f.bySide;
  const h = (to - from - 1) >> 1;
  let i = from;
  let j = mid;
  let lo = 0;
  for (let k = 0; k <= h; k++)
    lo = j >= to || (i < mid && s[i]! <= s[j]! - shift) ? s[i++]! : s[j++]! - shift;
  if ((to - from) % 2) return lo;
  const hi = j >= to || (i < mid && s[i]! <= s[j]! - shift) ? s[i]! : s[j]! - shift;
  return (lo + hi) / 2;
}

/**
 * Residuals of every value from its cell's median (of both sides), oriented so that larger is worse
 * (negated for lower-is-worse, absolute for both), in the frame's value order. The median is label-free,
 * so under no change the residuals of a cell stay exchangeable between the sides. With `work`, the
 * residuals live in its array until its next use.
 */
export function harmfulResiduals(f: CellFrame, direction: Direction, work?: Scratch): Float64Array {
  const out = work ? take(work, f.values.length) : new Float64Array(f.values.length);
  const sign = direction === 'lower-is-worse' ? -1 : 1;
  const both = direction === 'both';
  const values = f.values;
  for (let c = 0; c < f.cells; c++) {
    const med = cellMedian(f, c);
    const to = f.start[c + 1]!;
    for (let i = f.start[c]!; i < to; i++) {
      const r = sign * (values[i]! - med);
      out[i] = both ? Math.abs(r) : r;
    }
  }
  return out;
}

/** Excess of harmful residuals over `tau` (their pooled tail quantile), permutation-tested within cells. */
export function tailExcessTest(
  f: CellFrame,
  residuals: Float64Array,
  tau: number,
  work: JudgeBuffers = judgeBuffers(),
): { z: number; p: number } | null {
  const scores = take(work.tailScores, residuals.length);
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
 * quantile, and how much the canary's p95 and p99 exceed the baseline's. Order statistics read from the
 * residuals' upper tails (`tails`, taken with a pooled level at most `q`; by default taken here), not a sort.
 */
export function tailSummary(
  f: CellFrame,
  residuals: Float64Array,
  q: number,
  work: JudgeBuffers = judgeBuffers(),
  tails: ResidualTails | null = residualTails(f, residuals, q, work),
): TailSummary | null {
  if (!tails) return null;
  const threshold = tailQuantile(tails.pooled, q);
  let kb = 0;
  let kc = 0;
  for (let i = 0; i < residuals.length; i++) {
    if (!(residuals[i]! > threshold)) continue;
    if (f.side[i] === 1) kc++;
    else kb++;
  }
  const b = tails.baseline;
  const c = tails.canary;
  return {
    threshold,
    baselineExceed: kb,
    canaryExceed: kc,
    baselineN: b.n,
    canaryN: c.n,
    p95Increase: tailQuantile(c, 0.95) - tailQuantile(b, 0.95),
    p99Increase: tailQuantile(c, 0.99) - tailQuantile(b, 0.99),
  };
}

/** The distribution judgment of the prepared frame (one cell per aligned minute, else one pooled cell). */
function judgeFrame(prepared: PreparedMetric, ctx: JudgeContext, work: JudgeBuffers): JudgeResult {
  const { definition } = prepared.data;
  const f = prepared.frame;
  const aligned = prepared.aligned !== null;
  const s = ctx.settings;
  const variance = varianceRatio(f);
  const residuals = harmfulResiduals(f, definition.direction, work.residuals);
  // One set of upper tails for the tail summary, the count and the exceedance test (pooled from the lowest
  // quantile either of the first two reads).
  const pooledLevel = Math.min(s.tailQuantile, COUNT_QUANTILES[0]);
  const tails = residualTails(f, residuals, pooledLevel, work, definition.direction);
  const tail = tailSummary(f, residuals, s.tailQuantile, work, tails);
  if (!variance && !tail) {
    return notApplicable('distribution', 'too few points to compare spread and tails (needs 10 per side)');
  }
  let baseMean = 0;
  let baseN = 0;
  for (let c = 0; c < f.cells; c++) {
    const from = f.start[c]!;
    const mid = from + f.nb[c]!;
    for (let i = from; i < mid; i++) baseMean += f.values[i]!;
    baseN += mid - from;
  }
  baseMean = baseN > 0 ? baseMean / baseN : 0;
  const minAbs = absoluteFloor(s, definition).value;
  let varDecision: Decision = { outcome: 'pass', risk: 0, classification: 'pass' };
  let tailDecision: Decision = varDecision;
  let countDecision: Decision = varDecision;
  let exceedDecision: Decision = varDecision;
  const parts: string[] = [];
  let pv: number | null = null;
  let pt: number | null = null;
  let pc: number | null = null;
  let pe: number | null = null;
  let robust: number | null = null;
  if (variance) {
    const test = scaleTest(f, prepared.shift, work);
    pv = Math.min(1, (test ? test.p : 1) / VARIANCE_SHARE);
    const sdIncrease = Math.sqrt(variance.ratio) - 1;
    // The variance ratio is a ratio of means of squares, which a few giant values of heavy-tailed noise decide
    // on their own (doubled noise can show x0.8); the ratio of capped absolute deviations sizes what the rank
    // test saw. Either may show the minimum increase. The second is computed only where it can matter: the
    // test at least warns and the plain ratio is below the minimum.
    robust =
      variance.ratio < s.minVarianceRatio && pv < s.alpha * s.warnFactor
        ? absoluteDeviationRatio(f, work)
        : null;
    const bigEnough = variance.ratio >= s.minVarianceRatio || (robust ?? 0) >= s.minVarianceRatio;
    varDecision = decide(pv, s.alpha, s.warnFactor, true, bigEnough, true);
    parts.push(
      `noise variance x${fmt(variance.ratio)} (sd ${pct(sdIncrease)}` +
        (robust === null
          ? ''
          : `, x${fmt(robust)} from absolute deviations capped at their 99th percentile`) +
        `, p = ${fmtP(pv)})`,
    );
  }
  if (tail) {
    const test = tailExcessTest(f, residuals, tail.threshold, work);
    pt = Math.min(1, (test ? test.p : 1) / TAIL_SHARE);
    const inc = Math.max(tail.p95Increase, tail.p99Increase);
    const rel = baseMean !== 0 ? inc / Math.abs(baseMean) : inc > 0 ? Number.POSITIVE_INFINITY : 0;
    const bigEnough = inc > 0 && inc >= minAbs && rel >= s.minRelativeChange;
    tailDecision = decide(pt, s.alpha, s.warnFactor, true, bigEnough, true);
    parts.push(
      `${tail.canaryExceed} of ${tail.canaryN} canary vs ${tail.baselineExceed} of ${tail.baselineN} baseline points ` +
        `beyond the pooled ${Math.round(s.tailQuantile * 100)}th percentile of residuals (p = ${fmtP(pt)}; ` +
        `p95 ${formatChangeQuantity(tail.p95Increase, definition.unit)}, p99 ${formatChangeQuantity(tail.p99Increase, definition.unit)})`,
    );
    const count = upperTailCountTest(f, residuals, work, tails?.pooled);
    if (count) {
      pc = Math.min(1, count.p / COUNT_SHARE);
      countDecision = decide(pc, s.alpha, s.warnFactor, true, bigEnough, true);
      parts.push(
        `${count.canaryAbove} canary vs ${count.baselineAbove} baseline points above the pooled ` +
          `${fmt(count.quantile * 100)}th percentile (counts within each minute, p = ${fmtP(pc)})`,
      );
    }
    const exceed = exceedanceTest(f, residuals, work, tails?.baseline);
    if (exceed) {
      pe = Math.min(1, exceed.p / EXCEEDANCE_SHARE);
      const size = exceed.k > 0 ? exceed.kthResidual : 0;
      const relSize = baseMean !== 0 ? size / Math.abs(baseMean) : size > 0 ? Number.POSITIVE_INFINITY : 0;
      const spikesBig = size > 0 && size >= minAbs && relSize >= s.minRelativeChange;
      exceedDecision = decide(pe, s.alpha, s.warnFactor, true, spikesBig, true);
      parts.push(
        `${exceed.beyond} canary points beyond the baseline's largest residual ${formatChangeQuantity(exceed.baselineMax, definition.unit)}` +
          (exceed.k > 0
            ? ` (the ${exceed.k} largest at least ${formatChangeQuantity(exceed.kthResidual, definition.unit)}` +
              (exceed.width > 0
                ? `, ${fmt((exceed.kthResidual - exceed.baselineMax) / exceed.width)} times the baseline's top width beyond it`
                : '') +
              `, p = ${fmtP(pe)})`
            : ''),
      );
    }
  }
  // Which sub-test decided, and how the explanation opens when it is not a pass.
  const decisions: [Decision, string][] = [
    [varDecision, 'variance'],
    [tailDecision, 'tail'],
    [countDecision, 'tail count'],
    [exceedDecision, 'spikes beyond the baseline'],
  ];
  const heading: Record<string, string> = {
    variance: 'canary variance increase: ',
    tail: 'canary tail increase: ',
    'tail count': 'more canary points in the upper tail: ',
    'spikes beyond the baseline': 'canary spikes beyond anything the baseline showed: ',
  };
  let [worst, by] = decisions[0]!;
  for (const [d, name] of decisions) {
    if (d.risk > worst.risk) {
      worst = d;
      by = name;
    }
  }
  return {
    judge: 'distribution',
    ...worst,
    explanation:
      (worst.outcome === 'pass' ? 'spread and tails unchanged: ' : heading[by]) +
      parts.join('; ') +
      (aligned ? ' (within each minute)' : ' (pooled, timestamps not aligned)'),
    evidence: {
      aligned,
      varianceRatio: variance && Number.isFinite(variance.ratio) ? variance.ratio : null,
      varianceP: pv,
      robustVarianceRatio: robust !== null && Number.isFinite(robust) ? robust : null,
      tailThreshold: tail?.threshold ?? null,
      tailCanaryExceed: tail?.canaryExceed ?? null,
      tailBaselineExceed: tail?.baselineExceed ?? null,
      tailP: pt,
      p95Increase: tail?.p95Increase ?? null,
      p99Increase: tail?.p99Increase ?? null,
      countP: pc,
      exceedanceP: pe,
      p: Math.min(pv ?? 1, pt ?? 1, pc ?? 1, pe ?? 1),
      alpha: s.alpha,
      decidedBy: by,
    },
    test: { p: Math.min(pv ?? 1, pt ?? 1, pc ?? 1, pe ?? 1), alpha: s.alpha },
  };
}
