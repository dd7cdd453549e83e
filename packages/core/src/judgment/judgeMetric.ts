import { type JudgeBuffers, judgeBuffers } from '../judges/buffers.ts';
import { distributionJudge } from '../judges/distribution.ts';
import { infinityJudge } from '../judges/infinity.ts';
import type { Judge, JudgeContext } from '../judges/judge.ts';
import { kayentaJudge } from '../judges/kayenta/index.ts';
import { pairedJudge } from '../judges/paired.ts';
import { type MetricSides, type PreparedMetric, prepareMetric, readSides } from '../judges/prepared.ts';
import { rankJudge } from '../judges/rank.ts';
import { rateJudge, readsAsCounts } from '../judges/rate.ts';
import { type SensitivitySettings, sensitivitySettings } from '../judges/sensitivity.ts';
import { shapeJudge } from '../judges/shape.ts';
import { thresholdJudge } from '../judges/threshold.ts';
import type { MetricData } from '../model/metric.ts';
import type { DataIssue, JudgeResult, MetricJudgment, MetricOutcome } from '../model/verdict.ts';
import { coverageOfSides, DEFAULT_MIN_COVERAGE, dataIssueOf, publicCoverage } from './coverage.ts';
import type { JudgmentOptions } from './options.ts';
import { relativeChange } from './summary.ts';

const SEVERITY: Record<MetricOutcome, number> = { 'no-data': -1, pass: 0, warn: 1, fail: 2 };

/** A statistical judge and its share of the metric's alpha. */
export interface WeightedJudge {
  judge: Judge;
  weight: number;
}

/**
 * The statistical judges that apply to this data, with their shares of the metric's alpha (weighted
 * Bonferroni, shares sum to 1): error counts (whole numbers of a count or unknown unit) go to the rate judge; time-aligned data to the paired (0.25)
 * and distribution (0.75) judges; data whose timestamps do not line up (before/after) to the pooled rank
 * (0.25) and distribution (0.75) judges. The distribution judge spends 40% of its share on variance and
 * 60% on the tail: sparse spikes can never be more significant than about 0.5^(number of spikes) under
 * exchangeability, so the tail test needs the larger share to see a handful of them. The location judges
 * need little: on the benchmark, shifts they miss fail their minimum-change gate, not their p-value
 * (mean +20%: 95% detected at a share of 0.4 and at 0.25).
 */
export function statisticalJudges(prepared: PreparedMetric): { judges: WeightedJudge[]; aligned: boolean } {
  const { data } = prepared;
  if (data.definition.kind === 'error' && readsAsCounts(data)) {
    return { judges: [{ judge: rateJudge, weight: 1 }], aligned: false };
  }
  const aligned = prepared.aligned !== null;
  const location = aligned ? pairedJudge : rankJudge;
  return {
    judges: [
      { judge: location, weight: 0.25 },
      { judge: distributionJudge, weight: 0.75 },
    ],
    aligned,
  };
}

/** The sensitivity settings that apply to a metric: its own override, else the verification's. */
export function metricSettings(data: MetricData, options: JudgmentOptions): SensitivitySettings {
  return sensitivitySettings(data.definition.sensitivity ?? options.sensitivity ?? 'medium');
}

/**
 * Coverage of the sides a metric is judged on, and the data issue that keeps it from passing, if any
 * (`sides`: the metric's sides as read; `buffers`: working arrays to reuse).
 */
export function coverageOf(
  data: MetricData,
  options: JudgmentOptions,
  sides: MetricSides = readSides(data),
  buffers: JudgeBuffers = judgeBuffers(),
) {
  const settings = metricSettings(data, options);
  const minCoverage = options.minCoverage ?? DEFAULT_MIN_COVERAGE;
  const coverage = coverageOfSides(data, !options.thresholdOnly, sides.values, buffers.coverageSteps);
  const canaryCoverage = coverage.canary;
  const baselineCoverage = coverage.baseline;
  const issue: DataIssue | undefined =
    dataIssueOf('canary', canaryCoverage, settings.minData, minCoverage) ??
    (baselineCoverage ? dataIssueOf('baseline', baselineCoverage, settings.minData, minCoverage) : undefined);
  return { canaryCoverage, baselineCoverage, issue };
}

/**
 * Judges one metric. First its coverage: a side short of data (provider errors, no data, fewer points, time
 * steps or instances than the sensitivity's `minData`, or usable points below `minCoverage` of those expected)
 * cannot pass: the metric is `no-data` with a `dataIssue` naming the cause, unless the data that did arrive
 * already fails it (a fail on partial data stands, and keeps its `dataIssue`).
 * Default mode: threshold rules first (fail-fast fails, an ignore rule passes), then the statistical judges,
 * each at its share of alpha (weighted Bonferroni over the judges with a p-value, so the metric's false-alarm
 * rate stays at most alpha), plus the infinity judge (worse-direction infinities are values: see
 * judges/infinity.ts) and the shape judge, which can warn but not fail. The worst outcome decides. Kayenta
 * mode: Kayenta's classification alone.
 *
 * Each side is read once (coverage and summaries share the read), and the statistical judges share one
 * PreparedMetric (alignment, cells, typical shift) built before the first of them runs. `buffers`: working
 * arrays to reuse (a verification passes one set for all its metrics).
 */
