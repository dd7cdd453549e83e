import { fSf } from '../stats/distributions.ts';
import type { MetricData } from '../model/metric.ts';
import type { JudgeResult } from '../model/verdict.ts';
import { type AlignedData, MIN_ALIGNED_POINTS } from './align.ts';
import { decide, deflateP, fmt, fmtP, harmfulAlternative, isHarmful, pct } from './decide.ts';
import type { Judge, JudgeContext } from './judge.ts';
import { notApplicable } from './notApplicable.ts';
import { absoluteFloor, minimumChangeText } from './sensitivity.ts';
import { formatChangeQuantity, formatQuantity } from '../units/unit.ts';
import { type CellFrame, cellSideMedian } from './frame.ts';
import { type PreparedMetric, prepareMetric } from './prepared.ts';
import { quantileInPlace } from './select.ts';
import { rankSumOfFrame } from './stratifiedRank.ts';

/**
 * Paired judge: baseline and canary points of the same minute share that minute's load, so it judges the
 * per-minute differences d(t) = mean canary(t) - mean baseline(t) instead of pooling all values. The shared
 * signal cancels in d(t), which makes shifts visible that a pooled rank test cannot see on real,
 * non-stationary traces. Test: van Elteren's stratified rank-sum with minutes as strata (every instance's
 * value counts, robust to heavy tails and to noise that is mostly zero), its z deflated by a
 * design effect for what would otherwise make it overconfident: serial correlation of d(t) and persistent
 * per-instance offsets (both estimated from the data and applied only when detectable).
 */
export const pairedJudge: Judge = (data: MetricData, ctx: JudgeContext): JudgeResult => {
  const prepared = ctx.prepared ?? prepareMetric(data);
  const { aligned } = prepared;
  if (!aligned) {
    return notApplicable(
      'paired',
      'baseline and canary do not share enough timestamps to compare minute by minute (needs ' +
        `${MIN_ALIGNED_POINTS} common timestamps covering half of each side)`,
    );
  }
  return judgeAligned(prepared, aligned, ctx);
};

