/**
 * Turns a spec and the moment a run starts into concrete windows and groups: which strategy, which data is
 * the baseline, when each poll happens. Pure: the same inputs give the same plan.
 */
import type { Group } from '../model/metric.ts';
import { parseDuration } from '../spec/duration.ts';
import type { Spec } from '../spec/schema.ts';
import type { LogFetch, MetricFetch } from './source.ts';

/** A strategy after `auto` has been resolved. */
export type ResolvedStrategy = 'canary' | 'blue-green' | 'rolling' | 'previous' | 'threshold';

/** Which instances belong to a group: an explicit list, a regular expression, or all. */
export interface InstanceSelector {
  instances?: string[];
  pattern?: string;
}

export interface Plan {
  strategy: ResolvedStrategy;
  /** Why this strategy, in words (auto explains its choice). */
  reason: string;
  /** When the run started (epoch ms). */
  startedAt: number;
  /** First and end (exclusive) time of the judged canary window, aligned to the step grid. */
  analysisStart: number;
  analysisEnd: number;
  /** The metrics step and poll interval (ms). */
  step: number;
  /** Poll times: after each one, all data up to it is judged. The last is `analysisEnd`. */
  polls: number[];
  /** The baseline's window for before/after strategies (fetched once); undefined when it is live or stored. */
  baselineWindow?: { start: number; end: number };
  /** Added to baseline timestamps so that they line up with the canary minute by minute (0 when live). */
  baselineShift: number;
  /** Instance selection per group; an empty selector means every instance the query returns. */
  selectors: Record<Group, InstanceSelector>;
}

export interface PlanContext {
  /** Epoch ms the run starts at. */
  startedAt: number;
  /** Whether a stored passing verification exists (for `previous` and `auto`). */
  hasStoredBaseline?: boolean;
}

/** Resolves the strategy and lays out the windows and polls. */
export function planVerification(spec: Spec, ctx: PlanContext): Plan {
  const step = parseDuration(spec.interval);
  if (step <= 0) throw new Error('interval must be longer than 0s');
  const duration = parseDuration(spec.duration);
  const initialDelay = parseDuration(spec.initialDelay);
  const settle = parseDuration(spec.strategy.settle ?? '1m');
  const deployedAt = deployTime(spec.strategy.deployedAt) ?? ctx.startedAt;
  const { strategy, reason } = resolveStrategy(spec, ctx);

  const before = strategy === 'blue-green' || strategy === 'rolling';
  const earliest = before
    ? Math.max(ctx.startedAt + initialDelay, deployedAt + settle)
    : ctx.startedAt + initialDelay;
  const analysisStart = Math.ceil(earliest / step) * step;
  const polls = Math.max(1, Math.ceil(duration / step));
  const analysisEnd = analysisStart + polls * step;
  const plan: Plan = {
    strategy,
    reason,
    startedAt: ctx.startedAt,
    analysisStart,
    analysisEnd,
    step,
    polls: Array.from({ length: polls }, (_, i) => analysisStart + (i + 1) * step),
    baselineShift: 0,
    selectors: {
      baseline: strategy === 'canary' ? selector(spec.strategy.baseline) : {},
      // The new version's instances are the canary whatever it is compared with.
      canary: selector(spec.strategy.canary),
    },
  };
  if (before) {
    const end = Math.floor(deployedAt / step) * step;
    plan.baselineWindow = { start: end - polls * step, end };
    plan.baselineShift = analysisStart - plan.baselineWindow.start;
  }
  return plan;
}

