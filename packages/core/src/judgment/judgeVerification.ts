import {
  type KayentaMetricResult,
  kayentaClassifyMetric,
  kayentaConfigFromDefinition,
  kayentaScore,
  kayentaToJudgeResult,
} from '../judges/kayenta.ts';
import type { MetricData, MetricSeries } from '../model/metric.ts';
import type { Judgment, LogsJudgment, MetricJudgment, NoDataPolicy } from '../model/verdict.ts';
import { thresholdJudge } from '../judges/threshold.ts';
import { publicCoverage } from './coverage.ts';
import { coverageOf, judgeMetric, metricSettings } from './judgeMetric.ts';
import { endsRunByFailFast } from './precedence.ts';
import type { JudgmentOptions } from './options.ts';
import { relativeChange, summarizeSide } from './summary.ts';
import { holmAcrossMetrics } from './acrossMetrics.ts';
import { applyEvidence } from './evidence.ts';

/**
 * Judges a verification: every metric (and the logs, when given), then one verdict.
 *
 * Default mode: each metric is judged at its own alpha, then Holm's procedure across the deciding metrics
 * turns fails that many metrics would produce by chance into warnings (`acrossMetrics`). Any failing
 * metric that is not muted fails the verification (a failing critical metric is named as such); a failing
 * log judgment fails it too. Otherwise metrics without data, and logs without events, decide by the
 * `noData` policy (fail, inconclusive, or pass when the user says so); with no metric judged at all, the
 * policy decides alone. The score (0..100, higher is healthier) is the weighted mean of 100 x (1 - risk)
 * over the deciding metrics with data (logs weigh 1); under the `fail` policy a metric without data scores 0.
 *
 * In both modes, alerts the providers raised during the window (`options.evidence`) are then applied by
 * their policy (evidence.ts).
 *
 * Kayenta mode: each metric classified as Kayenta's NetflixACAJudge does, the score from Kayenta's weighted
 * group scorer, pass at or above `passThreshold`, fail below `marginalThreshold`, inconclusive in between.
 */
export function judgeVerification(metrics: MetricData[], options: JudgmentOptions = {}): Judgment {
  const judgment =
    options.mode === 'kayenta' ? judgeKayenta(metrics, options) : judgeDefault(metrics, options);
  return options.evidence
    ? applyEvidence(judgment, options.evidence, options.noData ?? 'inconclusive')
    : judgment;
}

