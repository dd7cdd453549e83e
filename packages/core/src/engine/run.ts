/**
 * The verification loop: wait the initial delay, poll every interval for the duration, judge all data so far
 * after each poll, stop early on fail-fast rules or decisive anytime-valid evidence, and end with the final
 * verdict. Time and data come in through `Clock` and `VerificationSource`, so replays run instantly and the
 * loop is deterministic for the same inputs.
 */
import {
  type EvidenceInput,
  endsRunByFailFast,
  judgeVerification,
  mayStopEarly,
  scoreOf,
} from '../judgment/index.ts';
import { type VerificationOutcome, verificationOutcome } from '../judgment/outcome.ts';
import { sensitivitySettings } from '../judges/sensitivity.ts';
import { compareLogs, type FeedbackRule, type LogComparison } from '../logs/index.ts';
import type { LogEvent } from '../model/log.ts';
import type { Group, MetricData, MetricDefinition, MetricSeries, Point } from '../model/metric.ts';
import type { Judgment, SideCoverage, Verdict } from '../model/verdict.ts';
import { formatDuration } from '../spec/duration.ts';
import { definitionOf, kayentaScoringOf } from '../spec/definition.ts';
import type { Spec } from '../spec/schema.ts';
import { logQuery, metricQueries, type Plan, planVerification, selects } from './plan.ts';
import { sequentialEvidence } from './sequentialEvidence.ts';
import type { Clock, MetricFetch, VerificationSource } from './source.ts';
import { parseUnit } from '../units/unit.ts';

/** A baseline kept from an earlier passing verification (strategy `previous`). */
export interface StoredBaseline {
  id: string;
  /** Start of that verification's judged window; its points are shifted onto this run's window. */
  analysisStart: number;
  metrics: Record<string, MetricSeries[]>;
  logs?: LogEvent[];
}

