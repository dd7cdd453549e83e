/**
 * Metric presets: ready-made metric sets with the conventional query shapes of each provider, so that a spec
 * can say `- preset: http-red` among its metrics instead of writing five queries. A preset entry expands, in
 * place, into ordinary metrics (name, query, kind, direction, unit) before the spec is validated: the engine
 * never sees presets, and hand-written metrics sit beside them. docs/presets.md lists every query.
 */
import { formatDuration, parseDuration } from './duration.ts';

/** Metric names of Prometheus HTTP histograms: OpenTelemetry semantic conventions or the Prometheus clients. */
export type PrometheusNaming = 'otel' | 'prometheus';

/** Options of one preset entry in `metrics` (`- preset: http-red`); see presetEntrySchema. */
export interface PresetEntry {
  preset: string;
  provider?: string;
  naming?: PrometheusNaming;
  selector?: string;
  operation?: string;
  prefix?: string;
}

/** What a preset needs to know about the spec around it. */
export interface PresetContext {
  providerType: string;
  /** `strategy.instanceLabel`: the label every query keeps, one series per instance. */
  instanceLabel: string;
  /** The poll interval, ms: Prometheus rates are taken over max(interval, 1m). */
  interval: number;
}

/** One metric of a preset, as a spec would write it. */
export interface PresetMetric {
  name: string;
  query: string;
  kind: 'error' | 'latency' | 'throughput' | 'resource';
  direction: 'higher-is-worse' | 'lower-is-worse' | 'both';
  unit?: string;
}

interface PresetDefinition {
  description: string;
  /** Provider type -> the metrics; a provider type missing here cannot use the preset. */
  build: Partial<Record<string, (entry: PresetEntry, ctx: PresetContext) => PresetMetric[]>>;
}

const QUANTILES = [0.5, 0.95, 0.99] as const;

/** The latency p50, p95 and p99 metrics of a RED preset; `query` gives each quantile's query (q in 0..1). */
function latencyQuantiles(unit: string, query: (q: number) => string): PresetMetric[] {
  return QUANTILES.map((q) => ({
    name: `latency p${q * 100}`,
    query: query(q),
    kind: 'latency',
    direction: 'higher-is-worse',
    unit,
  }));
}

/** A USE metric: a resource whose rise is the bad direction. Without `unit`, it comes from the provider. */
function resource(name: string, query: string, unit?: string): PresetMetric {
  return {
    name,
    query,
    kind: 'resource',
    direction: 'higher-is-worse',
    ...(unit === undefined ? {} : { unit }),
  };
}

/** A Prometheus label matcher list: the instance filter, then the entry's extra matchers. */
function promMatchers(entry: PresetEntry, ctx: PresetContext, extra?: string): string {
  return [`${ctx.instanceLabel}=~"{{instances}}"`, entry.selector, extra].filter(Boolean).join(',');
}

function promRange(ctx: PresetContext): string {
  return formatDuration(Math.max(ctx.interval, 60_000));
}

const promHttp = {
  otel: { histogram: 'http_server_request_duration_seconds', status: 'http_response_status_code' },
  prometheus: { histogram: 'http_request_duration_seconds', status: 'code' },
} as const;

function prometheusRed(entry: PresetEntry, ctx: PresetContext): PresetMetric[] {
  const names = promHttp[entry.naming ?? 'otel'];
  const by = ctx.instanceLabel;
  const w = promRange(ctx);
  const requests = `sum by (${by}) (rate(${names.histogram}_count{${promMatchers(entry, ctx)}}[${w}]))`;
  const errors = `sum by (${by}) (rate(${names.histogram}_count{${promMatchers(entry, ctx, `${names.status}=~"5.."`)}}[${w}]))`;
  return [
    { name: 'request rate', query: requests, kind: 'throughput', direction: 'lower-is-worse', unit: 'req/s' },
    {
      name: 'error ratio',
      // "or ... * 0": an instance that served no 5xx has no error series; its ratio is 0, not missing.
      query: `(${errors} or ${requests} * 0) / ${requests}`,
      kind: 'error',
      direction: 'higher-is-worse',
      unit: 'ratio',
    },
    ...latencyQuantiles(
      's',
      (q) =>
        `histogram_quantile(${q}, sum by (${by}, le) (rate(${names.histogram}_bucket{${promMatchers(entry, ctx)}}[${w}])))`,
    ),
  ];
}

function prometheusUse(entry: PresetEntry, ctx: PresetContext): PresetMetric[] {
  const by = ctx.instanceLabel;
  const w = promRange(ctx);
  const m = promMatchers(entry, ctx, 'container!=""');
  return [
    resource('cpu', `sum by (${by}) (rate(container_cpu_usage_seconds_total{${m}}[${w}]))`, 'cores'),
    resource('memory', `sum by (${by}) (container_memory_working_set_bytes{${m}})`, 'B'),
    resource(
      'cpu throttling',
      `sum by (${by}) (rate(container_cpu_cfs_throttled_periods_total{${m}}[${w}])) / sum by (${by}) (rate(container_cpu_cfs_periods_total{${m}}[${w}]))`,
      'ratio',
    ),
  ];
}

