import type { MetricData } from '../model/metric.ts';
import type { Judgment } from '../model/verdict.ts';
import { judgeDefault } from './defaultMode.ts';
import { applyEvidence } from './evidence.ts';
import { judgeKayenta } from './kayentaMode.ts';
import type { JudgmentOptions } from './options.ts';

export { scoreOf } from './defaultMode.ts';

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