export interface RunOptions {
  spec: Spec;
  source: VerificationSource;
  clock: Clock;
  /** Epoch ms the run is taken to start at; default `clock.now()`. */
  startedAt?: number;
  storedBaseline?: StoredBaseline;
  /** Log cluster feedback (already parsed from the spec's feedback file). */
  feedback?: FeedbackRule[];
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** Reported after every step of the run, and at once for each provider error (phase `error`). */
export interface Progress {
  phase: 'waiting' | 'baseline' | 'polling' | 'error' | 'done';
  /** Polls done so far, of `polls`. */
  poll: number;
  polls: number;
  now: number;
  /** Time left until the planned end, ms. */
  remaining: number;
  /** Verdict and score if the run ended now. */
  verdict?: Verdict;
  score?: number;
  /** Highest metric risk so far, 0..1. */
  risk?: number;
  /** Lowest coverage of any judged side of a deciding metric so far, 0..1 (see judgment/coverage.ts). */
  coverage?: number;
  /** Phase `error`: the fetch that failed (it counts against that metric's coverage). */
  error?: { metric?: string; group?: Group; message: string };
  message: string;
}

/**
 * How the run ended. `incomplete`: it ran to its planned end, but data is missing (provider errors, or a
 * deciding metric short of data: see `stopReason`), so it cannot count as a complete verification.
 */
export type RunStatus = 'completed' | 'incomplete' | 'stopped-early' | 'cancelled';

export interface VerificationResult {
  plan: Plan;
  status: RunStatus;
  /** Why it ended before the planned end, when it did. */
  stopReason?: string;
  /**
   * Fraction of the planned data that was judged, 0..1: the share of the planned duration reached, times the
   * share of the expected points (time steps x known instances, over the deciding metrics and their judged
   * sides) that arrived usable. A run killed at a third, or whose provider died at a third, says about 0.33.
   */
  fractionJudged: number;
  startedAt: number;
  finishedAt: number;
  judgment: Judgment;
  /** What the run means for the deploy (passed, failed, inconclusive, could-not-verify, cancelled). */
  outcome: VerificationOutcome;
  /** The data judged, per metric, for charts and `record`. */
  data: { metric: string; definition: MetricDefinition; baseline: MetricSeries[]; canary: MetricSeries[] }[];
  logs?: LogComparison;
  /** Verdict after each poll. */
  timeline: { t: number; verdict: Verdict; score: number; risk: number }[];
  /** Data that could not be fetched; the affected metrics show as no-data. */
  errors: { t: number; metric?: string; group?: Group; message: string }[];
}

/** Share of the false-alarm budget spent on early stops; the rest belongs to the final judgment. */
const EARLY_STOP_ALPHA = 0.002;
/** Polls before an anytime-valid test may stop a run: its variance estimate needs a few points. */
const MIN_POLLS_FOR_EARLY_STOP = 5;

export async function runVerification(options: RunOptions): Promise<VerificationResult> {
  const { spec, clock, signal } = options;
  const startedAt = options.startedAt ?? clock.now();
  const plan = planVerification(spec, { startedAt, hasStoredBaseline: options.storedBaseline !== undefined });
  if (plan.strategy === 'previous' && !options.storedBaseline) {
    throw new Error(
      'strategy "previous" needs a stored passing verification; none was found in strategy.baselineStore',
    );
  }
  const state = new RunState(spec, plan, options);
  const progress = (p: Omit<Progress, 'polls' | 'now' | 'remaining'>) =>
    options.onProgress?.({
      ...p,
      polls: plan.polls.length,
      now: clock.now(),
      remaining: Math.max(0, plan.analysisEnd - clock.now()),
    });

  let status: RunStatus = 'completed';
  let stopReason: string | undefined;
  let judged = plan.analysisStart;
  let pollsDone = 0;
  let errorStop = false;
  try {
    if (clock.now() < plan.analysisStart) {
      progress({
        phase: 'waiting',
        poll: 0,
        message: `waiting ${formatDuration(plan.analysisStart - clock.now())} before the first poll (${plan.reason})`,
      });
    }
    let reported = 0;
    // Provider errors are evidence: each is reported the moment its fetch fails, not only in the report.
    const reportErrors = (poll: number) => {
      for (const e of state.errors.slice(reported)) {
        progress({
          phase: 'error',
          poll,
          error: e,
          message: `${e.metric ? `metric "${e.metric}"` : 'logs'}${e.group ? ` (${e.group})` : ''}: ${e.message.replace(/^logs: /, '')}; counted against coverage`,
        });
      }
      reported = state.errors.length;
    };
    if (plan.baselineWindow || options.storedBaseline) {
      progress({ phase: 'baseline', poll: 0, message: 'reading the baseline' });
      await state.loadBaseline(signal);
      reportErrors(0);
    }
    for (const [i, pollAt] of plan.polls.entries()) {
      if (clock.now() < pollAt) await clock.sleep(pollAt - clock.now(), signal);
      await state.fetch(judged, pollAt, signal);
      reportErrors(i + 1);
      judged = pollAt;
      pollsDone = i + 1;
      const refused = state.consecutiveErrors(spec.policy.maxConsecutiveErrors);
      if (refused && i + 1 < plan.polls.length) {
        status = 'stopped-early';
        stopReason = refused;
        errorStop = true;
        state.timeline.push({ t: pollAt, ...timelinePoint(state.judge(judged)) });
        break;
      }
      const judgment = state.judge(judged);
      // At the last poll the judgment of all the data decides: an early stop has nothing left to save.
      const last = i + 1 === plan.polls.length;
      const decision =
        !last && (spec.policy.earlyStop || hasFailFast(judgment))
          ? state.earlyDecision(judgment, i + 1)
          : undefined;
      state.timeline.push({
        t: pollAt,
        verdict: decision?.verdict ?? judgment.verdict,
        score: judgment.score,
        risk: maxRisk(judgment),
      });
      const coverage = lowestCoverage(judgment);
      progress({
        phase: 'polling',
        poll: i + 1,
        verdict: judgment.verdict,
        score: judgment.score,
        risk: maxRisk(judgment),
        ...(coverage ? { coverage: coverage.fraction } : {}),
        message: `poll ${i + 1}/${plan.polls.length}: ${judgment.verdict} so far (score ${Math.round(judgment.score)}, highest risk ${maxRisk(judgment).toFixed(2)}${coverage ? `, lowest coverage ${Math.round(coverage.fraction * 100)}% (${coverage.where})` : ''})`,
      });
      if (decision) {
        status = 'stopped-early';
        stopReason = decision.reason;
        break;
      }
    }
  } catch (e) {
    if (!signal?.aborted) throw e;
    status = 'cancelled';
    stopReason = `cancelled after ${formatDuration(judged - plan.analysisStart)} of ${formatDuration(plan.analysisEnd - plan.analysisStart)} (${String((signal.reason as Error)?.message ?? signal.reason)})`;
  }

  if (status !== 'cancelled') await state.readEvidence(judged, signal);
  let judgment = state.judge(judged);
  if (errorStop) {
    // The data that did arrive may still show a regression: that stays a fail. Anything else is not a pass.
    if (judgment.verdict !== 'fail') {
      judgment = {
        ...judgment,
        verdict: 'inconclusive',
        reason: `Could not verify: stopped after ${pollsDone} of ${plan.polls.length} polls because ${stopReason}. So far: ${judgment.reason}`,
      };
    }
  } else if (status === 'stopped-early')
    judgment = state.earlyDecision(judgment, pollsDone)?.judgment ?? judgment;
  if (status === 'cancelled') {
    judgment = {
      ...judgment,
      verdict: 'inconclusive',
      reason: `${stopReason}; a cancelled verification never passes. So far: ${judgment.reason}`,
    };
  }
  const timeFraction = (judged - plan.analysisStart) / (plan.analysisEnd - plan.analysisStart);
  const dataFraction = judgedDataFraction(judgment);
  if (status === 'completed') {
    const gap = dataGap(judgment, state.errors);
    if (gap) {
      status = 'incomplete';
      stopReason = gap;
    }
  }
  const result: VerificationResult = {
    plan,
    status,
    ...(stopReason ? { stopReason } : {}),
    fractionJudged: Math.max(0, Math.min(1, timeFraction * dataFraction)),
    startedAt,
    finishedAt: clock.now(),
    judgment,
    outcome: verificationOutcome({
      verdict: judgment.verdict,
      status,
      ...(stopReason ? { stopReason } : {}),
      metrics: judgment.metrics.map((m) => ({
        metric: m.metric,
        outcome: m.outcome,
        critical: m.definition.critical === true,
        muted: m.muted,
        explanation: m.explanation,
        ...(m.dataIssue ? { dataIssue: m.dataIssue } : {}),
      })),
      ...(judgment.logs ? { logs: judgment.logs } : {}),
      ...(judgment.evidence ? { evidence: judgment.evidence } : {}),
      errors: state.errors,
    }),
    data: state.metricData(judged).map((d) => ({
      metric: d.definition.name,
      definition: d.definition,
      baseline: d.baseline,
      canary: d.canary,
    })),
    ...(state.logResult ? { logs: state.logResult } : {}),
    timeline: state.timeline,
    errors: state.errors,
  };
  progress({
    phase: 'done',
    poll: state.timeline.length,
    verdict: judgment.verdict,
    score: judgment.score,
    risk: maxRisk(judgment),
    message: judgment.reason,
  });
  return result;
}

function timelinePoint(j: Judgment): { verdict: Verdict; score: number; risk: number } {
  return { verdict: j.verdict, score: j.score, risk: maxRisk(j) };
}

/** The judged sides of the deciding metrics, with their coverage. */
function judgedSides(j: Judgment): { where: string; coverage: SideCoverage }[] {
  const out: { where: string; coverage: SideCoverage }[] = [];
  for (const m of j.metrics) {
    if (m.muted || !m.coverage) continue;
    if (m.coverage.baseline) out.push({ where: `${m.metric}, baseline`, coverage: m.coverage.baseline });
    out.push({ where: `${m.metric}, canary`, coverage: m.coverage.canary });
  }
  return out;
}

/** The least covered judged side, for progress lines. */
function lowestCoverage(j: Judgment): { fraction: number; where: string } | undefined {
  let low: { fraction: number; where: string } | undefined;
  for (const s of judgedSides(j))
    if (!low || s.coverage.fraction < low.fraction) low = { fraction: s.coverage.fraction, where: s.where };
  return low;
}

/** Usable points over expected points, over every judged side of the deciding metrics (1 when none). */
function judgedDataFraction(j: Judgment): number {
  let usable = 0;
  let expected = 0;
  for (const s of judgedSides(j)) {
    usable += Math.min(s.coverage.usable, s.coverage.expected);
    expected += s.coverage.expected;
  }
  return expected > 0 ? usable / expected : 1;
}

/** Why a run that reached its end is still incomplete (provider errors, metrics short of data), if it is. */
function dataGap(j: Judgment, errors: VerificationResult['errors']): string | undefined {
  const short = j.metrics.filter((m) => !m.muted && m.dataIssue);
  const parts: string[] = [];
  if (errors.length > 0)
    parts.push(
      `${errors.length} provider error${errors.length > 1 ? 's' : ''} (first: ${errors[0]!.message})`,
    );
  if (short.length > 0)
    parts.push(
      `${short.length} metric${short.length > 1 ? 's' : ''} short of data (${short
        .slice(0, 3)
        .map((m) => `${m.metric}: ${m.dataIssue!.detail}`)
        .join('; ')}${short.length > 3 ? '; ...' : ''})`,
    );
  return parts.length > 0 ? `incomplete data: ${parts.join('; ')}` : undefined;
}

function maxRisk(j: Judgment): number {
  return Math.max(0, ...j.metrics.filter((m) => !m.muted).map((m) => m.risk), j.logs?.risk ?? 0);
}

function hasFailFast(j: Judgment): boolean {
  return j.metrics.some(endsRunByFailFast);
}

/** Everything a run accumulates; one instance per run. */
class RunState {
  readonly timeline: VerificationResult['timeline'] = [];
  readonly errors: VerificationResult['errors'] = [];
  logResult: LogComparison | undefined;
  private readonly series = new Map<string, Record<Group, Map<string, Point[]>>>();
  private readonly logs: Record<Group, LogEvent[]> = { baseline: [], canary: [] };
  /** Log events without the instance field where the groups are told apart by instance: judged in neither. */
  private readonly unattributedLogs: LogEvent[] = [];
  /** Alerts read at the end of the run (readEvidence). */
  private evidence: EvidenceInput | undefined;
  private readonly spec: Spec;
  private readonly plan: Plan;
  private readonly options: RunOptions;
  private readonly definitions: MetricDefinition[];
  /** Metrics whose failed fetches can stop the run (see `consecutiveErrors`). */
  private readonly required: string[];
  /** Polls in a row at which a required metric's fetch failed, with the last error. */
  private readonly failedPolls = new Map<string, { count: number; message: string }>();
  /** One unit lookup per metric whose spec gives no unit (see `VerificationSource.metricUnit`). */
  private readonly unitLookups = new Map<string, Promise<void>>();

