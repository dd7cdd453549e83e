/**
 * The Action's inputs (action.yml), read and validated in one place. Every error names the input and says
 * how to fix it; nothing here logs, so credentials can be masked before any output happens.
 */
import { InputError, OUTCOMES, type Outcome, secretsOfUrl } from '@vigil/core';
import { parse as parseYaml } from 'yaml';

/** Reads one input as the runner passes it (`INPUT_<NAME>`); '' when unset. `core.getInput` in production. */
export type InputReader = (name: string) => string;

/** A bad input (a user error, core's InputError); `input` is its name in action.yml. */
export class ActionInputError extends InputError {
  override name = 'ActionInputError';
  readonly input: string;
  constructor(input: string, message: string) {
    super(`input "${input}" ${message}`);
    this.input = input;
  }
}

/** What a failing verification does: fail the step, dispatch the rollback workflow (and fail), or only warn. */
export type OnFailure = 'fail' | 'rollback' | 'warn';
/**
 * What an inconclusive or could-not-verify verification does; `pass` treats it as a pass. Default `fail`:
 * the step is green only when every required metric was judged.
 */
export type OnInconclusive = 'fail' | 'rollback' | 'warn' | 'pass';
export type ProviderType = 'prometheus' | 'datadog' | 'dynatrace';

/** Spec settings given as inputs: a whole spec without a spec file, or overrides of the file's fields. */
export interface InlineSettings {
  service?: string;
  version?: string;
  environment?: string;
  provider?: ProviderType;
  prometheus: { url?: string; token?: string; username?: string; password?: string };
  datadog: { site?: string; apiKey?: string; appKey?: string };
  dynatrace: { url?: string; token?: string; entitySelector?: string };
  /** Metric specs as written in a spec file's `metrics`. */
  metrics?: Record<string, unknown>[];
  /** Notification targets as written in a spec file's `notify`; they replace the spec file's (docs/notifications.md). */
  notify?: Record<string, unknown>[];
  /** Preset entries from the `preset` input (`http-red, use:...`), put before `metrics` (docs/presets.md). */
  presets?: { preset: string; naming?: string }[];
  logsQuery?: string;
  strategy?: string;
  instanceLabel?: string;
  baselinePattern?: string;
  canaryPattern?: string;
  deployedAt?: string | number;
  duration?: string;
  interval?: string;
  initialDelay?: string;
  sensitivity?: string;
  /** `policy.maxConsecutiveErrors`: polls in a row of failed queries that end the run as could-not-verify. */
  maxConsecutiveErrors?: number;
}

export interface RollbackSettings {
  /** Workflow file name (`rollback.yml`) or numeric id. */
  workflow: string;
  /** Branch or tag to run it on; default the repository's default branch. */
  ref?: string;
  /** Inputs merged over the defaults; `null` removes a default input. Values may hold `{{placeholders}}`. */
  inputs: Record<string, string | null>;
}

export interface BackstageSettings {
  url: string;
  token: string;
  /** Catalog entity the verification belongs to; default `component:default/<service>`. */
  entityRef?: string;
}

export interface ActionInputs {
  /** Spec file, relative to the workspace. */
  spec?: string;
  inline: InlineSettings;
  onFailure: OnFailure;
  onInconclusive: OnInconclusive;
  rollback?: RollbackSettings;
  githubToken?: string;
  deploymentId?: number;
  backstage?: BackstageSettings;
  reportDir?: string;
  /**
   * Before waiting the verification window: check every provider's connectivity and credentials and run
   * every metric query once (as `vigil doctor` does).
   */
  preflight: boolean;
  /** Tells matrix legs of one job apart for the rollback's idempotency key (`${{ toJSON(matrix) }}`). */
  matrixKey?: string;
  /**
   * The outcome of the previous verification of this service and environment, when the workflow knows it:
   * a pass after failed, inconclusive or could-not-verify is then notified as a recovery (docs/notifications.md).
   */
  previousOutcome?: Outcome;
}

/** Inputs that hold credentials: masked with `core.setSecret` before anything is logged. */
export const secretInputNames = [
  'github-token',
  'prometheus-token',
  'prometheus-password',
  'datadog-api-key',
  'datadog-app-key',
  'dynatrace-token',
  'backstage-token',
] as const;