export function judgeMetric(
  data: MetricData,
  options: JudgmentOptions = {},
  buffers: JudgeBuffers = judgeBuffers(),
): MetricJudgment {
  const { definition } = data;
  const settings = metricSettings(data, options);
  const sides = readSides(data, buffers);
  const { baseline, canary } = sides.summary;
  const withBaseline = options.thresholdOnly !== true;
  const { canaryCoverage, baselineCoverage, issue } = coverageOf(data, options, sides, buffers);
  const base = {
    metric: definition.name,
    definition,
    sensitivity: settings.sensitivity,
    muted: definition.muted === true,
    change: relativeChange(baseline, canary),
    baseline,
    canary,
    coverage: {
      canary: publicCoverage(canaryCoverage),
      ...(baselineCoverage ? { baseline: publicCoverage(baselineCoverage) } : {}),
    },
    ...(issue ? { dataIssue: issue } : {}),
  };
  const ctx: JudgeContext = { settings };
  const noData = (results: JudgeResult[], explanation: string): MetricJudgment => ({
    ...base,
    outcome: 'no-data',
    risk: 0,
    decidedBy: [],
    judges: results,
    explanation,
  });
  /** With a data issue, only a fail on the data that arrived stands; anything else cannot be judged. */
  const unlessShort = (judged: MetricJudgment): MetricJudgment => {
    if (!issue || judged.outcome === 'fail' || judged.outcome === 'no-data') {
      return issue && judged.outcome === 'fail'
        ? { ...judged, explanation: `${judged.explanation} (on partial data: ${issue.detail})` }
        : judged;
    }
    return noData(judged.judges, `cannot judge ${definition.name}: ${issue.detail}`);
  };

  if (options.mode === 'kayenta') {
    const result = kayentaJudge(data, ctx);
    return unlessShort({
      ...base,
      outcome: result.outcome,
      risk: result.risk,
      decidedBy: result.outcome === 'pass' ? [] : ['kayenta'],
      judges: [result],
      explanation: result.explanation,
    });
  }

  const results: JudgeResult[] = [];
  const threshold = thresholdJudge(data, ctx);
  if (threshold.classification !== 'nodata') results.push(threshold);
  if (threshold.outcome === 'fail') {
    return finish(base, results, [threshold]);
  }
  const infinity = infinityJudge(data, ctx, { withBaseline });
  if (options.thresholdOnly) {
    // No baseline by design: the rules alone judge (and the worst value, +Inf), and a metric without rules
    // or data cannot pass.
    if (infinity) results.push(infinity);
    if (infinity?.outcome === 'fail') return finish(base, results, [infinity]);
    if (canaryCoverage.usable === 0 || threshold.classification === 'nodata') {
      return noData(
        results,
        canaryCoverage.usable === 0
          ? `no data: the canary returned no values for ${definition.name}${issue ? ` (${issue.detail})` : ''}`
          : `${definition.name} has no ignore or fail-fast rules, and the threshold strategy judges by rules alone`,
      );
    }
    return unlessShort(finish(base, results, [threshold]));
  }
  if (canaryCoverage.usable === 0 || baselineCoverage!.usable === 0) {
    const missing = [
      baselineCoverage!.usable === 0 ? 'baseline' : '',
      canaryCoverage.usable === 0 ? 'canary' : '',
    ]
      .filter(Boolean)
      .join(' and ');
    return noData(
      results,
      `no data: the ${missing} returned no values for ${definition.name}${issue && issue.cause !== 'no-data' ? ` (${issue.detail})` : ''}`,
    );
  }
  if (threshold.evidence.ignored === true && !issue) {
    return {
      ...base,
      outcome: 'pass',
      risk: 0,
      decidedBy: ['threshold'],
      judges: results,
      explanation: threshold.explanation,
    };
  }
  const prepared = canary.points > 0 && baseline.points > 0 ? prepareMetric(data, sides, buffers) : undefined;
  const stats = prepared
    ? statisticalJudges(prepared).judges.map(({ judge, weight }) =>
        judge(data, { settings: { ...settings, alpha: settings.alpha * weight }, prepared, buffers }),
      )
    : [];
  results.push(...stats);
  if (infinity) results.push(infinity);
  if (prepared) results.push(shapeJudge(data, { settings, prepared, buffers }));
  if (stats.every((r) => r.outcome === 'no-data') && infinity?.outcome !== 'fail') {
    return noData(
      results,
      issue
        ? `cannot judge ${definition.name}: ${issue.detail}`
        : `not enough data to judge ${definition.name}: ${stats.map((r) => r.explanation).join('; ')}`,
    );
  }
  return unlessShort(finish(base, results, results));
}

function finish(
  base: Omit<MetricJudgment, 'outcome' | 'risk' | 'decidedBy' | 'judges' | 'explanation'>,
  results: JudgeResult[],
  deciding: JudgeResult[],
): MetricJudgment {
  let outcome: MetricOutcome = 'pass';
  let risk = 0;
  for (const r of deciding) {
    if (r.outcome === 'no-data') continue;
    if (SEVERITY[r.outcome] > SEVERITY[outcome]) outcome = r.outcome;
    risk = Math.max(risk, r.risk);
  }
  const decidedBy =
    outcome === 'pass' ? [] : deciding.filter((r) => r.outcome === outcome).map((r) => r.judge);
  const explanation =
    outcome === 'pass'
      ? `no harmful change: ${results
          .filter((r) => r.outcome !== 'no-data' && r.judge !== 'shape')
          .map((r) => `${r.judge}: ${r.explanation}`)
          .join('; ')}`
      : deciding
          .filter((r) => r.outcome === outcome)
          .map((r) => `${r.judge}: ${r.explanation}`)
          .join('; ');
  return { ...base, outcome, risk, decidedBy, judges: results, explanation };
}