  constructor(spec: Spec, plan: Plan, options: RunOptions) {
    this.spec = spec;
    this.plan = plan;
    this.options = options;
    this.definitions = spec.metrics.map(definitionOf);
    const live = spec.metrics.filter((m) => !m.muted);
    const critical = live.filter((m) => m.critical);
    this.required = (critical.length > 0 ? critical : live).map((m) => m.name);
    for (const m of spec.metrics) this.series.set(m.name, { baseline: new Map(), canary: new Map() });
  }

  /** Groups fetched live at every poll. */
  private liveGroups(): Group[] {
    return this.plan.strategy === 'canary' ? ['baseline', 'canary'] : ['canary'];
  }

  async loadBaseline(signal?: AbortSignal): Promise<void> {
    const stored = this.options.storedBaseline;
    if (this.plan.strategy === 'previous' && stored) {
      const shift = this.plan.analysisStart - stored.analysisStart;
      for (const m of this.spec.metrics) {
        for (const s of stored.metrics[m.name] ?? [])
          this.add(m.name, 'baseline', s.instance, s.points, shift);
      }
      this.logs.baseline.push(
        ...(stored.logs ?? []).map((e) => ({ ...e, t: e.t + shift, group: 'baseline' as const })),
      );
      return;
    }
    const window = this.plan.baselineWindow;
    if (!window) return;
    await this.fetchGroup('baseline', window.start, window.end, this.plan.baselineShift, signal);
  }

