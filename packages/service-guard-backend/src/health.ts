/**
 * Pure scoring of one period: anomaly points of a metric -> its risk, and metric risks + log outcome ->
 * the entity's health state, score and reasons.
 */
import type { AnomalyPoint } from '@vigil/core';
import { alertThreshold, formatQuantity } from '@vigil/core';
import {
  concerns,
  type HealthState,
  isAnomalousPoint,
  type LogsSummary,
  type MetricRisk,
  type ProblemsSummary,
  type SignalOutcome,
} from '@vigil/backstage-plugin-service-guard-common';
import type { MetricSettings } from './config.ts';

/** Scored points of one instance of a metric, restricted to the analysed period. */
export interface ScoredInstance {
  instance: string;
  points: AnomalyPoint[];
}

/** Whether a deviation of the point goes the way the metric calls bad. */
export function badWay(p: AnomalyPoint, direction: MetricSettings['direction']): boolean {
  if (direction === 'both' || p.expected === null) return true;
  return direction === 'higher-is-worse' ? p.value > p.expected : p.value < p.expected;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(3);
}

/** The risk of one metric over the period, from the detector's points of every instance. */
export function metricRisk(metric: MetricSettings, instances: readonly ScoredInstance[]): MetricRisk {
  const base = {
    metric: metric.name,
    kind: metric.kind,
    direction: metric.direction,
    ...(metric.unit !== undefined ? { unit: metric.unit } : {}),
  };
  const threshold = alertThreshold(metric.sensitivity);
  let points = 0;
  let alerts = 0;
  let learning = 0;
  let worst: { p: AnomalyPoint; instance: string } | null = null;
  let anomalous = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const inst of instances) {
    for (const p of inst.points) {
      if (!Number.isFinite(p.value)) continue;
      points++;
      if (p.expected === null) learning++;
      if (isAnomalousPoint({ ...p, alert: p.alert && badWay(p, metric.direction) }, metric.direction)) {
        anomalous++;
        first = Math.min(first, p.t);
        last = Math.max(last, p.t);
      }
      if (!badWay(p, metric.direction)) continue;
      if (p.alert) alerts++;
      if (worst === null || p.score > worst.p.score) worst = { p, instance: inst.instance };
    }
  }
  if (points === 0) {
    return {
      ...base,
      outcome: 'no-data',
      risk: 0,
      points: 0,
      alerts: 0,
      reason: `${metric.name}: no data in the period`,
    };
  }
  const risk = worst ? Math.round(worst.p.score * 1000) / 1000 : 0;
  // No "warn" band below the alert threshold: near misses happen every day in noise, and the detector's
  // threshold is the calibrated one (measured on NAB).
  const outcome: SignalOutcome = alerts > 0 ? 'fail' : 'pass';
  let reason: string;
  if (learning === points) {
    reason = `${metric.name}: still learning the normal behaviour (${points} points so far, no verdict yet)`;
  } else if (outcome === 'pass') {
    reason = `${metric.name}: normal (${points} points, highest anomaly score ${fmt(risk)} < ${fmt(threshold)})`;
  } else {
    const w = worst!;
    reason =
      `${metric.name}: ${alerts} of ${points} points anomalous` +
      `; worst ${metric.unit ? formatQuantity(w.p.value, metric.unit) : fmt(w.p.value)} on ${w.instance} at ${new Date(w.p.t).toISOString()}` +
      ` (${w.p.reason})`;
  }
  const result: MetricRisk = { ...base, outcome, risk, points, alerts, reason, threshold };
  if (learning === points) result.learning = true;
  if (anomalous > 0) {
    result.anomalous = {
      points: anomalous,
      first: new Date(first).toISOString(),
      last: new Date(last).toISOString(),
    };
  }
  if (worst) {
    result.worst = {
      t: new Date(worst.p.t).toISOString(),
      instance: worst.instance,
      value: worst.p.value,
      expected: worst.p.expected,
      lower: worst.p.lower,
      upper: worst.p.upper,
      why: worst.p.reason,
    };
  }
  return result;
}

/** The entity's health over the period. */
export interface HealthVerdict {
  state: HealthState;
  score: number | null;
  reasons: string[];
}

