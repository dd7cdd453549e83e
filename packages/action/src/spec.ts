/**
 * The verification spec the Action runs: a spec file with input overrides, or a spec built from inputs alone.
 * Spec problems are reported with the input that caused them, so a workflow author knows what to change.
 */
import { dirname, resolve } from 'node:path';
import { InputError, keepEnvSecrets, type Spec, SpecError, UserError, validateSpec } from '@vigil/core';
import { loadSpecFile, PathError } from '@vigil/runtime';
import type { InlineSettings } from './inputs.ts';

export interface ResolvedSpec {
  spec: Spec;
  /** Folder that relative paths in the spec resolve against. */
  specDir: string;
}

/**
 * Loads `specPath` (relative to `workspace`) and applies the inline overrides, or builds the spec from the
 * inline settings alone. Throws a UserError listing every problem, each named by its input (or spec field).
 */
export async function resolveSpec(
  specPath: string | undefined,
  inline: InlineSettings,
  options: { workspace: string; env: Record<string, string | undefined> },
): Promise<ResolvedSpec> {
  if (specPath) {
    const path = resolve(options.workspace, specPath);
    let base: Spec;
    try {
      base = await loadSpecFile(path, options.env);
    } catch (e) {
      if (e instanceof PathError) throw new InputError(`input "spec": ${e.message}`);
      throw e;
    }
    const merged = applyOverrides(base as unknown as Record<string, unknown>, inline);
    return {
      // The file's values from the environment stay secrets in the merged spec (see core's secrets.ts).
      spec: keepEnvSecrets(
        base,
        validate(merged, `${specPath} with the action's inputs`, options.env, inline, true),
      ),
      specDir: dirname(path),
    };
  }
  return {
    spec: validate(inlineSpec(inline), "the action's inputs", options.env, inline, false),
    specDir: options.workspace,
  };
}

/** A spec object (unvalidated) from inputs alone. */
export function inlineSpec(inline: InlineSettings): Record<string, unknown> {
  const type = inline.provider ?? 'prometheus';
  return applyOverrides(
    {
      apiVersion: 'vigil/v1',
      service: inline.service,
      providers: { [type]: providerConfig(inline) },
      metrics: [...(inline.presets ?? []), ...(inline.metrics ?? [])],
      ...(inline.logsQuery ? { logs: { query: inline.logsQuery } } : {}),
    },
    inline,
  );
}

function providerConfig(inline: InlineSettings): Record<string, unknown> {
  switch (inline.provider ?? 'prometheus') {
    case 'prometheus': {
      const p = inline.prometheus;
      const auth = p.token
        ? { type: 'bearer', token: p.token }
        : p.username
          ? { type: 'basic', username: p.username, password: p.password }
          : undefined;
      return { type: 'prometheus', url: p.url, ...(auth ? { auth } : {}) };
    }
    case 'datadog': {
      const d = inline.datadog;
      return { type: 'datadog', ...(d.site ? { site: d.site } : {}), apiKey: d.apiKey, appKey: d.appKey };
    }
    case 'dynatrace': {
      const d = inline.dynatrace;
      return {
        type: 'dynatrace',
        url: d.url,
        token: d.token,
        ...(d.entitySelector ? { entitySelector: d.entitySelector } : {}),
      };
    }
  }
}