  async fetch(from: number, to: number, signal?: AbortSignal): Promise<void> {
    const before = this.errors.length;
    for (const group of this.liveGroups()) await this.fetchGroup(group, from, to, 0, signal);
    const failed = new Map<string, string>();
    for (const e of this.errors.slice(before)) if (e.metric) failed.set(e.metric, e.message);
    for (const m of this.required) {
      const message = failed.get(m);
      if (message === undefined) this.failedPolls.delete(m);
      else this.failedPolls.set(m, { count: (this.failedPolls.get(m)?.count ?? 0) + 1, message });
    }
  }

  /**
   * Why the run should stop because a required metric's queries failed at `limit` polls in a row (the
   * provider's last error), or undefined. Required as in the outcome: the critical metrics, or every metric
   * that is not muted when none is marked critical.
   */
  consecutiveErrors(limit: number): string | undefined {
    for (const [metric, { count, message }] of this.failedPolls) {
      if (count >= limit)
        return `the queries of "${metric}" failed at ${count} polls in a row (limit policy.maxConsecutiveErrors = ${limit}); last error: ${message}`;
    }
    return undefined;
  }

  private async fetchGroup(
    group: Group,
    start: number,
    end: number,
    shift: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const selector = this.plan.selectors[group];
    await Promise.all(
      metricQueries(this.spec, this.plan, group).map(async (query, i) => {
        const req = { ...query, window: { start, end, step: this.plan.step } };
        await this.detectUnit(i, req, signal);
        try {
          const got = await this.options.source.fetchMetric(req, signal);
          for (const s of got)
            if (selects(selector, s.instance)) this.add(req.metric, group, s.instance, s.points, shift);
        } catch (e) {
          if (signal?.aborted) throw e;
          this.errors.push({ t: end, metric: req.metric, group, message: (e as Error).message });
        }
      }),
    );
    const logs = logQuery(this.spec, this.plan, group);
    if (logs && this.options.source.fetchLogs) {
      try {
        const events = await this.options.source.fetchLogs({ ...logs, window: { start, end } }, signal);
        // Where the group is a set of instances, an event that names none cannot be placed: giving it to
        // both groups would make a new canary message look known. Set it apart and report it instead.
        const byInstance = selector.instances !== undefined || selector.pattern !== undefined;
        for (const e of events) {
          if (e.instance === undefined ? !byInstance : selects(selector, e.instance))
            this.logs[group].push({ ...e, t: e.t + shift, group });
          else if (e.instance === undefined) this.unattributedLogs.push({ ...e, t: e.t + shift });
        }
      } catch (e) {
        if (signal?.aborted) throw e;
        this.errors.push({ t: end, group, message: `logs: ${(e as Error).message}` });
      }
    }
  }

