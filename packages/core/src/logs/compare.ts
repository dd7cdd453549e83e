/**
 * Canary-vs-baseline log comparison. Both streams are mined together, so a cluster has the same id on
 * both sides; each cluster is then classed:
 * - `unknown`: in the canary, never in the baseline (a new message, often the first sign of a bad deploy), and
 *   no baseline cluster could have produced its messages with other variable values (see produce.ts): a
 *   canary-only template that a known one covers (a new pod name, an id fragment, `512KB` for `512 KB`) is
 *   counted as that known cluster and named as its variant;
 * - `unexpected-frequency`: the canary's share of the cluster's messages is significantly above its share
 *   of the exposure (log volume, or traffic when given): a conditional exact binomial test, calibrated for
 *   small counts, Bonferroni-corrected over the clusters tested, with a minimum rate ratio;
 * - `gone`: in the baseline only (reported, never a risk);
 * - `known`: everything else.
 * The risk of a cluster weighs its class, its level (error > warn > info) and its canary volume; feedback
 * rules then lower or raise it, and say so in the explanation.
 */
import type { LogEvent, LogLevel } from '../model/log.ts';
import type { Sensitivity } from '../model/metric.ts';
import type { LogsJudgment, MetricOutcome } from '../model/verdict.ts';
import { binomialSf } from '../stats/distributions.ts';
import { type FeedbackAction, type FeedbackRule, matchFeedback } from './feedback.ts';
import { LEVEL_RANK } from './level.ts';
import { WILDCARD } from './masking.ts';
import { createTemplateMiner, type ShapeRef, type TemplateMinerOptions } from './miner.ts';
import { couldProduce } from './produce.ts';

export type LogClusterClass = 'known' | 'unknown' | 'unexpected-frequency' | 'gone';
export type RiskLevel = 'none' | 'low' | 'medium' | 'high';

/** Options of `compareLogs`. */
export interface CompareLogsOptions {
  feedback?: readonly FeedbackRule[];
  /**
   * Traffic of each side over the window (requests, or any count proportional to the work done). When
   * given, cluster rates are normalised by it instead of by the log volume, so that a canary that logs
   * more of everything because it serves more traffic is not flagged.
   */
  traffic?: { baseline: number; canary: number };
  /** Default `medium`. See `LOG_SENSITIVITY`. */
  sensitivity?: Sensitivity;
  /** Sample messages kept per cluster. Default 3. */
  samples?: number;
  miner?: TemplateMinerOptions;
  /**
   * Events that could not be given to either group because they lack the instance field (see the spec's
   * `logs.instanceField`). They are never judged; their count and a few samples are reported, and when the
   * canary has no events of its own the explanation says they are the likely cause.
   */
  unattributed?: { field: string; events: readonly LogEvent[] };
}

/** Log events that lacked the instance field, as reported. */
export interface UnattributedLogs {
  /** The instance field they lacked. */
  field: string;
  /** Distinct events (the same event returned for both groups counts once). */
  events: number;
  /** Up to `samples` distinct messages. */
  samples: string[];
}

/** What `low | medium | high` sensitivity means for the log comparison. */
export interface LogSensitivitySettings {
  /**
   * Family-wise significance level of the frequency tests; also the level below which a new cluster's
   * messages are too many to have all fallen in the canary by chance (else it warns at most).
   */
  alpha: number;
  /** Smallest canary/baseline rate ratio that counts as unexpected frequency. */
  minRateRatio: number;
  /** A cluster risk at or above this fails the logs. */
  failRisk: number;
}

export const LOG_SENSITIVITY: Record<Sensitivity, LogSensitivitySettings> = {
  low: { alpha: 0.001, minRateRatio: 2, failRisk: 0.8 },
  medium: { alpha: 0.01, minRateRatio: 1.5, failRisk: 0.7 },
  high: { alpha: 0.05, minRateRatio: 1.25, failRisk: 0.5 },
};

/** Risk at or above which a cluster (and the logs) warn. */
export const WARN_RISK = 0.4;

