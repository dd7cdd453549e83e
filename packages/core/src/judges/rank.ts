/**
 * Rank judge: does the canary's distribution sit higher (or lower) than the baseline's?
 *
 * Pools every baseline point against every canary point (NaN removed), runs the Mann-Whitney U test in the
 * harmful direction (one-sided, or two-sided for `both`), and sizes the change with the Hodges-Lehmann shift
 * and its confidence interval, the mean ratio and the common-language effect size. A metric fails only when
 * the change is significant AND at least as large as the sensitivity's minimum relative and absolute change,
 * so that a tiny but consistent shift never fails a deploy.
 */
import type { Direction, MetricData, MetricSeries } from '../model/metric.ts';
import type { JudgeResult } from '../model/verdict.ts';
import { mean, median } from '../stats/describe.ts';
import { hodgesLehmann } from '../stats/hodgesLehmann.ts';
import { mannWhitneyU } from '../stats/mannWhitney.ts';
import { formatChangeQuantity, formatQuantity } from '../units/unit.ts';
import type { Judge, JudgeContext } from './judge.ts';
import { type AbsoluteFloor, absoluteFloor, minimumChangeText } from './sensitivity.ts';

/** Fewest points per side for the test to mean anything; below it the judge reports no-data. */
export const RANK_MIN_POINTS = 3;

/** A p-value below alpha * this (but not below alpha) is borderline and warns when the change is large. */
const DEFAULT_WARN_FACTOR = 5;

/** Finite values of every point of every series, in order. */
export function pooledValues(series: MetricSeries[]): number[] {
  const out: number[] = [];
  for (const s of series) for (const p of s.points) if (Number.isFinite(p.v)) out.push(p.v);
  return out;
}

function alternativeFor(direction: Direction): 'greater' | 'less' | 'two-sided' {
  if (direction === 'higher-is-worse') return 'greater';
  if (direction === 'lower-is-worse') return 'less';
  return 'two-sided';
}