  /**
   * Reads the alerts every provider with an alerting API raised on the service during the judged window, once,
   * at the end (`policy.evidence`; not under `ignore`). A provider that cannot be read is recorded as such.
   */
  async readEvidence(until: number, signal?: AbortSignal): Promise<void> {
    const policy = this.spec.policy.evidence;
    const source = this.options.source;
    if (policy === 'ignore' || !source.fetchEvidence) return;
    const input: EvidenceInput = { policy, items: [], providers: [], errors: [] };
    for (const provider of Object.keys(this.spec.providers)) {
      const req = {
        provider,
        service: this.spec.service,
        ...(this.spec.environment ? { environment: this.spec.environment } : {}),
        window: { start: this.plan.analysisStart, end: until },
      };
      try {
        const items = await source.fetchEvidence(req, signal);
        if (items === undefined) continue;
        input.providers.push(provider);
        input.items.push(...items);
      } catch (e) {
        const message = (e as Error).message;
        input.providers.push(provider);
        input.errors.push({ provider, message });
        this.errors.push({ t: until, message: `evidence: ${provider}: ${message}` });
      }
    }
    if (input.providers.length > 0) this.evidence = input;
  }

  /** The attribute that names a log event's instance: `logs.instanceField`, else the metrics' label. */
  private logInstanceField(): string {
    return this.spec.logs?.instanceField ?? this.spec.strategy.instanceLabel;
  }

