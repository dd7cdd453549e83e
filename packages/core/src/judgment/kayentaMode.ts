/**
 * Kayenta mode: each metric classified as Kayenta's NetflixACAJudge does (with its Kayenta settings), the
 * score from Kayenta's weighted group scorer, then Vigil's rules that Kayenta lacks: fail-fast and ignore
 * rules in the same order of precedence as the default mode, no pass on data that could not be judged, logs.
 */
import {
  type KayentaMetricResult,
  kayentaClassifyData,
  kayentaConfigFromDefinition,
  kayentaScore,
  kayentaToJudgeResult,
} from '../judges/kayenta/index.ts';
import { thresholdJudge } from '../judges/threshold.ts';
import type { MetricData } from '../model/metric.ts';
import type { Judgment, MetricJudgment, NoDataPolicy } from '../model/verdict.ts';
import { publicCoverage } from './coverage.ts';
import { judgeBuffers } from '../judges/buffers.ts';
import { readSides } from '../judges/prepared.ts';
import { coverageOf, metricSettings } from './judgeMetric.ts';
import type { JudgmentOptions } from './options.ts';
import { endsRunByFailFast } from './precedence.ts';
import { firstSentence, relativeChange } from './summary.ts';

export function judgeKayenta(metrics: MetricData[], options: JudgmentOptions): Judgment {
  const results: KayentaMetricResult[] = [];
  const buffers = judgeBuffers();
  const judged: MetricJudgment[] = metrics.map((data) => {
    const classified = kayentaClassifyData(data, kayentaConfigFromDefinition(data.definition));
    const judge = kayentaToJudgeResult(classified);
    const settings = metricSettings(data, options);
    // The same order of precedence as the default mode (precedence.ts): a fired fail-fast rule fails the
    // metric, a matching ignore rule passes it; either is scored by Kayenta's scorer as that classification.
    const rule = data.definition.thresholds ? thresholdJudge(data, { settings }) : undefined;
    const failFast = rule?.outcome === 'fail';
    const ignored = !failFast && rule?.evidence.ignored === true;
    results.push(
      failFast || ignored
        ? {
            ...classified,
            classification: failFast ? (rule!.classification === 'low' ? 'Low' : 'High') : 'Pass',
            reason: rule!.explanation,
          }
        : classified,
    );
    const sides = readSides(data, buffers);
    const { baseline, canary } = sides.summary;
    const { canaryCoverage, baselineCoverage, issue } = coverageOf(data, options, sides, buffers);
    const coverage = {
      canary: publicCoverage(canaryCoverage),
      ...(baselineCoverage ? { baseline: publicCoverage(baselineCoverage) } : {}),
    };
    if (issue && !failFast && judge.outcome !== 'fail') {
      // Kayenta would score what arrived; Vigil does not pass a metric it could not judge.
      return {
        metric: data.definition.name,
        definition: data.definition,
        sensitivity: metricSettings(data, options).sensitivity,
        outcome: 'no-data' as const,
        risk: 0,
        decidedBy: [],
        muted: data.definition.muted === true,
        change: relativeChange(baseline, canary),
        baseline,
        canary,
        judges: [judge],
        explanation: `cannot judge ${data.definition.name}: ${issue.detail}`,
        coverage,
        dataIssue: issue,
      };
    }
    return {
      coverage,
      ...(issue ? { dataIssue: issue } : {}),
      metric: data.definition.name,
      definition: data.definition,
      sensitivity: settings.sensitivity,
      outcome: failFast ? 'fail' : ignored ? 'pass' : judge.outcome,
      risk: failFast ? 1 : ignored ? 0 : judge.risk,
      decidedBy: failFast || ignored ? ['threshold'] : judge.outcome === 'pass' ? [] : ['kayenta'],
      muted: data.definition.muted === true,
      change: relativeChange(baseline, canary),
      baseline,
      canary,
      judges: rule && rule.classification !== 'nodata' ? [rule, judge] : [judge],
      explanation: failFast || ignored ? rule!.explanation : judge.explanation,
    };
  });
  const k = options.kayenta ?? {};
  const score = kayentaScore(results, {
    ...(k.passThreshold !== undefined ? { passThreshold: k.passThreshold } : {}),
    ...(k.marginalThreshold !== undefined ? { marginalThreshold: k.marginalThreshold } : {}),
    ...(k.groupWeights ? { groupWeights: k.groupWeights } : {}),
  });
  const pass = k.passThreshold ?? 75;
  const marginal = k.marginalThreshold ?? 50;
  const failing = judged.filter((m) => !m.muted && m.outcome === 'fail').map((m) => m.metric);
  const why =
    score.reason ??
    (failing.length > 0
      ? `${failing.length} metric(s) High/Low: ${failing.slice(0, 3).join(', ')}`
      : 'all metrics Pass');
  let verdict: Judgment['verdict'] =
    score.classification === 'Pass' ? 'pass' : score.classification === 'Fail' ? 'fail' : 'inconclusive';
  let reason = `Kayenta ${score.classification}: score ${score.score} (pass >= ${pass}, marginal >= ${marginal}); ${why}.`;
  const failFast = judged.find(endsRunByFailFast);
  if (failFast) {
    verdict = 'fail';
    reason = `Fail: fail-fast rule of "${failFast.metric}" fired (${firstSentence(failFast.explanation)}); ${reason}`;
  }
  const short = judged.filter((m) => !m.muted && m.outcome === 'no-data' && m.dataIssue);
  const noData: NoDataPolicy = options.noData ?? 'inconclusive';
  if (verdict === 'pass' && short.length > 0) {
    const accepted = noData === 'pass' && !short.some((m) => m.dataIssue!.cause === 'provider-error');
    if (!accepted) {
      verdict = noData === 'fail' ? 'fail' : 'inconclusive';
      reason = `${verdict === 'fail' ? 'Fail' : 'Inconclusive'}: ${short.length} metric${short.length > 1 ? 's' : ''} could not be judged (${short
        .slice(0, 3)
        .map((m) => `${m.metric}: ${m.dataIssue!.detail}`)
        .join('; ')}); ${reason}`;
    }
  }
  const logs = options.logs;
  if (logs?.outcome === 'fail' && verdict !== 'fail') {
    verdict = 'fail';
    reason = `Fail: logs failed (${firstSentence(logs.explanation)}); ${reason}`;
  } else if (logs?.outcome === 'no-data' && verdict === 'pass' && noData !== 'pass') {
    verdict = noData === 'fail' ? 'fail' : 'inconclusive';
    reason = `${noData === 'fail' ? 'Fail' : 'Inconclusive'}: the logs had no data (${firstSentence(logs.explanation)}), and the no-data policy is ${noData}; ${reason}`;
  }
  return { verdict, score: score.score, reason, metrics: judged, ...(logs ? { logs } : {}) };
}
