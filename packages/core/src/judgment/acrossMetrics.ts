import type { MetricJudgment } from '../model/verdict.ts';

/**
 * How far below its own alpha a failing metric's evidence lies: the smallest p / alpha over the judges that
 * failed it by a test (`JudgeResult.test`; at most 1), or 0 when a rule (fail-fast) or a judge without a test
 * failed it, which no correction touches. Null when the metric did not fail.
 */
function failRatio(m: MetricJudgment): number | null {
  if (m.outcome !== 'fail') return null;
  let ratio = Number.POSITIVE_INFINITY;
  for (const r of m.judges) {
    if (r.outcome !== 'fail') continue;
    if (!r.test || !(r.test.alpha > 0)) return 0;
    ratio = Math.min(ratio, r.test.p / r.test.alpha);
  }
  return Number.isFinite(ratio) ? ratio : 0;
}

/**
 * Holm's step-down procedure over the metrics of one verification, so that a verification of many metrics
 * fails on noise alone no more often than one of a single metric. Each metric is first judged at its own
 * alpha; with M deciding metrics (not muted, with data), the failing ones are taken from the strongest
 * evidence down, and the k-th (from 1) keeps its fail only when its p-value is at most alpha / (M - k + 1)
 * and every stronger one kept its fail (Holm, "A simple sequentially rejective multiple test procedure",
 * Scandinavian Journal of Statistics 6, 1979). A metric that loses its fail this way warns, and says why.
 * Muted metrics are judged alone (they never decide); fail-fast rules are never corrected.
 */
export function holmAcrossMetrics(judged: MetricJudgment[]): MetricJudgment[] {
  const deciding = judged.filter((m) => !m.muted && m.outcome !== 'no-data').length;
  if (deciding <= 1) return judged;
  const failing = judged
    .map((m, index) => ({ index, ratio: m.muted ? null : failRatio(m) }))
    .filter((f): f is { index: number; ratio: number } => f.ratio !== null)
    .sort((a, b) => a.ratio - b.ratio);
  const out = judged.slice();
  let rejecting = true;
  failing.forEach((f, k) => {
    const bound = 1 / (deciding - k);
    if (rejecting && f.ratio <= bound) return;
    rejecting = false;
    const m = judged[f.index]!;
    out[f.index] = {
      ...m,
      outcome: 'warn',
      risk: Math.min(m.risk, 0.79),
      explanation:
        `${m.explanation}; a warning, not a fail, among ${deciding} metrics: this was the ${ordinal(k + 1)} ` +
        `strongest evidence, which must reach 1/${deciding - k} of the metric's alpha to fail ` +
        `(Holm), and reached ${formatRatio(f.ratio)}`,
    };
  });
  return out;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function formatRatio(r: number): string {
  return r > 0 ? `1/${Number((1 / r).toPrecision(3))}` : '0';
}