/** One cluster of the comparison. */
export interface LogClusterResult {
  clusterId: string;
  template: string;
  class: LogClusterClass;
  /** The most severe level among its messages (canary ones when it has any). */
  level: LogLevel;
  baseline: number;
  canary: number;
  /** Canary messages expected from the baseline count and the exposure ratio. */
  expectedCanary: number;
  /** Canary rate / baseline rate (per unit of exposure); null when the baseline has none. */
  rateRatio: number | null;
  /**
   * One-sided p-value of the frequency test; for a new cluster, the chance that all its messages fell in the
   * canary under no change (a new cluster with p at or above the sensitivity's alpha warns, never fails);
   * null when not tested.
   */
  pValue: number | null;
  /** 0..1 after feedback. */
  risk: number;
  riskLevel: RiskLevel;
  /** Up to `samples` distinct messages, from the canary when it has any. */
  samples: string[];
  feedback?: { action: FeedbackAction; reason: string; source?: string; riskBefore: number };
  /**
   * Canary-only templates counted in this cluster because its template could have produced their messages
   * with other variable values (their canary messages are in `canary`).
   */
  variants?: string[];
  explanation: string;
}

/** The result of the log comparison; satisfies `LogsJudgment` so the judgment can combine it. */
export interface LogComparison extends LogsJudgment {
  outcome: MetricOutcome;
  risk: number;
  riskLevel: RiskLevel;
  explanation: string;
  /** Sorted by risk, then canary count, descending. */
  clusters: LogClusterResult[];
  totals: { baseline: number; canary: number };
  exposure: { baseline: number; canary: number; basis: 'log volume' | 'traffic' };
  counts: Record<LogClusterClass, number>;
  /** Clusters whose risk feedback changed or confirmed. */
  feedbackApplied: number;
  /** Events without the instance field, set apart (present only when there were any). */
  unattributed?: UnattributedLogs;
}

const BASE_RISK: Record<'unknown' | 'unexpected-frequency', Record<number, number>> = {
  // by LEVEL_RANK: debug 0, info/unknown 1, warn 2, error 3
  unknown: { 0: 0.1, 1: 0.3, 2: 0.6, 3: 0.9 },
  'unexpected-frequency': { 0: 0.1, 1: 0.25, 2: 0.5, 3: 0.75 },
};

interface Acc {
  clusterId: string;
  template: string;
  baseline: number;
  canary: number;
  levelB: LogLevel | null;
  levelC: LogLevel | null;
  samplesB: string[];
  samplesC: string[];
  variants: string[];
}

function worse(a: LogLevel | null, b: LogLevel): LogLevel {
  return a === null || LEVEL_RANK[b] > LEVEL_RANK[a] ? b : a;
}

/** Highest risk of a new cluster whose messages could all have fallen in the canary by chance: a warning. */
function rareCap(settings: LogSensitivitySettings): number {
  return (WARN_RISK + settings.failRisk) / 2;
}

/** Volume weight of a cluster's risk: 0.75 for one message, 0.86 for ten, 1 from about a hundred. */
function volumeFactor(canary: number): number {
  return Math.min(1, 0.7 + 0.15 * Math.log10(1 + canary));
}

export function riskLevelOf(risk: number): RiskLevel {
  if (risk >= 0.7) return 'high';
  if (risk >= WARN_RISK) return 'medium';
  if (risk > 0) return 'low';
  return 'none';
}