/** The paired judgment of already aligned data (`aligned` is `prepared.aligned`, its frame `prepared.frame`). */
function judgeAligned(prepared: PreparedMetric, aligned: AlignedData, ctx: JudgeContext): JudgeResult {
  const { definition } = prepared.data;
  const s = ctx.settings;
  const f = prepared.frame;
  const n = f.cells;
  if (n < MIN_ALIGNED_POINTS) {
    return notApplicable(
      'paired',
      `only ${n} minutes have values on both sides (needs ${MIN_ALIGNED_POINTS})`,
    );
  }
  // Per minute: the difference of the sides' means.
  const d: number[] = new Array(n);
  let sumB = 0;
  let sumC = 0;
  for (let c = 0; c < n; c++) {
    const from = f.start[c]!;
    const to = f.start[c + 1]!;
    const m = f.nb[c]!;
    let b = 0;
    let cs = 0;
    for (let i = from; i < from + m; i++) b += f.values[i]!;
    for (let i = from + m; i < to; i++) cs += f.values[i]!;
    b /= m;
    cs /= to - from - m;
    d[c] = cs - b;
    sumB += b;
    sumC += cs;
  }
  const meanB = sumB / n;
  const meanC = sumC / n;
  const meanD = (sumC - sumB) / n;
  // The shift that gates and sizes the change: the median over minutes of the difference of the sides'
  // medians. Means of heavy-tailed noise (bursts) can point the wrong way while the bulk clearly moved.
  const shift = prepared.shift;
  let higher = 0;
  for (let c = 0; c < n; c++) if (d[c]! > 0) higher++;
  const alternative = harmfulAlternative(definition.direction);
  const test = rankSumOfFrame(f, alternative);
  const rawP = test.p;
  const ac = serialCorrelation(test.scores.length >= MIN_ALIGNED_POINTS ? test.scores : d);
  const inst = instanceEffect(aligned);
  const varD = variance(d, meanD);
  const instanceInflation = varD > 0 ? (n * inst.variance * inst.sidesFactor) / varD : 0;
  const acInflation = ac.significant ? (1 + ac.rho) / (1 - ac.rho) : 1;
  const designEffect = acInflation * (1 + instanceInflation);
  const p = deflateP(rawP, alternative, designEffect);
  const up = shift > 0;
  // Scale for the relative change: the baseline's typical value. Over the whole window that is its median
  // (its mean when the median is 0); minute by minute it is the mean of its per-minute medians. A metric that
  // sits near its level most minutes and bursts now and then (disk writes, sporadic traffic) has a mean made
  // of its bursts, so a shift of every minute by a tenth of its level would read as a thousandth of the mean.
  // The smaller of the two is the scale: a shift that is the minimum change of either typical value counts.
  const baseMedian = aligned.complete ? (prepared.summary.baseline.median ?? 0) : alignedBaselineMedian(f);
  const overall = Math.abs(baseMedian !== 0 ? baseMedian : meanB);
  const level = minuteLevel(f);
  const byMinute = level > 0 && level < overall;
  const scale = byMinute ? level : overall;
  const relative = scale !== 0 ? shift / scale : shift === 0 ? 0 : Number.POSITIVE_INFINITY;
  const floor = absoluteFloor(s, definition);
  const minAbs = floor.value;
  const bigEnough = Math.abs(shift) >= minAbs && Math.abs(relative) >= s.minRelativeChange && shift !== 0;
  const decision = decide(p, s.alpha, s.warnFactor, isHarmful(definition.direction, up), bigEnough, up);
  const q = (x: number) => formatQuantity(x, definition.unit);
  const caveat =
    designEffect > 1.05
      ? `; variance inflated x${fmt(designEffect)} for serial correlation/instance offsets`
      : '';
  const gate = bigEnough
    ? ''
    : `; below the minimum change (${minimumChangeText(s, floor, definition.unit)}) that may fail`;
  return {
    judge: 'paired',
    ...decision,
    explanation:
      `canary ${pct(relative)} vs baseline at the same minutes (typical shift ${formatChangeQuantity(shift, definition.unit)} on a ` +
      `baseline ${byMinute ? `level of ${q(level)} (its median minute by minute; overall median ${q(baseMedian)})` : `median of ${q(baseMedian)}`}; ` +
      `means ${q(meanC)} vs ${q(meanB)}, ` +
      `canary mean higher in ${higher} of ${n} minutes, ` +
      `P(canary > baseline) within a minute ${fmt(test.probabilityHigher)}, stratified rank-sum p = ${fmtP(p)}${caveat})${gate}`,
    evidence: {
      minutes: n,
      baselineMean: meanB,
      canaryMean: meanC,
      meanDifference: meanD,
      shift,
      baselineMedian: baseMedian,
      baselineLevel: scale,
      relativeChange: Number.isFinite(relative) ? relative : null,
      minutesCanaryHigher: higher,
      probabilityHigher: test.probabilityHigher,
      z: test.z,
      pRaw: rawP,
      p,
      alpha: s.alpha,
      serialCorrelation: ac.rho,
      instanceVariance: inst.variance,
      designEffect,
      bigEnough,
    },
    test: { p, alpha: s.alpha },
  };
}

/**
 * The baseline's level minute by minute: the mean over cells of the absolute median of the cell's baseline
 * values. Unlike the mean of all values, a burst on one instance in a few minutes barely moves it.
 */
export function minuteLevel(f: CellFrame): number {
  let sum = 0;
  for (let c = 0; c < f.cells; c++) sum += Math.abs(cellSideMedian(f, c, 0));
  return f.cells > 0 ? sum / f.cells : 0;
}