/** Datadog scope: the service, then the entry's extra tags; the provider adds `by {instanceLabel}`. */
function ddScope(entry: PresetEntry): string {
  return ['service:{{service}}', entry.selector].filter(Boolean).join(',');
}

function datadogRed(entry: PresetEntry): PresetMetric[] {
  const op = `trace.${entry.operation ?? 'http.request'}`;
  const s = ddScope(entry);
  return [
    {
      name: 'request rate',
      query: `sum:${op}.hits{${s}}.as_rate()`,
      kind: 'throughput',
      direction: 'lower-is-worse',
      unit: 'req/s',
    },
    {
      name: 'error ratio',
      query: `sum:${op}.errors{${s}}.as_count() / sum:${op}.hits{${s}}.as_count()`,
      kind: 'error',
      direction: 'higher-is-worse',
      unit: 'ratio',
    },
    ...latencyQuantiles('s', (q) => `p${q * 100}:${op}{${s}}`),
  ];
}

function datadogUse(entry: PresetEntry): PresetMetric[] {
  const s = ['kube_deployment:{{service}}', entry.selector].filter(Boolean).join(',');
  return [
    // Datadog reports it in nanocores; the unit comes from the metric's metadata.
    resource('cpu', `avg:kubernetes.cpu.usage.total{${s}}`),
    resource('memory', `avg:kubernetes.memory.working_set{${s}}`, 'B'),
    resource(
      'cpu throttling',
      `sum:kubernetes.cpu.cfs.throttled.periods{${s}}.as_count() / sum:kubernetes.cpu.cfs.periods{${s}}.as_count()`,
      'ratio',
    ),
  ];
}

function dynatraceRed(_entry: PresetEntry, ctx: PresetContext): PresetMetric[] {
  const split = `splitBy("${ctx.instanceLabel}")`;
  return [
    {
      name: 'request rate',
      query: `builtin:service.requestCount.total:${split}:value:rate(1m)`,
      kind: 'throughput',
      direction: 'lower-is-worse',
      unit: 'req/min',
    },
    {
      name: 'error ratio',
      // Dynatrace reports the failure rate in percent.
      query: `builtin:service.errors.total.rate:${split}:avg`,
      kind: 'error',
      direction: 'higher-is-worse',
      unit: '%',
    },
    ...latencyQuantiles('us', (q) => `builtin:service.response.time:${split}:percentile(${q * 100})`),
  ];
}

function dynatraceUse(_entry: PresetEntry, ctx: PresetContext): PresetMetric[] {
  const split = `splitBy("${ctx.instanceLabel}")`;
  return [
    resource('cpu', `builtin:tech.generic.cpu.usage:${split}:avg`, '%'),
    resource('memory', `builtin:tech.generic.mem.workingSetSize:${split}:avg`, 'B'),
    resource('cpu throttling', `builtin:containers.cpu.throttledMilliCores:${split}:avg`, 'mcores'),
  ];
}

/** Every preset by name. */
export const PRESETS: Record<string, PresetDefinition> = {
  'http-red': {
    description: 'RED for an HTTP service: request rate, error ratio (5xx), latency p50, p95 and p99',
    build: { prometheus: prometheusRed, datadog: datadogRed, dynatrace: dynatraceRed },
  },
  use: {
    description: 'USE for containers: CPU, memory (working set) and saturation (CPU throttling)',
    build: { prometheus: prometheusUse, datadog: datadogUse, dynatrace: dynatraceUse },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);

/**
 * The metrics of one preset entry for a provider type, or the reason it cannot expand (unknown preset, a
 * provider type it has no queries for, an option that does not apply), in words that name the fix.
 */
export function expandPreset(entry: PresetEntry, ctx: PresetContext): PresetMetric[] | string {
  const def = Object.hasOwn(PRESETS, entry.preset) ? PRESETS[entry.preset] : undefined;
  if (!def) return `unknown preset "${entry.preset}"; known presets: ${PRESET_NAMES.join(', ')}`;
  const build = def.build[ctx.providerType];
  if (!build)
    return `preset "${entry.preset}" has no queries for provider type "${ctx.providerType}"; it has them for ${Object.keys(def.build).join(', ')}`;
  if (entry.naming !== undefined && ctx.providerType !== 'prometheus')
    return `naming applies to Prometheus only (provider type "${ctx.providerType}")`;
  if (entry.operation !== undefined && ctx.providerType !== 'datadog')
    return `operation applies to Datadog only (provider type "${ctx.providerType}")`;
  if (entry.naming !== undefined && !(entry.naming in promHttp))
    return `naming must be "otel" or "prometheus" (got "${entry.naming}")`;
  return build(entry, ctx).map((m) => ({ ...m, name: `${entry.prefix ?? ''}${m.name}` }));
}

/** Parses the interval the way the spec does, defaulting to 1m for presets when it is absent or broken. */
export function presetInterval(value: unknown): number {
  try {
    return typeof value === 'number' || typeof value === 'string' ? parseDuration(value) : 60_000;
  } catch {
    return 60_000;
  }
}
