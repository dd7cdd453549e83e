/**
 * `vigil import kayenta`: a Vigil spec (Kayenta mode) from a Kayenta canary config, so a team moving from
 * Kayenta keeps its metrics, groups, weights, directions, NaN strategies, effect sizes, outlier handling,
 * mustHaveData and score thresholds, and gets Kayenta's verdicts on the same data. Whatever has no Vigil
 * equivalent is listed (`unmapped`), never dropped silently. Pure: JSON value in, spec object and YAML out.
 *
 * Read from Kayenta's documented config model (kayenta-core CanaryConfig, CanaryMetricConfig,
 * CanaryClassifierConfig, and the Prometheus, Datadog and Stackdriver metric set query configs).
 */
import { stringify } from 'yaml';
import { UserError } from '../../errors.ts';
import { formatPath } from '../load.ts';
import type { SpecInput } from '../schema.ts';

/** A Kayenta canary config that cannot be imported; the message names the field by its JSON path. */
export class KayentaConfigError extends UserError {
  override name = 'KayentaConfigError';
}

export interface KayentaImportOptions {
  /**
   * Kayenta `metrics[].scopeName` to import (default `default`). A Vigil spec has one baseline/canary pair;
   * metrics of other scopes are left out and listed.
   */
  scope?: string;
  /** The control (baseline) scope, e.g. a server group name; default `${env:KAYENTA_CONTROL_SCOPE}`. */
  controlScope?: string;
  /** The experiment (canary) scope; default `${env:KAYENTA_EXPERIMENT_SCOPE}`. */
  experimentScope?: string;
  /** Service name; default the config's first application, else its name. */
  service?: string;
}

export interface KayentaImport {
  /** The spec as written (validate it with `validateSpec`). */
  spec: SpecInput;
  /** What did not map, one sentence each (also written as comments at the top of `yaml`). */
  unmapped: string[];
  /** The spec as YAML, with the unmapped list as comments. */
  yaml: string;
  /** The `${env:NAME}` variables the spec reads, each with an example value (for a dry validation). */
  env: Record<string, string>;
}

/** Every variable an imported spec may read, with an example value. */
const ENV_EXAMPLES: Record<string, string> = {
  PROMETHEUS_URL: 'http://prometheus.example:9090',
  DD_API_KEY: 'example',
  DD_APP_KEY: 'example',
  GCP_PROJECT: 'example-project',
  GCP_ACCESS_TOKEN: 'example',
  KAYENTA_CONTROL_SCOPE: 'baseline',
  KAYENTA_EXPERIMENT_SCOPE: 'canary',
};

type Json = Record<string, unknown>;
type Path = (string | number)[];

const CANARY_KEYS = [
  'direction',
  'nanStrategy',
  'critical',
  'mustHaveData',
  'muted',
  'effectSize',
  'outliers',
];
const EFFECT_KEYS = ['measure', 'allowedIncrease', 'allowedDecrease', 'criticalIncrease', 'criticalDecrease'];
const DIRECTIONS = { increase: 'higher-is-worse', decrease: 'lower-is-worse', either: 'both' } as const;
/** Stackdriver cross-series reducers with a PromQL aggregation. */
const REDUCERS: Record<string, string> = {
  REDUCE_MEAN: 'avg',
  REDUCE_SUM: 'sum',
  REDUCE_MAX: 'max',
  REDUCE_MIN: 'min',
  REDUCE_COUNT: 'count',
};
/** Stackdriver per-series aligners as PromQL range functions. */
const ALIGNERS: Record<string, string> = {
  ALIGN_RATE: 'rate',
  ALIGN_DELTA: 'increase',
  ALIGN_MEAN: 'avg_over_time',
  ALIGN_MAX: 'max_over_time',
  ALIGN_MIN: 'min_over_time',
  ALIGN_SUM: 'sum_over_time',
};