/** Most reasons kept with a snapshot. */
const MAX_REASONS = 5;

/**
 * Combines the signals: `unhealthy` when a critical metric fails, two or more metrics fail, or the logs
 * fail; `degraded` on any other failure or warning; `no-data` when no signal had data. The score is 100
 * times one minus the weighted mean risk (logs weigh 1), capped at 49 when unhealthy and 79 when degraded.
 */
export function combineHealth(
  metrics: readonly { risk: MetricRisk; settings: Pick<MetricSettings, 'weight' | 'critical'> }[],
  logs: LogsSummary | null,
): HealthVerdict {
  const withData = metrics.filter((m) => m.risk.outcome !== 'no-data');
  const logsData = logs !== null && logs.outcome !== 'no-data';
  if (withData.length === 0 && !logsData) {
    const reasons = metrics.length === 0 && logs === null ? ['the profile defines no signal'] : [];
    for (const m of metrics) reasons.push(m.risk.reason);
    if (logs) reasons.push(`logs: ${logs.explanation}`);
    return { state: 'no-data', score: null, reasons: reasons.slice(0, MAX_REASONS) };
  }
  let wsum = 0;
  let rsum = 0;
  for (const m of withData) {
    wsum += m.settings.weight;
    rsum += m.settings.weight * m.risk.risk;
  }
  if (logsData) {
    wsum += 1;
    rsum += logs.risk;
  }
  let score = wsum > 0 ? Math.round(100 * (1 - rsum / wsum)) : 100;
  const failing = withData.filter((m) => m.risk.outcome === 'fail');
  const warning = withData.filter((m) => m.risk.outcome === 'warn');
  const criticalFail = failing.some((m) => m.settings.critical);
  const logsFail = logsData && logs.outcome === 'fail';
  const logsWarn = logsData && logs.outcome === 'warn';
  let state: HealthState = 'healthy';
  if (criticalFail || failing.length >= 2 || logsFail) state = 'unhealthy';
  else if (failing.length > 0 || warning.length > 0 || logsWarn) state = 'degraded';
  if (state === 'unhealthy') score = Math.min(score, 49);
  if (state === 'degraded') score = Math.min(score, 79);

  const reasons = concerns(
    withData.map((m) => m.risk),
    logsData ? logs : null,
  ).map((c) => (c.kind === 'metric' ? c.metric.reason : `logs: ${c.logs.explanation}`));
  const missing = metrics.filter((m) => m.risk.outcome === 'no-data').map((m) => m.risk.metric);
  if (state === 'healthy') {
    reasons.push(
      `${withData.length} metric${withData.length === 1 ? '' : 's'} normal${logsData ? ', no new or unusually frequent log messages' : ''}`,
    );
  }
  if (missing.length > 0) reasons.push(`no data for ${missing.join(', ')}`);
  return { state, score, reasons: reasons.slice(0, MAX_REASONS) };
}

/**
 * The health with the period's alerts applied, as core's `applyEvidence` applies them to a verdict: under
 * `fail`, an alert makes the period unhealthy, and alerts that could not be read make a healthy period
 * `no-data` (a healthy state would claim what was not checked); under `warn` the state is the signals' and
 * the alerts are named last among the reasons. Without alerts read (`undefined`) nothing changes.
 */
export function applyProblems(health: HealthVerdict, problems: ProblemsSummary | undefined): HealthVerdict {
  if (!problems) return health;
  const { state, score, reasons } = health;
  if (problems.outcome === 'fail') {
    return {
      state: 'unhealthy',
      score: score === null ? null : Math.min(score, 49),
      reasons: [problems.explanation, ...reasons].slice(0, MAX_REASONS),
    };
  }
  if (problems.outcome === 'no-data' && problems.policy === 'fail' && state === 'healthy') {
    return {
      state: 'no-data',
      score: null,
      reasons: [`${problems.explanation}, and the profile's evidence policy is fail`, ...reasons].slice(
        0,
        MAX_REASONS,
      ),
    };
  }
  if (problems.outcome === 'warn') {
    return { state, score, reasons: [...reasons.slice(0, MAX_REASONS - 1), problems.explanation] };
  }
  return health;
}