/** The overridable fields; absent inputs leave the spec's value. */
function applyOverrides(base: Record<string, unknown>, inline: InlineSettings): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  const set = (key: string, v: unknown) => {
    if (v !== undefined) out[key] = v;
  };
  set('service', inline.service);
  set('version', inline.version);
  set('environment', inline.environment);
  set('duration', inline.duration);
  set('interval', inline.interval);
  set('initialDelay', inline.initialDelay);
  set('sensitivity', inline.sensitivity);
  set('notify', inline.notify);
  if (inline.maxConsecutiveErrors !== undefined)
    out.policy = {
      ...((base.policy as Record<string, unknown>) ?? {}),
      maxConsecutiveErrors: inline.maxConsecutiveErrors,
    };
  const strategy: Record<string, unknown> = { ...((base.strategy as Record<string, unknown>) ?? {}) };
  const setS = (key: string, v: unknown) => {
    if (v !== undefined) strategy[key] = v;
  };
  setS('type', inline.strategy);
  setS('instanceLabel', inline.instanceLabel);
  setS('deployedAt', inline.deployedAt);
  if (inline.baselinePattern !== undefined) strategy.baseline = { pattern: inline.baselinePattern };
  if (inline.canaryPattern !== undefined) strategy.canary = { pattern: inline.canaryPattern };
  if (Object.keys(strategy).length > 0) out.strategy = strategy;
  return out;
}

/** Spec field paths and the inputs that set them, most specific first. */
const inputOfPath: [RegExp, string][] = [
  [/^providers\.prometheus\.url/, 'prometheus-url'],
  [/^providers\.dynatrace\.url/, 'dynatrace-url'],
  [/^providers\.[^.]+\.auth/, 'prometheus-token / prometheus-username / prometheus-password'],
  [/^providers\.[^.]+\.site/, 'datadog-site'],
  [/^providers\.[^.]+\.apiKey/, 'datadog-api-key'],
  [/^providers\.[^.]+\.appKey/, 'datadog-app-key'],
  [/^providers\.[^.]+\.token/, 'dynatrace-token'],
  [/^providers\.[^.]+\.entitySelector/, 'dynatrace-entity-selector'],
  // Preset entries come first among the metrics; their problems name the preset or its naming.
  [/^metrics\[\d+\]\.(preset|naming)\b/, 'preset'],
  [/^metrics/, 'metrics'],
  [/^logs/, 'logs-query'],
  [/^notify/, 'notify'],
  [/^strategy\.type/, 'strategy'],
  [/^strategy\.instanceLabel/, 'instance-label'],
  [/^strategy\.baseline/, 'baseline-pattern'],
  [/^strategy\.canary/, 'canary-pattern'],
  [/^strategy\.deployedAt/, 'deployed-at'],
  [/^initialDelay/, 'initial-delay'],
  [/^(service|version|environment|duration|interval|sensitivity)\b/, ''],
];

/**
 * The input a spec problem came from. With a spec file, only fields that an input overrides are blamed on
 * the input; the rest are the file's.
 */
export function inputForPath(path: string, inline: InlineSettings, fromFile: boolean): string | undefined {
  for (const [re, input] of inputOfPath) {
    if (!re.test(path)) continue;
    const name = input || path.split(/[.[]/)[0]!;
    if (!fromFile) return name;
    const overridden: Record<string, unknown> = {
      service: inline.service,
      version: inline.version,
      environment: inline.environment,
      duration: inline.duration,
      interval: inline.interval,
      sensitivity: inline.sensitivity,
      'initial-delay': inline.initialDelay,
      strategy: inline.strategy,
      'instance-label': inline.instanceLabel,
      'baseline-pattern': inline.baselinePattern,
      'canary-pattern': inline.canaryPattern,
      'deployed-at': inline.deployedAt,
      notify: inline.notify,
    };
    return overridden[name] !== undefined ? name : undefined;
  }
  return undefined;
}

function validate(
  raw: Record<string, unknown>,
  source: string,
  env: Record<string, string | undefined>,
  inline: InlineSettings,
  fromFile: boolean,
): Spec {
  try {
    return validateSpec(raw, { source, env });
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    const lines = e.problems.map((p) => {
      const field = p.path || '(top level)';
      const input = inputForPath(p.path, inline, fromFile);
      return input ? `  - input "${input}" (${field}): ${p.message}` : `  - ${field}: ${p.message}`;
    });
    throw new UserError(`${source} do not make a valid Vigil spec:\n${lines.join('\n')}`);
  }
}