function fail(path: Path, message: string): never {
  throw new KayentaConfigError(`Kayenta config: ${formatPath(path) || '(top level)'}: ${message}`);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function object(v: unknown, path: Path): Json {
  if (!isObject(v)) fail(path, `must be an object (got ${describe(v)})`);
  return v;
}

function optObject(parent: Json, key: string, path: Path): Json | undefined {
  return parent[key] === undefined || parent[key] === null ? undefined : object(parent[key], [...path, key]);
}

function optString(parent: Json, key: string, path: Path): string | undefined {
  const v = parent[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail([...path, key], `must be a string (got ${describe(v)})`);
  return v;
}

function optNumber(parent: Json, key: string, path: Path): number | undefined {
  const v = parent[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    fail([...path, key], `must be a number (got ${describe(v)})`);
  return v;
}

function optBoolean(parent: Json, key: string, path: Path): boolean | undefined {
  const v = parent[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') fail([...path, key], `must be true or false (got ${describe(v)})`);
  return v;
}

function optEnum<T extends string>(
  parent: Json,
  key: string,
  values: readonly T[],
  path: Path,
): T | undefined {
  const v = optString(parent, key, path);
  if (v === undefined) return undefined;
  if (!values.includes(v as T))
    fail([...path, key], `must be one of ${values.map((x) => `"${x}"`).join(', ')} (got "${v}")`);
  return v as T;
}

function optStrings(parent: Json, key: string, path: Path): string[] | undefined {
  const v = parent[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail([...path, key], `must be a list of strings (got ${describe(v)})`);
  v.forEach((s, i) => {
    if (typeof s !== 'string') fail([...path, key, i], `must be a string (got ${describe(s)})`);
  });
  return v as string[];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 37)}...` : v}"`;
  return typeof v === 'object' ? 'an object' : String(v);
}

/** What a metric's query becomes: the provider key and type, and the query, or why it cannot map. */
interface MappedQuery {
  provider: 'prometheus' | 'datadog' | 'stackdriver';
  query: string;
  notes: string[];
}

/**
 * Kayenta's template variables in Vigil's terms: `${scope}` is the group's instances; the others come from
 * Kayenta's execution request and have no Vigil variable.
 */
function templated(text: string, metric: string, notes: string[]): string {
  const out = text.replace(/\$\{\s*scope\s*\}/g, '{{instances}}');
  const left = [...new Set([...out.matchAll(/\$\{\s*([A-Za-z_][\w.]*)\s*\}/g)].map((m) => m[1]))];
  if (left.length > 0)
    notes.push(
      `metric "${metric}": its query uses ${left.map((v) => `\${${v}}`).join(', ')}, which Kayenta fills from the execution request and Vigil has no variable for: edit the query`,
    );
  return out;
}

function customTemplate(
  q: Json,
  config: Json,
  path: Path,
  metric: string,
  notes: string[],
): string | undefined {
  const inline = optString(q, 'customInlineTemplate', path);
  if (inline !== undefined) return templated(inline, metric, notes);
  const name = optString(q, 'customFilterTemplate', path);
  if (name !== undefined) {
    const templates = optObject(config, 'templates', []);
    const text = templates?.[name];
    if (typeof text !== 'string')
      fail([...path, 'customFilterTemplate'], `names template "${name}", which is not under templates`);
    return templated(text, metric, notes);
  }
  const legacy = optString(q, 'customFilter', path);
  return legacy === undefined ? undefined : templated(legacy, metric, notes);
}

function mapQuery(
  q: Json,
  config: Json,
  path: Path,
  metric: string,
  instanceLabel: string,
): MappedQuery | string {
  const type = optString(q, 'type', path);
  if (type === undefined) fail([...path, 'type'], 'is required (the metrics service, e.g. "prometheus")');
  const notes: string[] = [];
  const groupBy = optStrings(q, 'groupByFields', path) ?? [];
  if (groupBy.length > 0)
    notes.push(
      `metric "${metric}": groupByFields ${groupBy.join(', ')}: Kayenta judges one metric per group-by value; Vigil pools them (split it into one metric per value to keep them apart)`,
    );
  if (type === 'prometheus') {
    const custom = customTemplate(q, config, path, metric, notes);
    if (custom?.startsWith('PromQL:')) return { provider: 'prometheus', query: custom.slice(7), notes };
    const name = optString(q, 'metricName', path);
    if (name === undefined)
      fail([...path, 'metricName'], 'is required for a Prometheus query without a PromQL: template');
    const resourceType = optString(q, 'resourceType', path);
    const filters = [
      ...(custom !== undefined ? custom.split(',') : [`${instanceLabel}=~"{{instances}}"`]),
      ...(optStrings(q, 'labelBindings', path) ?? []),
    ];
    if (
      custom === undefined &&
      resourceType !== undefined &&
      !['gce_instance', 'aws_ec2_instance'].includes(resourceType)
    )
      notes.push(
        `metric "${metric}": resourceType "${resourceType}" has no Kayenta scope filter; the instance label filter stands in`,
      );
    // Kayenta averages the scope into one series; Vigil needs one series per instance.
    return {
      provider: 'prometheus',
      query: `avg by (${instanceLabel}) (${name}{${filters.join(',')}})`,
      notes,
    };
  }
  if (type === 'datadog') {
    // Kayenta sends a custom template as the whole query, else metricName{scope}.
    const custom = customTemplate(q, config, path, metric, notes);
    if (custom !== undefined) {
      if (!custom.includes(instanceLabel))
        notes.push(
          `metric "${metric}": its Datadog query must group by the instance tag (by {${instanceLabel}}) for Vigil to tell instances apart`,
        );
      return { provider: 'datadog', query: custom, notes };
    }
    const name = optString(q, 'metricName', path);
    if (name === undefined)
      fail([...path, 'metricName'], 'is required for a Datadog query without a custom template');
    return {
      provider: 'datadog',
      query: `avg:${name}{${instanceLabel}:{{instances}}} by {${instanceLabel}}`,
      notes,
    };
  }
  if (type === 'stackdriver') {
    const metricType = optString(q, 'metricType', path);
    if (metricType === undefined) fail([...path, 'metricType'], 'is required for a Stackdriver query');
    const custom =
      optString(q, 'customInlineTemplate', path) ??
      optString(q, 'customFilterTemplate', path) ??
      optString(q, 'customFilter', path);
    if (custom !== undefined)
      notes.push(
        `metric "${metric}": its Stackdriver filter (custom filter or template) is in Cloud Monitoring's filter language, which has no PromQL equivalent here: add its conditions to the query as label matchers`,
      );
    // Cloud Monitoring answers PromQL (Managed Service for Prometheus): domain dots and the first slash become
    // "_" and ":", the other slashes "_".
    const [domain = '', ...rest] = metricType.split('/');
    const promName = `${domain.replace(/[.-]/g, '_')}:${rest.join('_').replace(/[.-]/g, '_')}`;
    const resourceType = optString(q, 'resourceType', path);
    const filters = [
      `${instanceLabel}=~"{{instances}}"`,
      ...(resourceType ? [`monitored_resource="${resourceType}"`] : []),
    ];
    let expr = `${promName}{${filters.join(',')}}`;
    const aligner = optString(q, 'perSeriesAligner', path);
    if (aligner !== undefined && aligner !== 'ALIGN_NONE') {
      const fn = ALIGNERS[aligner];
      if (fn) {
        expr = `${fn}(${expr}[1m])`;
        notes.push(
          `metric "${metric}": perSeriesAligner ${aligner} over 1m windows: keep it equal to the spec's interval`,
        );
      } else
        notes.push(`metric "${metric}": perSeriesAligner ${aligner} has no PromQL equivalent here; left out`);
    }
    const reducer = optString(q, 'crossSeriesReducer', path);
    const op = reducer === undefined || reducer === 'REDUCE_NONE' ? 'avg' : REDUCERS[reducer];
    if (!op)
      notes.push(`metric "${metric}": crossSeriesReducer ${reducer} has no PromQL equivalent here; avg used`);
    return { provider: 'stackdriver', query: `${op ?? 'avg'} by (${instanceLabel}) (${expr})`, notes };
  }
  return `metric "${metric}": ${type} queries have no Vigil provider (Vigil reads Prometheus, Datadog, Dynatrace and HTTP APIs); left out of the spec, so the group scores lack it`;
}

/** Imports a parsed Kayenta canary config (a JSON value). Throws KayentaConfigError naming the bad field. */
export function importKayentaConfig(input: unknown, options: KayentaImportOptions = {}): KayentaImport {
  const config = object(input, []);
  const unmapped: string[] = [];
  const name = optString(config, 'name', []);
  const applications = optStrings(config, 'applications', []);
  const service = options.service ?? applications?.[0] ?? name;
  if (service === undefined || service === '')
    fail(['name'], 'is required when the config has no applications and no --service is given');

  const judge = optObject(config, 'judge', []);
  const judgeName = judge ? optString(judge, 'name', ['judge']) : undefined;
  if (judgeName !== undefined && !/^NetflixACAJudge/.test(judgeName))
    unmapped.push(
      `judge.name "${judgeName}": Vigil's Kayenta mode is NetflixACAJudge-v1.0; that judge's verdicts apply`,
    );
  const judgeConfigurations = judge ? optObject(judge, 'judgeConfigurations', ['judge']) : undefined;
  if (judgeConfigurations && Object.keys(judgeConfigurations).length > 0)
    unmapped.push(
      `judge.judgeConfigurations (${Object.keys(judgeConfigurations).join(', ')}): NetflixACAJudge reads none`,
    );

  const classifier = optObject(config, 'classifier', []);
  const weights = classifier ? optObject(classifier, 'groupWeights', ['classifier']) : undefined;
  const groupWeights: Record<string, number> = {};
  for (const [g, w] of Object.entries(weights ?? {})) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
      fail(['classifier', 'groupWeights', g], `must be a number of percent, 0 or more (got ${describe(w)})`);
    groupWeights[g] = w;
  }
  const thresholds = classifier ? optObject(classifier, 'scoreThresholds', ['classifier']) : undefined;
  const pass = thresholds ? optNumber(thresholds, 'pass', ['classifier', 'scoreThresholds']) : undefined;
  const marginal = thresholds
    ? optNumber(thresholds, 'marginal', ['classifier', 'scoreThresholds'])
    : undefined;
  for (const [key, v] of [
    ['pass', pass],
    ['marginal', marginal],
  ] as const)
    if (v !== undefined && (v < 0 || v > 100))
      fail(['classifier', 'scoreThresholds', key], `must be 0..100 (got ${v})`);
  if (pass === undefined || marginal === undefined)
    unmapped.push(
      'classifier.scoreThresholds: Kayenta takes the missing pass/marginal thresholds from the execution request; Vigil uses 75 and 50 (set policy.passScore and policy.marginalScore)',
    );

  if (!Array.isArray(config.metrics))
    fail(['metrics'], `must be a list of metrics (got ${describe(config.metrics)})`);
  const scope = options.scope ?? 'default';
  const metricsIn = config.metrics as unknown[];
  if (metricsIn.length === 0) fail(['metrics'], 'must hold at least one metric');

  // Kayenta's Prometheus scope filters: aws_ec2_instance on asg_groupName, everything else on `instance`.
  const instanceLabel = metricsIn.some(
    (m) => isObject(m) && isObject(m.query) && m.query.resourceType === 'aws_ec2_instance',
  )
    ? 'asg_groupName'
    : 'instance';
  const gce = metricsIn.some(
    (m) => isObject(m) && isObject(m.query) && m.query.resourceType === 'gce_instance',
  );

  const metrics: Json[] = [];
  const providers = new Set<MappedQuery['provider']>();
  const seen = new Set<string>();
  const otherScopes = new Set<string>();
  metricsIn.forEach((raw, i) => {
    const path: Path = ['metrics', i];
    const m = object(raw, path);
    const metricName = optString(m, 'name', path);
    if (metricName === undefined || metricName === '') fail([...path, 'name'], 'is required (a metric name)');
    if (seen.has(metricName))
      fail([...path, 'name'], `"${metricName}" is used by two metrics; names must differ`);
    seen.add(metricName);
    const metricScope = optString(m, 'scopeName', path) ?? 'default';
    const groups = optStrings(m, 'groups', path) ?? [];
    const analysis = optObject(m, 'analysisConfigurations', path) ?? {};
    for (const key of Object.keys(analysis))
      if (key !== 'canary')
        unmapped.push(
          `metric "${metricName}": analysisConfigurations.${key}: NetflixACAJudge reads only "canary"`,
        );
    const cPath: Path = [...path, 'analysisConfigurations', 'canary'];
    const canary = optObject(analysis, 'canary', [...path, 'analysisConfigurations']) ?? {};
    for (const key of Object.keys(canary))
      if (!CANARY_KEYS.includes(key))
        unmapped.push(
          `metric "${metricName}": analysisConfigurations.canary.${key}: not a NetflixACAJudge setting; ignored`,
        );
    const direction = optEnum(canary, 'direction', ['increase', 'decrease', 'either'], cPath);
    const nanStrategy = optEnum(canary, 'nanStrategy', ['remove', 'replace'], cPath);
    const critical = optBoolean(canary, 'critical', cPath);
    const mustHaveData = optBoolean(canary, 'mustHaveData', cPath);
    const muted = optBoolean(canary, 'muted', cPath);
    const ePath = [...cPath, 'effectSize'];
    const effect = optObject(canary, 'effectSize', cPath);
    const effectSize: Json = {};
    if (effect) {
      for (const key of Object.keys(effect))
        if (!EFFECT_KEYS.includes(key))
          unmapped.push(`metric "${metricName}": effectSize.${key}: not a NetflixACAJudge setting; ignored`);
      const measure = optEnum(effect, 'measure', ['meanRatio', 'cles'], ePath);
      if (measure) effectSize.measure = measure;
      for (const key of EFFECT_KEYS.slice(1)) {
        const v = optNumber(effect, key, ePath);
        if (v !== undefined) effectSize[key] = v;
      }
    }
    const oPath = [...cPath, 'outliers'];
    const outliersIn = optObject(canary, 'outliers', cPath);
    const outliers: Json = {};
    if (outliersIn) {
      const strategy = optEnum(outliersIn, 'strategy', ['remove', 'keep'], oPath);
      const factor = optNumber(outliersIn, 'outlierFactor', oPath);
      if (factor !== undefined && !(factor > 0))
        fail([...oPath, 'outlierFactor'], `must be above 0 (got ${factor})`);
      if (strategy) outliers.strategy = strategy;
      if (factor !== undefined) outliers.outlierFactor = factor;
    }
    const query = object(m.query, [...path, 'query']);
    if (metricScope !== scope) {
      otherScopes.add(metricScope);
      return;
    }
    const mapped = mapQuery(query, config, [...path, 'query'], metricName, instanceLabel);
    if (typeof mapped === 'string') {
      unmapped.push(mapped);
      return;
    }
    unmapped.push(...mapped.notes);
    providers.add(mapped.provider);
    const kayenta: Json = {
      ...(nanStrategy ? { nanStrategy } : {}),
      ...(Object.keys(outliers).length ? { outliers } : {}),
      ...(mustHaveData !== undefined ? { mustHaveData } : {}),
      ...(Object.keys(effectSize).length ? { effectSize } : {}),
    };
    metrics.push({
      name: metricName,
      provider: mapped.provider,
      query: mapped.query,
      direction: DIRECTIONS[direction ?? 'either'],
      ...(critical ? { critical } : {}),
      ...(muted ? { muted } : {}),
      group: groups.length === 1 ? groups[0] : groups,
      ...(Object.keys(kayenta).length ? { kayenta } : {}),
    });
  });
  if (otherScopes.size > 0)
    unmapped.push(
      `metrics of scope${otherScopes.size > 1 ? 's' : ''} ${[...otherScopes].map((s) => `"${s}"`).join(', ')}: a Vigil spec has one baseline/canary pair, this one scope "${scope}"; import the others with --scope`,
    );
  if (metrics.length === 0)
    fail(
      ['metrics'],
      `no metric of scope "${scope}" has a query Vigil can read${otherScopes.size ? ` (scopes: ${[...otherScopes].join(', ')}; choose one with --scope)` : ''}`,
    );
  for (const g of Object.keys(groupWeights))
    if (!metrics.some((m) => (Array.isArray(m.group) ? m.group : [m.group]).includes(g)))
      unmapped.push(
        `classifier.groupWeights.${g}: no imported metric is in group "${g}"; its weight scores nothing`,
      );

  unmapped.push(
    "the analysis window and interval (lifetime, step) come from Kayenta's execution request: set duration and interval",
    'Kayenta averages each scope into one series; the queries keep one series per instance, whose points Vigil pools: with several instances per scope the test sees more points than Kayenta did',
    "a metric that could not be judged (no data, provider error, too little coverage) makes Vigil's verdict inconclusive where Kayenta would score what arrived (policy.noData)",
  );
  const controlScope = options.controlScope ?? '${env:KAYENTA_CONTROL_SCOPE}';
  const experimentScope = options.experimentScope ?? '${env:KAYENTA_EXPERIMENT_SCOPE}';
  const suffix = gce ? '-.{4}' : '';
  const spec: Json = {
    apiVersion: 'vigil/v1',
    service,
    providers: Object.fromEntries([...providers].sort().map((p) => [p, PROVIDERS[p]])),
    strategy: {
      type: 'canary',
      instanceLabel,
      baseline: { pattern: `${controlScope}${suffix}` },
      canary: { pattern: `${experimentScope}${suffix}` },
    },
    metrics,
    policy: {
      judge: 'kayenta',
      // Kayenta decides once, on the whole window.
      earlyStop: false,
      ...(pass !== undefined ? { passScore: pass } : {}),
      ...(marginal !== undefined ? { marginalScore: marginal } : {}),
      ...(Object.keys(groupWeights).length ? { groupWeights } : {}),
    },
  };
  const text = JSON.stringify(spec);
  const env = Object.fromEntries(Object.entries(ENV_EXAMPLES).filter(([k]) => text.includes(`\${env:${k}}`)));
  const header = [
    `Imported from the Kayenta canary config${name ? ` "${name}"` : ''} by vigil import kayenta.`,
    ...(Object.keys(env).length ? [`Set in the environment: ${Object.keys(env).join(', ')}.`] : []),
    'Not mapped (check these by hand):',
    ...unmapped.map((u) => `- ${u}`),
  ];
  const yaml = `${header.map((l) => `# ${l}`).join('\n')}\n${stringify(spec, { lineWidth: 0 })}`;
  return { spec: spec as unknown as SpecInput, unmapped, yaml, env };
}

const PROVIDERS: Record<MappedQuery['provider'], Json> = {
  prometheus: { type: 'prometheus', url: '${env:PROMETHEUS_URL}' },
  datadog: { type: 'datadog', apiKey: '${env:DD_API_KEY}', appKey: '${env:DD_APP_KEY}' },
  // Cloud Monitoring's PromQL endpoint (Google Cloud Managed Service for Prometheus).
  stackdriver: {
    type: 'prometheus',
    url: 'https://monitoring.googleapis.com/v1/projects/${env:GCP_PROJECT}/location/global/prometheus',
    auth: { type: 'bearer', token: '${env:GCP_ACCESS_TOKEN}' },
  },
};