/** Compares the canary's logs with the baseline's. Pure and deterministic. */
export function compareLogs(
  baseline: readonly LogEvent[],
  canary: readonly LogEvent[],
  options: CompareLogsOptions = {},
): LogComparison {
  const settings = LOG_SENSITIVITY[options.sensitivity ?? 'medium'];
  const maxSamples = options.samples ?? 3;
  const miner = createTemplateMiner(options.miner);
  const refsB: ShapeRef[] = baseline.map((e) => miner.addShape(e.message));
  const refsC: ShapeRef[] = canary.map((e) => miner.addShape(e.message));

  const byId = new Map<string, Acc>();
  const tally = (events: readonly LogEvent[], refs: ShapeRef[], side: 'B' | 'C') => {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const m = miner.resolve(refs[i]!);
      let a = byId.get(m.clusterId);
      if (!a) {
        a = {
          ...m,
          baseline: 0,
          canary: 0,
          levelB: null,
          levelC: null,
          samplesB: [],
          samplesC: [],
          variants: [],
        };
        byId.set(m.clusterId, a);
      }
      const samples = side === 'B' ? a.samplesB : a.samplesC;
      if (side === 'B') {
        a.baseline++;
        a.levelB = worse(a.levelB, e.level);
      } else {
        a.canary++;
        a.levelC = worse(a.levelC, e.level);
      }
      if (samples.length < maxSamples && !samples.includes(e.message)) samples.push(e.message);
    }
  };
  tally(baseline, refsB, 'B');
  tally(canary, refsC, 'C');
  foldVariants(byId, maxSamples);

  const traffic = options.traffic;
  const useTraffic = traffic !== undefined && traffic.baseline > 0 && traffic.canary > 0;
  const exposure = useTraffic
    ? { baseline: traffic.baseline, canary: traffic.canary, basis: 'traffic' as const }
    : { baseline: baseline.length, canary: canary.length, basis: 'log volume' as const };
  // Under "no change", a message of a cluster falls in the canary with probability p0.
  const p0 = exposure.canary / (exposure.baseline + exposure.canary);
  const accs = [...byId.values()];
  const tested = accs.filter((a) => a.baseline > 0 && a.canary > 0).length;
  const alpha = settings.alpha / Math.max(1, tested);

  const counts: Record<LogClusterClass, number> = {
    known: 0,
    unknown: 0,
    'unexpected-frequency': 0,
    gone: 0,
  };
  let feedbackApplied = 0;
  const clusters = accs.map((a): LogClusterResult => {
    const level = a.levelC ?? a.levelB ?? 'unknown';
    const expectedCanary = exposure.baseline > 0 ? (a.baseline * exposure.canary) / exposure.baseline : 0;
    const rateRatio = a.baseline > 0 && exposure.canary > 0 ? a.canary / expectedCanary : null;
    let pValue: number | null = null;
    let cls: LogClusterClass;
    if (a.canary > 0 && a.baseline === 0) {
      cls = 'unknown';
      // The chance that all of a cluster's messages fall in the canary when nothing changed: a rare event
      // seen a few times lands on one side alone that often (a third of random A/A halves of the bench
      // systems held such an error burst).
      pValue = p0 ** a.canary;
    } else if (a.canary === 0) cls = 'gone';
    else {
      // P(X >= canary): the survival function at canary - 1.
      pValue = binomialSf(a.canary - 1, a.canary + a.baseline, p0);
      cls = pValue < alpha && (rateRatio ?? 0) >= settings.minRateRatio ? 'unexpected-frequency' : 'known';
    }
    counts[cls]++;
    let risk = cls === 'unknown' || cls === 'unexpected-frequency' ? BASE_RISK[cls][LEVEL_RANK[level]]! : 0;
    risk *= volumeFactor(a.canary);
    // Too few messages to tell a new event from a rare one: a warning at most (feedback may still raise it).
    if (cls === 'unknown' && pValue !== null && pValue >= settings.alpha)
      risk = Math.min(risk, rareCap(settings));
    const rule = options.feedback ? matchFeedback(options.feedback, a.clusterId, a.template) : undefined;
    let feedback: LogClusterResult['feedback'];
    if (rule) {
      const before = risk;
      risk = applyFeedback(rule.action, cls, risk, a.canary);
      feedback = { action: rule.action, reason: rule.reason, riskBefore: before };
      if (rule.source) feedback.source = rule.source;
      feedbackApplied++;
    }
    risk = Math.round(risk * 1000) / 1000;
    const result: LogClusterResult = {
      clusterId: a.clusterId,
      template: a.template,
      class: cls,
      level,
      baseline: a.baseline,
      canary: a.canary,
      expectedCanary,
      rateRatio,
      pValue,
      risk,
      riskLevel: riskLevelOf(risk),
      samples: a.samplesC.length > 0 ? a.samplesC : a.samplesB,
      explanation: '',
    };
    if (feedback) result.feedback = feedback;
    if (a.variants.length > 0) result.variants = a.variants;
    result.explanation = explainCluster(result);
    return result;
  });
  clusters.sort(
    (x, y) =>
      y.risk - x.risk ||
      y.canary - x.canary ||
      (x.clusterId < y.clusterId ? -1 : x.clusterId > y.clusterId ? 1 : 0),
  );

  const risk = clusters.length > 0 ? Math.max(...clusters.map((c) => c.risk)) : 0;
  const unattributed = summariseUnattributed(options.unattributed, maxSamples);
  let outcome: MetricOutcome;
  if (canary.length === 0) outcome = 'no-data';
  else if (risk >= settings.failRisk) outcome = 'fail';
  else if (risk >= WARN_RISK) outcome = 'warn';
  else outcome = 'pass';
  return {
    outcome,
    risk,
    riskLevel: riskLevelOf(risk),
    explanation: explainComparison(
      outcome,
      risk,
      clusters,
      counts,
      exposure,
      baseline.length,
      canary.length,
      feedbackApplied,
      unattributed,
    ),
    clusters,
    totals: { baseline: baseline.length, canary: canary.length },
    exposure,
    counts,
    feedbackApplied,
    ...(unattributed ? { unattributed } : {}),
  };
}