function resolveStrategy(spec: Spec, ctx: PlanContext): { strategy: ResolvedStrategy; reason: string } {
  const s = spec.strategy;
  const hasGroups = Boolean(s.baseline && s.canary);
  switch (s.type) {
    case 'canary':
      if (!hasGroups)
        throw new Error('strategy.canary and strategy.baseline are required for the canary strategy');
      return {
        strategy: 'canary',
        reason: `canary instances (${describe(s.canary)}) vs baseline instances (${describe(s.baseline)}) over the same window`,
      };
    case 'blue-green':
    case 'rolling':
      return { strategy: s.type, reason: 'the service after the deploy vs the same service before it' };
    case 'previous':
      return {
        strategy: 'previous',
        reason: s.pinned ? `vs the pinned verification ${s.pinned}` : 'vs the last verification that passed',
      };
    case 'threshold':
      return { strategy: 'threshold', reason: 'threshold rules only, no baseline' };
    case 'auto': {
      if (hasGroups)
        return {
          strategy: 'canary',
          reason: `auto: baseline and canary instances are both defined, so canary vs baseline over the same window`,
        };
      if (s.deployedAt !== undefined)
        return {
          strategy: 'blue-green',
          reason: 'auto: no canary instances but a deploy time, so after vs before the deploy',
        };
      if (ctx.hasStoredBaseline)
        return {
          strategy: 'previous',
          reason:
            'auto: no canary instances and no deploy time, but a stored passing verification to compare with',
        };
      const rules = spec.metrics.some((m) => (m.failFast?.length ?? 0) > 0 || (m.ignore?.length ?? 0) > 0);
      if (rules)
        return {
          strategy: 'threshold',
          reason: 'auto: nothing to compare with, so the threshold rules alone',
        };
      return {
        strategy: 'blue-green',
        reason:
          'auto: no canary instances, deploy time or stored baseline, so after vs before the start of this run',
      };
    }
  }
}

function selector(
  s: { pattern?: string | undefined; instances?: string[] | undefined } | undefined,
): InstanceSelector {
  return {
    ...(s?.instances ? { instances: s.instances } : {}),
    ...(s?.pattern ? { pattern: s.pattern } : {}),
  };
}

function describe(s: { pattern?: string | undefined; instances?: string[] | undefined } | undefined): string {
  if (s?.instances) return s.instances.join(', ');
  if (s?.pattern) return `/${s.pattern}/`;
  return 'all';
}

function deployTime(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = typeof value === 'number' ? value * 1000 : Date.parse(value);
  if (!Number.isFinite(t))
    throw new Error(`strategy.deployedAt "${value}" is not a time (ISO-8601 or epoch seconds)`);
  return t;
}

/** Whether an instance belongs to a group's selector. */
export function selects(sel: InstanceSelector, instance: string): boolean {
  if (sel.instances) return sel.instances.includes(instance);
  if (sel.pattern) return new RegExp(`^(?:${sel.pattern})$`).test(instance);
  return true;
}

/**
 * The values a query template's placeholders take for one group: `{{instances}}` is the group's explicit
 * instance list, else its pattern (a regular expression, which Prometheus matches with `=~`), else `.*`.
 */
export function queryVars(spec: Spec, plan: Plan, group: Group): Record<string, string | string[]> {
  const sel = plan.selectors[group];
  return {
    group,
    service: spec.service,
    environment: spec.environment ?? '',
    version: spec.version ?? '',
    instances: sel.instances ?? sel.pattern ?? '.*',
  };
}

/** A metric request as the plan makes it; the engine and `vigil doctor` add the window they fetch. */
export type MetricQuery = Omit<MetricFetch, 'window'>;
/** A log request as the plan makes it; the engine adds the window. */
export type LogQuery = Omit<LogFetch, 'window'>;

/** The provider a metric or the logs read from: the one they name, else the spec's first. */
export function providerOf(spec: Spec, named: string | undefined): string {
  return named ?? Object.keys(spec.providers)[0]!;
}

/**
 * The metric requests of one group, in the spec's order: each metric's query (its `baselineQuery` for the
 * baseline), its provider, the group's variables (`queryVars`) and the instance label.
 */
export function metricQueries(spec: Spec, plan: Plan, group: Group): MetricQuery[] {
  const vars = queryVars(spec, plan, group);
  return spec.metrics.map((m) => ({
    metric: m.name,
    provider: providerOf(spec, m.provider),
    group,
    query: group === 'baseline' && m.baselineQuery ? m.baselineQuery : m.query,
    vars,
    instanceLabel: spec.strategy.instanceLabel,
  }));
}

/**
 * The log request of one group, or undefined when the spec reads no logs. A log event names its instance in
 * `logs.instanceField`, else in the metrics' instance label.
 */
export function logQuery(spec: Spec, plan: Plan, group: Group): LogQuery | undefined {
  const logs = spec.logs;
  if (!logs) return undefined;
  return {
    provider: providerOf(spec, logs.provider),
    group,
    query: logs.query,
    vars: queryVars(spec, plan, group),
    instanceLabel: logs.instanceField ?? spec.strategy.instanceLabel,
    limit: logs.limit,
  };
}