function judgeDefault(metrics: MetricData[], options: JudgmentOptions): Judgment {
  const noData: NoDataPolicy = options.noData ?? 'inconclusive';
  const alone = metrics.map((m) => judgeMetric(m, options));
  // A metric that failed on partial data and lost its fail to Holm was not judged on enough data to pass.
  const judged = (options.acrossMetrics === 'none' ? alone : holmAcrossMetrics(alone)).map((m) =>
    m.dataIssue && m.outcome !== 'fail' && m.outcome !== 'no-data'
      ? {
          ...m,
          outcome: 'no-data' as const,
          risk: 0,
          decidedBy: [],
          explanation: `cannot judge ${m.metric}: ${m.dataIssue.detail}`,
        }
      : m,
  );
  const deciding = judged.filter((m) => !m.muted);
  const failing = deciding.filter((m) => m.outcome === 'fail');
  const missing = deciding.filter((m) => m.outcome === 'no-data');
  const logs = options.logs;

  const score = scoreOf(judged, logs, noData);
  const base = { score, metrics: judged, ...(logs ? { logs } : {}) };

  if (failing.length > 0 || logs?.outcome === 'fail') {
    const critical = failing.filter((m) => m.definition.critical);
    const first = critical[0] ?? failing[0];
    const parts: string[] = [];
    if (first) {
      parts.push(
        `${critical.length > 0 ? 'critical metric ' : ''}${first.metric} failed (${firstSentence(first.explanation)})`,
      );
      if (failing.length > 1)
        parts.push(`${failing.length - 1} more metric${failing.length > 2 ? 's' : ''} failed`);
    }
    if (logs?.outcome === 'fail') parts.push(`logs failed: ${firstSentence(logs.explanation)}`);
    return { ...base, verdict: 'fail', reason: `Fail: ${parts.join('; ')}; score ${score}.` };
  }
  const judgedCount = deciding.length - missing.length;
  // Logs that were asked for but had no events are missing data like a metric without data.
  const logsMissing = logs?.outcome === 'no-data';
  if (missing.length > 0 || logsMissing || (judgedCount === 0 && !logs)) {
    const names = missing.map((m) =>
      m.dataIssue && m.dataIssue.cause !== 'no-data' ? `${m.metric}: ${m.dataIssue.detail}` : m.metric,
    );
    const what = [
      deciding.length === 0
        ? logs
          ? ''
          : 'no metric to judge'
        : missing.length > 0
          ? `${missing.length} of ${deciding.length} metrics had no data (${names.slice(0, 3).join('; ')}${names.length > 3 ? '; ...' : ''})`
          : '',
      logsMissing ? `the logs had no data (${firstSentence(logs.explanation)})` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    const providerErrors = missing.filter((m) => m.dataIssue?.cause === 'provider-error');
    if (noData === 'fail')
      return { ...base, verdict: 'fail', reason: `Fail: ${what}, and the no-data policy is fail.` };
    if (noData === 'inconclusive' || providerErrors.length > 0) {
      // `noData: pass` accepts data that is not there, never data a provider failed to deliver.
      if (noData === 'pass')
        return {
          ...base,
          verdict: 'inconclusive',
          reason: `Inconclusive: ${what}; provider errors are never accepted by the no-data policy (score ${score}).`,
        };
      return {
        ...base,
        verdict: 'inconclusive',
        reason: `Inconclusive: ${what}; the rest passed (score ${score}).`,
      };
    }
    return {
      ...base,
      verdict: 'pass',
      reason: `Pass: ${what}, accepted by the no-data policy; the rest passed (score ${score}).`,
    };
  }
  const warned = deciding.filter((m) => m.outcome === 'warn');
  const mutedFailing = judged.filter((m) => m.muted && m.outcome === 'fail');
  const notes = [
    warned.length > 0
      ? `${warned.length} warning${warned.length > 1 ? 's' : ''} (${warned
          .map((m) => m.metric)
          .slice(0, 3)
          .join(', ')})`
      : '',
    mutedFailing.length > 0
      ? `${mutedFailing.length} muted metric${mutedFailing.length > 1 ? 's' : ''} would fail`
      : '',
  ].filter(Boolean);
  return {
    ...base,
    verdict: 'pass',
    reason: `Pass: ${judgedCount} metric${judgedCount === 1 ? '' : 's'} showed no harmful change${logs ? ' and the logs passed' : ''}${notes.length ? `; ${notes.join('; ')}` : ''} (score ${score}).`,
  };
}

/**
 * The verification score, 0..100, higher is healthier: the weighted mean of 100 x (1 - risk) over the metrics
 * that are not muted and have data (logs weigh 1); under the `fail` no-data policy a metric without data
 * scores 0. With nothing scored: 100 under the `pass` policy, else 0.
 */
export function scoreOf(
  metrics: MetricJudgment[],
  logs: LogsJudgment | undefined,
  noData: NoDataPolicy,
): number {
  let weightSum = 0;
  let scoreSum = 0;
  for (const m of metrics) {
    if (m.muted) continue;
    const w = m.definition.weight ?? 1;
    if (m.outcome === 'no-data') {
      if (noData === 'fail') weightSum += w;
      continue;
    }
    weightSum += w;
    scoreSum += w * 100 * (1 - m.risk);
  }
  if (logs && logs.outcome !== 'no-data') {
    weightSum += 1;
    scoreSum += 100 * (1 - logs.risk);
  }
  return weightSum > 0 ? Math.round(scoreSum / weightSum) : noData === 'pass' ? 100 : 0;
}

function firstSentence(s: string): string {
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

function rawValues(series: MetricSeries[]): number[] {
  const out: number[] = [];
  for (const s of series) for (const p of s.points) out.push(p.v);
  return out;
}

function judgeKayenta(metrics: MetricData[], options: JudgmentOptions): Judgment {
  const results: KayentaMetricResult[] = [];
  const judged: MetricJudgment[] = metrics.map((data) => {
    const classified = kayentaClassifyMetric(
      rawValues(data.baseline),
      rawValues(data.canary),
      kayentaConfigFromDefinition(data.definition),
    );
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
    const baseline = summarizeSide(data.baseline);
    const canary = summarizeSide(data.canary);
    const { canaryCoverage, baselineCoverage, issue } = coverageOf(data, options);
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