  /**
   * The unit of a metric whose spec gives none, as its provider reports it: asked once per metric, before its
   * first data. A unit the core does not know, or a failed lookup, leaves the unit unknown (no absolute floor).
   */
  private detectUnit(index: number, req: MetricFetch, signal?: AbortSignal): Promise<void> {
    const m = this.spec.metrics[index]!;
    const lookup = this.options.source.metricUnit;
    if (m.unit || !lookup) return Promise.resolve();
    let pending = this.unitLookups.get(m.name);
    if (!pending) {
      pending = lookup
        .call(this.options.source, req, signal)
        .catch(() => undefined)
        .then((found) => {
          const unit = parseUnit(found);
          if (unit)
            this.definitions[index] = {
              ...this.definitions[index]!,
              unit: unit.symbol,
              unitSource: 'provider',
            };
        });
      this.unitLookups.set(m.name, pending);
    }
    return pending;
  }

  private add(metric: string, group: Group, instance: string, points: Point[], shift: number): void {
    const byInstance = this.series.get(metric)![group];
    const list = byInstance.get(instance) ?? [];
    const seen = new Set(list.map((p) => p.t));
    for (const p of points) {
      const t = p.t + shift;
      if (!seen.has(t)) list.push({ t, v: p.v });
    }
    list.sort((a, b) => a.t - b.t);
    byInstance.set(instance, list);
  }

  /** The data of every metric up to (excluding) `until`; baselines from other windows are cut to match. */
  metricData(until: number): MetricData[] {
    const seriesOf = (name: string, group: Group): MetricSeries[] =>
      [...(this.series.get(name)?.[group] ?? new Map<string, Point[]>()).entries()]
        .map(([instance, points]) => ({
          metric: name,
          instance,
          group,
          points: points.filter((p) => p.t < until),
        }))
        .filter((s) => s.points.length > 0);
    // Coverage is measured on the run's grid: one point per poll interval judged so far and known instance.
    const steps = Math.max(
      0,
      Math.ceil((Math.min(until, this.plan.analysisEnd) - this.plan.analysisStart) / this.plan.step),
    );
    const named: Partial<Record<Group, string[]>> = {};
    for (const group of ['baseline', 'canary'] as const) {
      const list = this.plan.selectors[group].instances;
      if (list && (group === 'canary' || this.plan.strategy === 'canary')) named[group] = list;
    }
    return this.definitions.map((definition) => {
      const errors: Partial<Record<Group, string[]>> = {};
      for (const e of this.errors) {
        if (e.metric !== definition.name || !e.group || e.t > until) continue;
        errors[e.group] = [...(errors[e.group] ?? []), e.message];
      }
      const data: MetricData = {
        definition,
        baseline: seriesOf(definition.name, 'baseline'),
        canary: seriesOf(definition.name, 'canary'),
        expected: {
          grid: { start: this.plan.analysisStart, step: this.plan.step, steps },
          instances: named,
        },
        ...(errors.baseline || errors.canary ? { errors } : {}),
      };
      if (definition.trafficMetric) {
        data.traffic = {
          baseline: seriesOf(definition.trafficMetric, 'baseline'),
          canary: seriesOf(definition.trafficMetric, 'canary'),
        };
      }
      return data;
    });
  }

