/**
 * What judges and the judgment return. Every result carries the numbers it was decided on, so that a
 * person can check the verdict instead of trusting it.
 */
import type { EvidenceJudgment } from './evidence.ts';
import type { MetricDefinition, Sensitivity } from './metric.ts';

/** Per-metric outcome. `no-data` is its own outcome: missing data never passes silently. */
export type MetricOutcome = 'pass' | 'warn' | 'fail' | 'no-data';

/** Overall verdict of a verification. */
export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** A number (or label) a judge used, shown next to its explanation. */
export type Evidence = Record<string, number | string | boolean | null>;

/** The result of one judge on one metric. */
export interface JudgeResult {
  /** Judge id: `rank`, `kayenta`, `shape`, `distribution`, `rate`, `threshold`, ... */
  judge: string;
  outcome: MetricOutcome;
  /** 0 (no risk) .. 1 (certain regression). */
  risk: number;
  /** Kayenta-style classification of the change. */
  classification: 'pass' | 'high' | 'low' | 'nodata' | 'error';
  /** One or two sentences with the numbers, e.g. "canary p99 is 48% higher (312 ms vs 211 ms, p = 0.0004)". */
  explanation: string;
  evidence: Evidence;
  /**
   * The hypothesis test a statistical judge decided by: its p-value and the alpha it was held to (the
   * judge's share of the metric's alpha). Absent on rules (thresholds, fail-fast) and on judges that do not
   * decide by a p-value; Holm's procedure across metrics (judgment/acrossMetrics.ts) corrects only fails
   * that carry it.
   */
  test?: { p: number; alpha: number };
}

/**
 * What a verification means for the deploy, beside the statistical verdict: `passed` and `failed` are judged
 * answers; `inconclusive` means judged but not decisive; `could-not-verify` means a metric that had to be
 * judged was not (provider errors, no or too little data); `cancelled` means the run was stopped. Only
 * `passed` lets a deploy through by default.
 */
export type Outcome = 'passed' | 'failed' | 'inconclusive' | 'could-not-verify' | 'cancelled';

/** Summary statistics of one side, for tables and reports. */
export interface SideSummary {
  instances: number;
  points: number;
  mean: number | null;
  median: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * How much of one side's expected data arrived usable: points expected = time steps x known instances
 * (instances named in the spec at every step, others from the step they were first seen at); usable = a
 * finite value, or the infinity in the metric's worse direction (`+Inf` latency is the worst value, not a gap).
 */
export interface SideCoverage {
  /** Points expected so far. */
  expected: number;
  /** Points that arrived usable (at most one per instance and time step). */
  usable: number;
  /** usable / expected, 0..1; 1 when nothing was expected. */
  fraction: number;
  /** Time steps judged so far, and how many of them hold at least one usable point. */
  steps: number;
  stepsCovered: number;
  /** Instances with at least one usable point. */
  instances: number;
  /** Known instances (named, or seen with no usable value) that never gave a usable point, by name. */
  missingInstances: string[];
  /** Points that arrived without a usable value (NaN, or the infinity in the harmless direction). */
  nonFinite: number;
  /** Usable points that were infinite in the worse direction (counted as values, judged as the worst). */
  worstInfinite: number;
  /** Provider errors met on this side (messages, deduplicated, in order). */
  errors: string[];
}

/**
 * Why a metric could not be judged: set with outcome `no-data`, and kept when the data that did arrive failed
 * it anyway (a fail on partial data stands, or a rule decided):
 * `provider-error`: fetches failed (the detail quotes them); never turned into a pass, even by `noData: pass`;
 * `no-data`: a side returned no series at all;
 * `too-little-data`: fewer points, time steps or instances than the sensitivity's minimum (see sensitivity.ts);
 * `low-coverage`: fewer usable points than `minCoverage` of those expected (gaps: points missing in time);
 * `missing-instances`: known instances (named in the spec, or seen earlier) gave no or too few points;
 * `non-finite`: the points arrived but as NaN (or the harmless infinity), so coverage is low.
 */
export type DataIssueCause =
  | 'provider-error'
  | 'no-data'
  | 'too-little-data'
  | 'low-coverage'
  | 'missing-instances'
  | 'non-finite';

export interface DataIssue {
  cause: DataIssueCause;
  /** One sentence with the numbers, e.g. "too little data (4 points, need 8)". */
  detail: string;
}

/** The judgment of one metric. */
export interface MetricJudgment {
  metric: string;
  definition: MetricDefinition;
  sensitivity: Sensitivity;
  outcome: MetricOutcome;
  risk: number;
  /** Judges whose results decided the outcome (empty on pass). */
  decidedBy: string[];
  /** True when the metric was judged but is muted (dry run) and so did not count. */
  muted: boolean;
  /** Relative change of the canary mean vs the baseline mean, (c - b) / |b|; null when undefined. */
  change: number | null;
  baseline: SideSummary;
  canary: SideSummary;
  judges: JudgeResult[];
  explanation: string;
  /** Coverage of each side (absent on a side not judged, e.g. the baseline of the threshold strategy). */
  coverage?: { baseline?: SideCoverage; canary: SideCoverage };
  /** Why the metric could not be judged (or was judged on incomplete data), when it was so. */
  dataIssue?: DataIssue;
}

/** What to do when a metric or the whole verification has no data. */
export type NoDataPolicy = 'fail' | 'inconclusive' | 'pass';

/** The combined judgment of a verification. */
export interface Judgment {
  verdict: Verdict;
  /** 0..100, higher is healthier. */
  score: number;
  /** The verdict in one sentence, with the decisive numbers. */
  reason: string;
  metrics: MetricJudgment[];
  /** Log comparison, when logs were analysed (see logs/). */
  logs?: LogsJudgment;
  /** Alerts the providers raised during the window (Dynatrace problems, Datadog monitors), when read. */
  evidence?: EvidenceJudgment;
}

/**
 * What the judgment needs from the log comparison; the log analysis returns a richer object that
 * satisfies this (clusters, samples, feedback applied).
 */
export interface LogsJudgment {
  outcome: MetricOutcome;
  /** 0..1 */
  risk: number;
  explanation: string;
}
