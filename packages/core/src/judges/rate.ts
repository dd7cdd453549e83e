import { binomialTest } from '../stats/distributions.ts';
import type { MetricData, MetricSeries } from '../model/metric.ts';
import type { JudgeResult } from '../model/verdict.ts';
import { type AlignedData, alignByTime } from './align.ts';
import { decide, deflateP, fmt, fmtP, harmfulAlternative, isHarmful } from './decide.ts';
import type { Judge, JudgeContext } from './judge.ts';
import { notApplicable } from './notApplicable.ts';
import { parseUnit } from '../units/unit.ts';

/** Whether every finite value is a non-negative whole number (an error count per interval). */
export function isCountSeries(series: MetricSeries[]): boolean {
  for (const s of series)
    for (const p of s.points) if (Number.isFinite(p.v) && (p.v < 0 || !Number.isInteger(p.v))) return false;
  return true;
}

/**
 * Whether an error metric's values are counts per interval, the rate judge's input: whole non-negative
 * numbers, and a unit that is a count (or count rate) or unknown. Whole numbers in ms or % are not counts.
 */
export function readsAsCounts(data: MetricData): boolean {
  const unit = parseUnit(data.definition.unit);
  if (unit && unit.dimension !== 'count' && unit.dimension !== 'count/time') return false;
  return isCountSeries(data.baseline) && isCountSeries(data.canary);
}

function sumFinite(series: MetricSeries[]): { sum: number; points: number } {
  let sum = 0;
  let points = 0;
  for (const s of series)
    for (const p of s.points)
      if (Number.isFinite(p.v)) {
        sum += p.v;
        points++;
      }
  return { sum, points };
}

/**
 * Rate judge for error counts. Given the total errors E_b, E_c and the exposures X_b, X_c (traffic when a
 * traffic metric is given, otherwise instance-intervals), a Poisson model makes E_c | E_b + E_c binomial with
 * p0 = X_c / (X_b + X_c) under equal rates: an exact test that stays calibrated for a handful of errors.
 * Errors often come in bursts (overdispersion); the within-minute dispersion index of the instances, when
 * significantly above 1, deflates the test's z accordingly.
 */
export const rateJudge: Judge = (data: MetricData, ctx: JudgeContext): JudgeResult => {
  const { definition } = data;
  const s = ctx.settings;
  const unit = parseUnit(definition.unit);
  if (unit && unit.dimension !== 'count' && unit.dimension !== 'count/time') {
    return notApplicable('rate', `values are in ${unit.symbol}, not error counts per interval`);
  }
  if (!isCountSeries(data.baseline) || !isCountSeries(data.canary)) {
    return notApplicable('rate', 'values are not whole non-negative error counts per interval');
  }
  const b = sumFinite(data.baseline);
  const c = sumFinite(data.canary);
  if (b.points === 0 || c.points === 0) return notApplicable('rate', 'no error counts on one side');
  let xb = b.points;
  let xc = c.points;
  let exposure = 'instance-intervals';
  if (data.traffic) {
    const tb = sumFinite(data.traffic.baseline).sum;
    const tc = sumFinite(data.traffic.canary).sum;
    if (tb > 0 && tc > 0) {
      xb = tb;
      xc = tc;
      exposure = 'requests';
    }
  }
  const rateB = b.sum / xb;
  const rateC = c.sum / xc;
  const total = b.sum + c.sum;
  const alternative = harmfulAlternative(definition.direction);
  const rawP = total > 0 ? binomialTest(c.sum, total, xc / (xb + xc), alternative) : 1;
  const aligned = ctx.prepared ? ctx.prepared.aligned : alignByTime(data.baseline, data.canary);
  const dispersion = dispersionIndex(aligned);
  const p = deflateP(rawP, alternative, dispersion.significant ? dispersion.phi : 1);
  const up = rateC > rateB;
  const ratio = rateB > 0 ? rateC / rateB : rateC > 0 ? Number.POSITIVE_INFINITY : 1;
  // Extra canary errors over the whole window (beyond the baseline's rate at the canary's exposure): the
  // floor is a count over the window, so a sparse new error (8 vs 0 in an hour) is judged by its p-value
  // whatever the number of instances and intervals it is spread over.
  const extra = (rateC - rateB) * xc;
  const excessPerPoint = extra / c.points;
  const bigEnough = up
    ? ratio >= s.minRateRatio && extra >= s.minExtraErrors
    : 1 / Math.max(ratio, 1e-300) >= s.minRateRatio && -extra >= s.minExtraErrors;
  const decision = decide(p, s.alpha, s.warnFactor, isHarmful(definition.direction, up), bigEnough, up);
  const per = exposure === 'requests' ? 'per request' : 'per instance-interval';
  return {
    judge: 'rate',
    ...decision,
    explanation:
      `canary error rate ${fmt(rateC)} vs baseline ${fmt(rateB)} ${per} (x${fmt(ratio)}, ${c.sum} vs ${b.sum} errors` +
      `${exposure === 'requests' ? `, ${fmt(xc)} vs ${fmt(xb)} requests` : ''}, exact conditional test p = ${fmtP(p)}` +
      `${dispersion.significant ? `, bursts: dispersion x${fmt(dispersion.phi)}` : ''})` +
      (bigEnough
        ? ''
        : `; below the minimum change (x${fmt(s.minRateRatio)} and ${fmt(s.minExtraErrors)} extra errors over the window)`),
    evidence: {
      baselineErrors: b.sum,
      canaryErrors: c.sum,
      baselineExposure: xb,
      canaryExposure: xc,
      exposure,
      baselineRate: rateB,
      canaryRate: rateC,
      rateRatio: Number.isFinite(ratio) ? ratio : null,
      relativeChange: rateB > 0 ? ratio - 1 : null,
      excessPerInterval: excessPerPoint,
      extraErrors: extra,
      dispersion: dispersion.phi,
      pRaw: rawP,
      p,
      alpha: s.alpha,
      bigEnough,
    },
    test: { p, alpha: s.alpha },
  };
};

/**
 * Pearson dispersion index of counts around their side's mean within each minute (1 for Poisson counts), from
 * the metric's aligned sides (none when its timestamps do not line up: no dispersion then).
 * `significant` when above 1 + 2 sqrt(2 / df), the rough upper bound of its sampling noise.
 */
export function dispersionIndex(aligned: AlignedData | null): {
  phi: number;
  df: number;
  significant: boolean;
} {
  if (!aligned) return { phi: 1, df: 0, significant: false };
  let chi = 0;
  let df = 0;
  for (const rows of [aligned.baseline, aligned.canary]) {
    for (let j = 0; j < aligned.times.length; j++) {
      let sum = 0;
      let k = 0;
      for (const r of rows) {
        const v = r[j]!;
        if (!Number.isNaN(v)) {
          sum += v;
          k++;
        }
      }
      if (k < 2 || sum === 0) continue;
      const m = sum / k;
      for (const r of rows) {
        const v = r[j]!;
        if (!Number.isNaN(v)) chi += ((v - m) * (v - m)) / m;
      }
      df += k - 1;
    }
  }
  if (df === 0) return { phi: 1, df: 0, significant: false };
  const phi = chi / df;
  return { phi, df, significant: phi > 1 + 2 * Math.sqrt(2 / df) };
}