/** A number with a few significant digits, for sentences. */
function num(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

function pValue(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}

/** Risk bands shared with the other judges: pass < 0.5 <= warn < 0.8 <= fail. */
function riskOf(p: number, alpha: number, warnAt: number, band: 'pass' | 'warn' | 'fail'): number {
  const lp = -Math.log10(Math.max(p, 1e-300));
  const la = -Math.log10(alpha);
  const lw = -Math.log10(warnAt);
  if (band === 'fail') return 0.8 + 0.2 * Math.min(1, Math.max(0, (lp - la) / 4));
  if (band === 'warn') return 0.5 + 0.3 * Math.min(1, Math.max(0, (lp - lw) / Math.max(la - lw, 1e-12)));
  return Math.min(0.49, Math.max(0, (0.5 * lp) / Math.max(lw, 1e-12)));
}

/**
 * The rank judge on two pooled samples; `rankJudge` wraps it for MetricData. `floor` is the smallest absolute
 * change that may fail, in the samples' unit (a number, or the floor `absoluteFloor` found for the metric).
 */
export function judgeRank(
  baseline: number[],
  canary: number[],
  direction: Direction,
  unit: string | undefined,
  floor: number | AbsoluteFloor,
  ctx: JudgeContext,
): JudgeResult {
  const { alpha, minRelativeChange } = ctx.settings;
  const warnFactor = ctx.settings.warnFactor ?? DEFAULT_WARN_FACTOR;
  const minAbsoluteChange = typeof floor === 'number' ? floor : floor.value;
  const q = (x: number) => formatQuantity(x, unit);
  const base = { judge: 'rank' };
  if (baseline.length < RANK_MIN_POINTS || canary.length < RANK_MIN_POINTS) {
    return {
      ...base,
      outcome: 'no-data',
      risk: 0,
      classification: 'nodata',
      explanation: `Too few points to compare ranks: ${baseline.length} baseline and ${canary.length} canary (need at least ${RANK_MIN_POINTS} each).`,
      evidence: { nBaseline: baseline.length, nCanary: canary.length },
    };
  }
  const baselineMedian = median(baseline);
  const canaryMedian = median(canary);
  const baselineMean = mean(baseline);
  const canaryMean = mean(canary);
  const meanRatio = baselineMean === 0 ? null : canaryMean / baselineMean;
  let allEqual = true;
  const first = baseline[0] as number;
  for (const v of baseline) if (v !== first) allEqual = false;
  for (const v of canary) if (v !== first) allEqual = false;
  if (allEqual) {
    return {
      ...base,
      outcome: 'pass',
      risk: 0,
      classification: 'pass',
      explanation: `Baseline and canary hold the same single value (${q(first)}) at every point.`,
      evidence: { nBaseline: baseline.length, nCanary: canary.length, p: 1, estimate: 0, meanRatio: 1 },
    };
  }

  const alternative = alternativeFor(direction);
  const test = mannWhitneyU(canary, baseline, { alternative, method: 'auto', continuity: true });
  const cles = test.u / (canary.length * baseline.length);
  // A one-sided test at alpha pairs with the two-sided interval at 1 - 2 alpha.
  const confidence = Math.max(0.5, alternative === 'two-sided' ? 1 - alpha : 1 - 2 * alpha);
  const hl = hodgesLehmann(canary, baseline, { confidence });
  const shift = hl.estimate;

  // Scale of the baseline for the relative change: its median, or its mean level when the median is 0.
  let scale = Math.abs(baselineMedian);
  if (scale === 0) scale = Math.abs(baselineMean);
  const harmfulShift =
    direction === 'higher-is-worse' ? shift : direction === 'lower-is-worse' ? -shift : Math.abs(shift);
  const relativeChange = scale === 0 ? (shift === 0 ? 0 : Number.POSITIVE_INFINITY) : shift / scale;
  const harmfulRelative =
    scale === 0 ? (harmfulShift > 0 ? Number.POSITIVE_INFINITY : 0) : harmfulShift / scale;
  const bigEnough =
    harmfulShift > 0 && harmfulRelative >= minRelativeChange && harmfulShift >= minAbsoluteChange;
  const significant = test.p < alpha;
  const borderline = !significant && test.p < alpha * warnFactor;

  let outcome: JudgeResult['outcome'] = 'pass';
  let band: 'pass' | 'warn' | 'fail' = 'pass';
  if (significant && bigEnough) band = 'fail';
  else if ((significant && harmfulShift > 0) || (borderline && bigEnough)) band = 'warn';
  outcome = band;
  const risk = riskOf(test.p, alpha, alpha * warnFactor, band);
  const up = shift > 0 || (shift === 0 && cles > 0.5);
  const classification: JudgeResult['classification'] = band === 'pass' ? 'pass' : up ? 'high' : 'low';

  const relText =
    Number.isFinite(relativeChange) && scale !== 0
      ? `${Math.abs(relativeChange * 100).toPrecision(2)}% ${relativeChange >= 0 ? 'higher' : 'lower'}`
      : shift === 0
        ? 'no shift'
        : `${shift > 0 ? 'higher' : 'lower'} from a zero baseline`;
  const ci = `${Math.round(confidence * 1000) / 10}% CI [${q(hl.lower)}, ${q(hl.upper)}]`;
  const facts =
    `canary is ${relText} than baseline (Hodges-Lehmann shift ${formatChangeQuantity(shift, unit)}, ${ci}; ` +
    `median ${q(canaryMedian)} vs ${q(baselineMedian)}); Mann-Whitney p = ${pValue(test.p)} ` +
    `(${alternative === 'two-sided' ? 'two-sided' : `one-sided, ${alternative}`}), alpha ${num(alpha)}; ` +
    `a canary point exceeds a baseline point in ${Math.round(cles * 100)}% of pairs.`;
  let verdict: string;
  if (band === 'fail') verdict = 'Regression: ';
  else if (band === 'warn' && significant)
    verdict = `Significant but below the minimum change (${
      typeof floor === 'number'
        ? `${num(minRelativeChange * 100)}% and ${q(floor)}`
        : minimumChangeText(ctx.settings, floor, unit, `${num(minRelativeChange * 100)}%`)
    }): `;
  else if (band === 'warn') verdict = 'Borderline: ';
  else if (significant) verdict = 'Changed in the harmless direction: ';
  else verdict = 'No significant change: ';

  return {
    ...base,
    outcome,
    risk,
    classification,
    explanation: verdict + facts,
    evidence: {
      p: test.p,
      u: test.u,
      z: test.z ?? null,
      method: test.method,
      alternative,
      alpha,
      estimate: shift,
      ciLower: hl.lower,
      ciUpper: hl.upper,
      confidence,
      relativeChange: Number.isFinite(relativeChange) ? relativeChange : null,
      absoluteChange: shift,
      minRelativeChange,
      minAbsoluteChange,
      meanRatio,
      cles,
      baselineMedian,
      canaryMedian,
      baselineMean,
      canaryMean,
      nBaseline: baseline.length,
      nCanary: canary.length,
    },
    test: { p: test.p, alpha },
  };
}

/** Rank judge (Mann-Whitney U + Hodges-Lehmann) on all baseline vs all canary points of a metric. */
export const rankJudge: Judge = (data: MetricData, ctx: JudgeContext): JudgeResult =>
  judgeRank(
    pooledValues(data.baseline),
    pooledValues(data.canary),
    data.definition.direction,
    data.definition.unit,
    absoluteFloor(ctx.settings, data.definition),
    ctx,
  );
