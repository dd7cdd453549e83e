/**
 * Default mode: each metric judged at its own alpha by Vigil's judges, Holm across the deciding metrics, then
 * the verdict, its reason and the score (see `judgeVerification` for the rules).
 */
import type { MetricData } from '../model/metric.ts';
import type { Judgment, LogsJudgment, MetricJudgment, NoDataPolicy } from '../model/verdict.ts';
import { judgeBuffers } from '../judges/buffers.ts';
import { holmAcrossMetrics } from './acrossMetrics.ts';
import { judgeMetric } from './judgeMetric.ts';
import type { JudgmentOptions } from './options.ts';
import { firstSentence } from './summary.ts';

export function judgeDefault(metrics: MetricData[], options: JudgmentOptions): Judgment {
  const noData: NoDataPolicy = options.noData ?? 'inconclusive';
  const buffers = judgeBuffers();
  const alone = metrics.map((m) => judgeMetric(m, options, buffers));
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