  judge(until: number): Judgment {
    if (this.spec.logs) {
      this.logResult = compareLogs(
        this.logs.baseline.filter((e) => e.t < until),
        this.logs.canary.filter((e) => e.t < until),
        {
          feedback: this.options.feedback ?? [],
          sensitivity: this.spec.sensitivity,
          unattributed: {
            field: this.logInstanceField(),
            events: this.unattributedLogs.filter((e) => e.t < until),
          },
        },
      );
    }
    return judgeVerification(this.metricData(until), {
      sensitivity: this.spec.sensitivity,
      mode: this.spec.policy.judge,
      thresholdOnly: this.plan.strategy === 'threshold',
      noData: this.spec.policy.noData,
      ...(this.spec.policy.minCoverage !== undefined ? { minCoverage: this.spec.policy.minCoverage } : {}),
      ...(this.logResult ? { logs: this.logResult } : {}),
      ...(this.evidence ? { evidence: this.evidence } : {}),
      ...kayentaScoringOf(this.spec.policy),
    });
  }

  /**
   * Whether the evidence is already decisive: a fail-fast rule fired, or an anytime-valid test shows a
   * regression larger than the sensitivity's minimum change. Returns the judgment with that decision applied.
   */
  earlyDecision(
    judgment: Judgment,
    polls: number,
  ): { verdict: Verdict; reason: string; judgment: Judgment } | undefined {
    // The order of precedence (judgment/precedence.ts): fail-fast, mute, ignore, then the sequential tests.
    const failFast = judgment.metrics.find(endsRunByFailFast);
    if (failFast) {
      const reason = `fail-fast rule of "${failFast.metric}" fired: ${failFast.judges.find((j) => j.judge === 'threshold')?.explanation ?? failFast.explanation}`;
      return { verdict: 'fail', reason, judgment: { ...judgment, verdict: 'fail', reason } };
    }
    if (!this.spec.policy.earlyStop || polls < MIN_POLLS_FOR_EARLY_STOP || this.plan.strategy === 'threshold')
      return undefined;
    const live = judgment.metrics.filter((m) => !m.muted);
    const alpha = EARLY_STOP_ALPHA / Math.max(1, live.length);
    const data = new Map(this.metricData(Number.POSITIVE_INFINITY).map((d) => [d.definition.name, d]));
    for (const m of live.filter(mayStopEarly)) {
      const d = data.get(m.metric);
      if (!d || d.baseline.length === 0 || d.canary.length === 0) continue;
      const found = sequentialEvidence(d, sensitivitySettings(m.sensitivity).minRelativeChange, alpha);
      if (!found) continue;
      const reason = `stopped early after ${polls} of ${this.plan.polls.length} polls: ${m.definition.critical ? 'critical metric ' : ''}"${m.metric}" failed: ${found.explanation}`;
      const metrics = judgment.metrics.map((x) =>
        x === m
          ? {
              ...x,
              outcome: 'fail' as const,
              risk: Math.max(x.risk, found.risk),
              decidedBy: [...new Set([...x.decidedBy, 'sequential'])],
              judges: [...x.judges, found],
              explanation: found.explanation,
            }
          : x,
      );
      return {
        verdict: 'fail',
        reason,
        judgment: {
          ...judgment,
          verdict: 'fail',
          // The same weighted score as a final judgment, with this metric's risk raised: one metric's
          // decisive evidence does not make every other metric's health worthless.
          score: Math.min(judgment.score, scoreOf(metrics, judgment.logs, this.spec.policy.noData)),
          reason,
          metrics,
        },
      };
    }
    return undefined;
  }
}