function summariseUnattributed(
  u: CompareLogsOptions['unattributed'],
  maxSamples: number,
): UnattributedLogs | undefined {
  if (!u || u.events.length === 0) return undefined;
  const seen = new Set<string>();
  const samples: string[] = [];
  for (const e of u.events) {
    seen.add(`${e.t}\u0000${e.level}\u0000${e.message}`);
    if (samples.length < maxSamples && !samples.includes(e.message)) samples.push(e.message);
  }
  return { field: u.field, events: seen.size, samples };
}

// Known clusters tried as the source of one canary-only cluster: enough for any real log, bounded for hostile input.
const VARIANT_CANDIDATES = 64;

/**
 * Counts each canary-only cluster that a baseline cluster could have produced with other variable values
 * as that cluster (the one sharing the most tokens with it; then the larger in the baseline).
 */
function foldVariants(byId: Map<string, Acc>, maxSamples: number): void {
  const known = [...byId.values()].filter((a) => a.baseline > 0);
  if (known.length === 0) return;
  const tokensOf = known.map((a) => a.template.split(' '));
  // Known clusters by their constant words: only those sharing a word with a template can produce it.
  const byWord = new Map<string, number[]>();
  tokensOf.forEach((tokens, k) => {
    for (const t of new Set(tokens)) {
      if (t.includes(WILDCARD)) continue;
      const list = byWord.get(t);
      if (list) list.push(k);
      else byWord.set(t, [k]);
    }
  });
  for (const a of [...byId.values()]) {
    if (a.baseline > 0 || a.canary === 0) continue;
    const tokens = a.template.split(' ');
    // The known clusters sharing the most words with it, at most VARIANT_CANDIDATES of them.
    const sharedWords = new Map<number, number>();
    for (const t of new Set(tokens))
      for (const k of byWord.get(t) ?? []) sharedWords.set(k, (sharedWords.get(k) ?? 0) + 1);
    const candidates = [...sharedWords]
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .slice(0, VARIANT_CANDIDATES)
      .map(([k]) => k);
    let best = -1;
    let bestShared = -1;
    for (const k of candidates) {
      if (!couldProduce(tokensOf[k]!, tokens)) continue;
      let shared = 0;
      for (const t of tokens) if (tokensOf[k]!.includes(t)) shared++;
      if (shared > bestShared || (shared === bestShared && known[k]!.baseline > known[best]!.baseline)) {
        best = k;
        bestShared = shared;
      }
    }
    if (best < 0) continue;
    const into = known[best]!;
    into.canary += a.canary;
    if (a.levelC !== null) into.levelC = worse(into.levelC, a.levelC);
    for (const m of a.samplesC)
      if (into.samplesC.length < maxSamples && !into.samplesC.includes(m)) into.samplesC.push(m);
    into.variants.push(a.template);
    byId.delete(a.clusterId);
  }
}