/** The non-empty values of the credential inputs. */
export function secretInputValues(get: InputReader): string[] {
  const values = secretInputNames.map((n) => get(n).trim()).filter((v) => v.length > 0);
  // Webhook URLs in the notify input are credentials (a Slack or Teams URL is its own key): masked before
  // the input is even parsed, so not even an error about it can print one.
  for (const url of get('notify').match(/https?:\/\/[^\s"'{},\]]+/g) ?? [])
    values.push(...secretsOfUrl(url).values());
  return values;
}

/** Reads and validates every input. Throws `ActionInputError` naming the first bad input. */
export function readInputs(get: InputReader): ActionInputs {
  const text = (name: string): string | undefined => {
    const v = get(name).trim();
    return v.length > 0 ? v : undefined;
  };
  const spec = text('spec');
  const provider = oneOf(text('provider'), 'provider', ['prometheus', 'datadog', 'dynatrace'] as const);
  const metrics = parseMetrics(text('metrics'));
  const notify = parseNotify(text('notify'));
  const presets = parsePresets(text('preset'));
  const inline: InlineSettings = {
    ...opt('service', text('service')),
    ...opt('version', text('version')),
    ...opt('environment', text('environment')),
    ...opt('provider', provider),
    prometheus: {
      ...opt('url', text('prometheus-url')),
      ...opt('token', text('prometheus-token')),
      ...opt('username', text('prometheus-username')),
      ...opt('password', text('prometheus-password')),
    },
    datadog: {
      ...opt('site', text('datadog-site')),
      ...opt('apiKey', text('datadog-api-key')),
      ...opt('appKey', text('datadog-app-key')),
    },
    dynatrace: {
      ...opt('url', text('dynatrace-url')),
      ...opt('token', text('dynatrace-token')),
      ...opt('entitySelector', text('dynatrace-entity-selector')),
    },
    ...opt('metrics', metrics),
    ...opt('notify', notify),
    ...opt('presets', presets),
    ...opt('logsQuery', text('logs-query')),
    ...opt('strategy', text('strategy')),
    ...opt('instanceLabel', text('instance-label')),
    ...opt('baselinePattern', text('baseline-pattern')),
    ...opt('canaryPattern', text('canary-pattern')),
    ...opt('deployedAt', deployedAt(text('deployed-at'))),
    ...opt('duration', text('duration')),
    ...opt('interval', text('interval')),
    ...opt('initialDelay', text('initial-delay')),
    ...opt('sensitivity', text('sensitivity')),
    ...opt('maxConsecutiveErrors', positiveInt(text('max-consecutive-errors'), 'max-consecutive-errors')),
  };
  checkSpecSource(spec, inline);

  const onFailure = oneOf(text('on-failure'), 'on-failure', ['fail', 'rollback', 'warn'] as const) ?? 'fail';
  const onInconclusive =
    oneOf(text('on-inconclusive'), 'on-inconclusive', ['fail', 'rollback', 'warn', 'pass'] as const) ??
    'fail';
  const githubToken = text('github-token');
  const workflow = text('rollback-workflow');
  const rollbackInputs = parseRollbackInputs(text('rollback-inputs'));
  const wantsRollback = onFailure === 'rollback' || onInconclusive === 'rollback';
  if (wantsRollback && !workflow) {
    const which = onFailure === 'rollback' ? 'on-failure' : 'on-inconclusive';
    throw new ActionInputError(
      'rollback-workflow',
      `is required when ${which} is "rollback": give the file name of the workflow to dispatch, e.g. rollback.yml`,
    );
  }
  if (!wantsRollback && (workflow || text('rollback-ref') || text('rollback-inputs'))) {
    const set = workflow ? 'rollback-workflow' : text('rollback-ref') ? 'rollback-ref' : 'rollback-inputs';
    throw new ActionInputError(
      set,
      'is set but nothing dispatches a rollback: set on-failure (or on-inconclusive) to "rollback", or remove it',
    );
  }
  const deploymentId = positiveInt(text('deployment-id'), 'deployment-id');
  const previousOutcome = text('previous-outcome');
  if (previousOutcome && !(OUTCOMES as readonly string[]).includes(previousOutcome)) {
    throw new ActionInputError(
      'previous-outcome',
      `must be one of ${OUTCOMES.join(', ')} (the outcome output of the previous run), or empty when unknown; got "${previousOutcome}"`,
    );
  }
  if ((wantsRollback || deploymentId !== undefined) && !githubToken) {
    throw new ActionInputError(
      'github-token',
      `is required to ${wantsRollback ? 'dispatch the rollback' : 'set the deployment status'}: pass \${{ github.token }} (the default)`,
    );
  }

  const backstageUrl = text('backstage-url');
  const backstageToken = text('backstage-token');
  if (Boolean(backstageUrl) !== Boolean(backstageToken)) {
    throw new ActionInputError(
      backstageUrl ? 'backstage-token' : 'backstage-url',
      'is required with the other: set both backstage-url and backstage-token, or neither',
    );
  }
  if (backstageUrl && !/^https?:\/\/[^/\s]+/.test(backstageUrl)) {
    throw new ActionInputError(
      'backstage-url',
      `must be an http(s) URL such as https://backstage.example.com`,
    );
  }
  const entityRef = text('backstage-entity-ref');
  if (entityRef && !/^([^:/]+):(?:([^:/]+)\/)?([^:/]+)$/.test(entityRef)) {
    throw new ActionInputError(
      'backstage-entity-ref',
      `must be an entity ref such as component:default/checkout`,
    );
  }

  return {
    ...opt('spec', spec),
    inline,
    onFailure,
    onInconclusive,
    ...(wantsRollback
      ? { rollback: { workflow: workflow!, ...opt('ref', text('rollback-ref')), inputs: rollbackInputs } }
      : {}),
    ...opt('githubToken', githubToken),
    ...opt('deploymentId', deploymentId),
    ...(backstageUrl && backstageToken
      ? {
          backstage: {
            url: backstageUrl.replace(/\/+$/, ''),
            token: backstageToken,
            ...opt('entityRef', entityRef),
          },
        }
      : {}),
    ...opt('reportDir', text('report-dir')),
    preflight: bool(text('preflight'), 'preflight') ?? true,
    ...opt('matrixKey', text('matrix-key')),
    ...(previousOutcome ? { previousOutcome: previousOutcome as Outcome } : {}),
  };
}

/**
 * The environment that `${env:NAME}` in a spec file reads: the step's environment plus the credential
 * inputs under the names the spec docs use, so a spec file can stay free of secrets.
 */
export function specEnv(
  inline: InlineSettings,
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return {
    ...env,
    ...opt('PROMETHEUS_TOKEN', inline.prometheus.token),
    ...opt('PROMETHEUS_PASSWORD', inline.prometheus.password),
    ...opt('DD_API_KEY', inline.datadog.apiKey),
    ...opt('DD_APP_KEY', inline.datadog.appKey),
    ...opt('DT_API_TOKEN', inline.dynatrace.token),
  };
}

/** Inputs that define a whole spec rather than override one: they cannot be combined with a spec file. */
const wholeSpecInputs = ['provider', 'metrics', 'preset', 'logs-query'] as const;

function checkSpecSource(spec: string | undefined, inline: InlineSettings): void {
  if (spec) {
    const given = {
      provider: inline.provider !== undefined,
      metrics: inline.metrics !== undefined,
      preset: inline.presets !== undefined,
      'logs-query': inline.logsQuery !== undefined,
    };
    const clash = wholeSpecInputs.find((n) => given[n]);
    if (clash) {
      throw new ActionInputError(
        clash,
        `cannot be combined with "spec": define it in the spec file, or drop "spec" and describe the verification with inputs`,
      );
    }
    return;
  }
  if (!inline.service) {
    throw new ActionInputError('service', 'is required without "spec": name the service to verify');
  }
  if (!inline.provider) {
    throw new ActionInputError(
      'provider',
      'is required without "spec": one of prometheus, datadog, dynatrace (or give a spec file in "spec")',
    );
  }
  if (!inline.metrics && !inline.presets && !inline.logsQuery) {
    throw new ActionInputError(
      'metrics',
      'is required without "spec" (or "preset" or "logs-query"): list the metrics to verify',
    );
  }
  switch (inline.provider) {
    case 'prometheus':
      if (!inline.prometheus.url)
        throw new ActionInputError('prometheus-url', 'is required with provider prometheus');
      if (Boolean(inline.prometheus.username) !== Boolean(inline.prometheus.password)) {
        throw new ActionInputError(
          inline.prometheus.username ? 'prometheus-password' : 'prometheus-username',
          'is required with the other for basic auth',
        );
      }
      if (inline.prometheus.token && inline.prometheus.username) {
        throw new ActionInputError(
          'prometheus-token',
          'cannot be combined with prometheus-username: choose bearer or basic auth',
        );
      }
      break;
    case 'datadog':
      if (!inline.datadog.apiKey)
        throw new ActionInputError('datadog-api-key', 'is required with provider datadog (pass a secret)');
      if (!inline.datadog.appKey)
        throw new ActionInputError('datadog-app-key', 'is required with provider datadog (pass a secret)');
      break;
    case 'dynatrace':
      if (!inline.dynatrace.url)
        throw new ActionInputError('dynatrace-url', 'is required with provider dynatrace');
      if (!inline.dynatrace.token)
        throw new ActionInputError('dynatrace-token', 'is required with provider dynatrace (pass a secret)');
      break;
  }
}

/**
 * `preset` is a list of preset names separated by commas or spaces, each optionally with a Prometheus naming
 * after a colon: `http-red`, `http-red:prometheus, use`. The names are checked with the spec (an unknown one
 * lists the known presets).
 */
function parsePresets(text: string | undefined): { preset: string; naming?: string }[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((word) => {
      const [preset, naming, extra] = word.split(':');
      if (!preset || extra !== undefined || naming === '')
        throw new ActionInputError(
          'preset',
          `"${word}" is not a preset; write e.g. "http-red" or "http-red:prometheus"`,
        );
      return { preset, ...(naming !== undefined ? { naming } : {}) };
    });
}

/**
 * `metrics` is YAML: a list of metric specs (as under `metrics:` in a spec file), or a mapping from the
 * metric's name to its query (or to the rest of its spec).
 */
function parseMetrics(text: string | undefined): Record<string, unknown>[] | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    throw new ActionInputError('metrics', `is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const shape =
    'must be a YAML list of metrics (- name: ..., query: ...) or a mapping from metric name to query';
  if (Array.isArray(value)) {
    return value.map((m, i) => {
      if (!isObject(m)) throw new ActionInputError('metrics', `item ${i + 1} is not a mapping: ${shape}`);
      return m;
    });
  }
  if (isObject(value)) {
    return Object.entries(value).map(([name, v]) => {
      if (typeof v === 'string') return { name, query: v };
      if (isObject(v)) return { name, ...v };
      throw new ActionInputError('metrics', `"${name}" must map to a query string or to a mapping: ${shape}`);
    });
  }
  throw new ActionInputError('metrics', shape);
}

/** The `notify` input: a YAML list of targets. Its parse error names the line, never the text (URLs are secrets). */
function parseNotify(text: string | undefined): Record<string, unknown>[] | undefined {
  if (text === undefined) return undefined;
  const shape =
    'must be a YAML list of targets, e.g. - { type: slack, url: "${{ secrets.SLACK_WEBHOOK_URL }}" }';
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new ActionInputError('notify', `is not valid YAML${line ? ` (line ${line})` : ''}: ${shape}`);
  }
  if (!Array.isArray(value)) throw new ActionInputError('notify', shape);
  return value.map((t, i) => {
    if (!isObject(t)) throw new ActionInputError('notify', `item ${i + 1} is not a mapping: ${shape}`);
    return t;
  });
}

function parseRollbackInputs(text: string | undefined): Record<string, string | null> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ActionInputError('rollback-inputs', `is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(value)) {
    throw new ActionInputError(
      'rollback-inputs',
      'must be a JSON object such as {"environment": "production"}',
    );
  }
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) out[k] = null;
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else
      throw new ActionInputError(
        'rollback-inputs',
        `"${k}" must be a string, number, boolean or null (workflow inputs are strings)`,
      );
  }
  return out;
}

function oneOf<T extends string>(v: string | undefined, input: string, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new ActionInputError(input, `must be one of ${allowed.join(', ')} (got "${v}")`);
}

function positiveInt(v: string | undefined, input: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) <= 0 || !Number.isSafeInteger(Number(v))) {
    throw new ActionInputError(input, `must be a positive integer (got "${v}")`);
  }
  return Number(v);
}

/** The YAML 1.2 core booleans, as `core.getBooleanInput` accepts them. */
function bool(v: string | undefined, input: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  throw new ActionInputError(input, `must be true or false (got "${v}")`);
}

function deployedAt(v: string | undefined): string | number | undefined {
  if (v === undefined) return undefined;
  return /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