/** Median of the baseline values of the frame's cells. */
function alignedBaselineMedian(f: CellFrame): number {
  let count = 0;
  for (let c = 0; c < f.cells; c++) count += f.nb[c]!;
  const values = new Float64Array(count);
  for (let c = 0, k = 0; c < f.cells; c++)
    for (let i = f.start[c]!; i < f.start[c]! + f.nb[c]!; i++) values[k++] = f.values[i]!;
  return quantileInPlace(values, 0.5);
}

function variance(x: number[], m: number): number {
  if (x.length < 2) return 0;
  let ss = 0;
  for (const v of x) ss += (v - m) * (v - m);
  return ss / (x.length - 1);
}

/**
 * Lag-1 autocorrelation of d(t); `significant` when above the one-sided 5% bound 1.645/sqrt(n) of white
 * noise, so that independent data keeps its full power. Capped at 0.8.
 */
export function serialCorrelation(d: number[]): { rho: number; significant: boolean } {
  const n = d.length;
  let m = 0;
  for (const v of d) m += v;
  m /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const a = d[i]! - m;
    den += a * a;
    if (i + 1 < n) num += a * (d[i + 1]! - m);
  }
  const rho = den > 0 ? Math.min(0.8, num / den) : 0;
  return { rho, significant: rho > 1.645 / Math.sqrt(n) };
}

/**
 * Variance of persistent per-instance offsets (one pod always a little higher), from a two-way
 * instance x minute layout within each side: F = MS(instance) / MS(residual). Estimated only when
 * F is significant at 10%, otherwise 0. `sidesFactor` = 1/k_baseline + 1/k_canary, the weight such offsets
 * have in the mean of d(t).
 */
export function instanceEffect(aligned: AlignedData): { variance: number; sidesFactor: number; f: number } {
  let ssInst = 0;
  let dfInst = 0;
  let ssRes = 0;
  let dfRes = 0;
  let tSum = 0;
  let tCount = 0;
  for (const rows of [aligned.baseline, aligned.canary]) {
    const k = rows.length;
    if (k < 2) continue;
    const T = aligned.times.length;
    // Only minutes where every instance of the side has a value keep the layout balanced.
    const cols: number[] = [];
    for (let j = 0; j < T; j++) {
      let complete = aligned.complete === true;
      if (!complete) {
        complete = true;
        for (const r of rows) if (Number.isNaN(r[j]!)) complete = false;
      }
      if (complete) cols.push(j);
    }
    const c = cols.length;
    if (c < 2) continue;
    // Column sums row by row (each row is one array, read in order), adding in the same order as a sum down
    // each column would.
    const colMeans: number[] = new Array(c).fill(0);
    for (const r of rows) for (let x = 0; x < c; x++) colMeans[x] = colMeans[x]! + r[cols[x]!]!;
    for (let x = 0; x < c; x++) colMeans[x] = colMeans[x]! / k;
    for (const r of rows) {
      let offset = 0;
      for (let x = 0; x < c; x++) offset += r[cols[x]!]! - colMeans[x]!;
      offset /= c;
      ssInst += c * offset * offset;
      for (let x = 0; x < c; x++) {
        const e = r[cols[x]!]! - colMeans[x]! - offset;
        ssRes += e * e;
      }
    }
    dfInst += k - 1;
    dfRes += (k - 1) * (c - 1);
    tSum += c;
    tCount++;
  }
  const sidesFactor = 1 / Math.max(1, aligned.baseline.length) + 1 / Math.max(1, aligned.canary.length);
  if (dfInst === 0 || dfRes === 0 || ssRes === 0) return { variance: 0, sidesFactor, f: Number.NaN };
  const msInst = ssInst / dfInst;
  const msRes = ssRes / dfRes;
  const f = msInst / msRes;
  const T = tSum / tCount;
  const variance = fSf(f, dfInst, dfRes) < 0.1 ? Math.max(0, (msInst - msRes) / T) : 0;
  return { variance, sidesFactor, f };
}