function applyFeedback(action: FeedbackAction, cls: LogClusterClass, risk: number, canary: number): number {
  switch (action) {
    case 'not-a-risk-ignore-frequency':
      return 0;
    case 'not-a-risk-consider-frequency':
      return cls === 'unexpected-frequency' ? risk : 0;
    case 'medium':
      return canary > 0 ? Math.max(risk, 0.5) : risk;
    case 'high':
      return canary > 0 ? Math.max(risk, 0.85) : risk;
  }
}

function short(template: string, max = 80): string {
  return template.length <= max ? template : `${template.slice(0, max - 1)}…`;
}

export function formatP(p: number): string {
  if (p === 0) return '0';
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}

function explainCluster(c: LogClusterResult): string {
  const t = `"${short(c.template)}"`;
  let s: string;
  switch (c.class) {
    case 'unknown':
      s = `new ${c.level} cluster ${t}: ${c.canary} in the canary, none in the baseline`;
      if (c.pValue !== null) s += ` (all in the canary by chance: p = ${formatP(c.pValue)})`;
      break;
    case 'unexpected-frequency':
      s =
        `${c.level} cluster ${t} is ${c.rateRatio!.toFixed(1)}x as frequent in the canary: ` +
        `${c.canary} vs ${c.expectedCanary.toFixed(1)} expected from ${c.baseline} in the baseline (p = ${formatP(c.pValue!)})`;
      break;
    case 'gone':
      s = `cluster ${t} is gone: ${c.baseline} in the baseline, none in the canary`;
      break;
    default:
      s = `known cluster ${t}: ${c.canary} in the canary, ${c.baseline} in the baseline`;
  }
  if (c.variants) {
    const n = c.variants.length;
    s += ` (with ${n} canary variant${n === 1 ? '' : 's'} that only its variables could produce, e.g. "${short(c.variants[0]!, 60)}")`;
  }
  if (c.feedback) {
    const before = c.feedback.riskBefore.toFixed(2);
    const after = c.risk.toFixed(2);
    s += `; feedback ${c.feedback.action} ("${c.feedback.reason}") ${before === after ? `kept risk ${after}` : `changed risk ${before} -> ${after}`}`;
  }
  return s;
}

function explainComparison(
  outcome: MetricOutcome,
  risk: number,
  clusters: LogClusterResult[],
  counts: Record<LogClusterClass, number>,
  exposure: LogComparison['exposure'],
  nb: number,
  nc: number,
  feedbackApplied: number,
  unattributed: UnattributedLogs | undefined,
): string {
  const apart = unattributed
    ? ` ${unattributed.events} event(s) had no "${unattributed.field}" field and were judged in neither group${nc === 0 ? '; if that field is not where your logs name the instance, set logs.instanceField' : ''}.`
    : '';
  if (outcome === 'no-data') {
    return `No canary log messages (baseline: ${nb}); the logs cannot be judged.${apart}`;
  }
  const parts = [
    `Logs ${outcome} (risk ${risk.toFixed(2)}): ${nc} canary and ${nb} baseline messages in ${clusters.length} clusters; ` +
      `${counts.unknown} new, ${counts['unexpected-frequency']} with unexpected frequency, ${counts.gone} gone, ${counts.known} known` +
      (exposure.basis === 'traffic'
        ? ` (rates per unit of traffic: ${exposure.canary} canary, ${exposure.baseline} baseline).`
        : '.'),
  ];
  if (apart) parts.push(apart.trim());
  const risky = clusters.filter((c) => c.risk >= WARN_RISK).slice(0, 3);
  if (risky.length > 0) parts.push(`Highest: ${risky.map((c) => c.explanation).join('; ')}.`);
  if (feedbackApplied > 0) {
    const fb = clusters.filter((c) => c.feedback).slice(0, 3);
    parts.push(
      `Feedback applied to ${feedbackApplied} cluster(s): ${fb.map((c) => `"${short(c.template, 50)}" ${c.feedback!.action} (${c.feedback!.reason})`).join('; ')}.`,
    );
  }
  return parts.join(' ');
}
