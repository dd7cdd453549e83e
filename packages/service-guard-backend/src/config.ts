/**
 * Reads `serviceGuard` from app-config into typed settings. Called at the start of every run and request
 * that needs it, so a changed config (rotated credentials) takes effect without a restart. Errors name the
 * key at fault.
 */
import type { Config } from '@backstage/config';
import { ConfigReader, readDurationFromConfig } from '@backstage/config';
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { readSchedulerServiceTaskScheduleDefinitionFromConfig } from '@backstage/backend-plugin-api';
import { durationToMilliseconds, type JsonObject } from '@backstage/types';
import {
  EVIDENCE_POLICIES,
  parseUnit,
  SENSITIVITIES,
  UserError,
  unknownUnitMessage,
  validateProviderSpec,
} from '@vigil/core';
import type { ProviderConfig } from '@vigil/providers';
import type {
  MetricDirection,
  MetricKind,
  ProblemsPolicy,
  Sensitivity,
} from '@vigil/backstage-plugin-service-guard-common';

/** A metric of a profile. */
export interface MetricSettings {
  name: string;
  query: string;
  kind: MetricKind;
  direction: MetricDirection;
  sensitivity: Sensitivity;
  weight: number;
  critical: boolean;
  unit?: string;
}

/** The log part of a profile. */
export interface LogSettings {
  provider: string;
  query: string;
  instanceField?: string;
  historyMs: number;
  limit: number;
  sensitivity: Sensitivity;
}

/** What an opted-in entity is watched with. */
export interface ProfileSettings {
  name: string;
  provider: string;
  instanceLabel: string;
  stepMs: number;
  metrics: MetricSettings[];
  logs?: LogSettings;
  /**
   * What alerts the profile's providers raised on the entity during the period (Dynatrace problems, Datadog
   * monitors in alert) do to its health: `warn` (default) shows them beside it, `fail` makes the period
   * unhealthy, `ignore` does not read them. The same values as a spec's `policy.evidence`.
   */
  evidence: ProblemsPolicy;
}

export interface ScheduleSettings {
  /** Passed to the scheduler as is. */
  definition: SchedulerServiceTaskScheduleDefinition;
  shards: number;
  periodMs: number;
  historyMs: number;
  concurrency: number;
  /**
   * How long a replica's claim on an entity holds without renewal; the replica renews it while it works,
   * so only a replica that died loses its claims, and others take them over after this long.
   */
  leaseMs: number;
}

export interface RetentionSettings {
  snapshotsMs: number;
  verificationsMs: number;
  frequencyMs: number;
}

export interface ServiceGuardSettings {
  providers: Map<string, ProviderConfig>;
  profiles: Map<string, ProfileSettings>;
  schedule: ScheduleSettings;
  retention: RetentionSettings;
}

/** A mistake in the `serviceGuard` config (a user error, core's UserError); the message names the key. */
export class ServiceGuardConfigError extends UserError {
  override name = 'ServiceGuardConfigError';
}

const KINDS: MetricKind[] = ['error', 'latency', 'throughput', 'resource', 'other'];
const DIRECTIONS: MetricDirection[] = ['higher-is-worse', 'lower-is-worse', 'both'];

function oneOf<T extends string>(c: Config, key: string, allowed: readonly T[], path: string, def: T): T {
  const v = c.getOptionalString(key);
  if (v === undefined) return def;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new ServiceGuardConfigError(`${path}.${key} is "${v}"; use one of ${allowed.join(', ')}`);
  }
  return v as T;
}

function durationMs(c: Config, key: string, path: string, def: number): number {
  if (!c.has(key)) return def;
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(c, { key }));
  } catch (e) {
    throw new ServiceGuardConfigError(
      `${path}.${key} is not a duration (${(e as Error).message}); write e.g. { minutes: 5 } or "PT5M"`,
    );
  }
  if (!(ms > 0)) throw new ServiceGuardConfigError(`${path}.${key} must be longer than zero`);
  return ms;
}

function positiveInt(c: Config, key: string, path: string, def: number): number {
  const v = c.getOptionalNumber(key);
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < 1)
    throw new ServiceGuardConfigError(`${path}.${key} must be a whole number >= 1`);
  return v;
}

/**
 * Where a provider sends its requests (and its credentials) is fixed by the admin: in `url` / `baseUrl` the
 * scheme, host and port are written out, and templates such as `{{service}}`, which entity annotations
 * fill, may appear only in the path and query.
 */
function checkFixedOrigin(url: string, path: string): void {
  const m = /^([^:/?#]*):\/\/([^/?#]*)/.exec(url);
  const example = 'e.g. https://apm.example.com:8443/api/{{service}}/series?from={{startSeconds}}';
  if (!m) throw new ServiceGuardConfigError(`${path} must be an absolute http(s) URL, ${example}`);
  const [, scheme, authority] = m;
  if (`${scheme}${authority}`.includes('{{')) {
    throw new ServiceGuardConfigError(
      `${path}: the scheme, host and port must be written out, not templated, so that an ` +
        `entity annotation cannot choose where requests and credentials go; templates may fill only the path and query (${example})`,
    );
  }
  if (!/^https?$/i.test(scheme!))
    throw new ServiceGuardConfigError(`${path} must use http or https, not ${scheme}`);
  try {
    new URL(url.replace(/\{\{[^}]*\}\}/g, 'x'));
  } catch {
    throw new ServiceGuardConfigError(`${path} is not a valid URL, ${example}`);
  }
}

/** A provider of app-config, validated with the spec's provider schema (the one a spec's `providers` use). */
function readProvider(name: string, c: Config): ProviderConfig {
  const path = `serviceGuard.providers.${name}`;
  const { provider, problems } = validateProviderSpec(c.get());
  if (problems) {
    // One line per problem, each naming its key; values are never repeated (a key may be a secret).
    throw new ServiceGuardConfigError(
      problems.map((p) => `${path}${p.path ? `.${p.path}` : ''}: ${p.message}`).join('\n'),
    );
  }
  if ('url' in provider) checkFixedOrigin(provider.url, `${path}.url`);
  if ('baseUrl' in provider && provider.baseUrl !== undefined)
    checkFixedOrigin(provider.baseUrl, `${path}.baseUrl`);
  return { ...provider, name };
}

function readMetric(c: Config, path: string, profileSensitivity: Sensitivity): MetricSettings {
  const m: MetricSettings = {
    name: c.getString('name'),
    query: c.getString('query'),
    kind: oneOf(c, 'kind', KINDS, path, 'other'),
    direction: oneOf(c, 'direction', DIRECTIONS, path, 'higher-is-worse'),
    sensitivity: oneOf(c, 'sensitivity', SENSITIVITIES, path, profileSensitivity),
    weight: c.getOptionalNumber('weight') ?? 1,
    critical: c.getOptionalBoolean('critical') ?? false,
  };
  if (!(m.weight >= 0)) throw new ServiceGuardConfigError(`${path}.weight must be >= 0`);
  const unit = c.getOptionalString('unit');
  if (unit !== undefined) {
    const parsed = parseUnit(unit);
    if (!parsed) throw new ServiceGuardConfigError(`${path}.unit: ${unknownUnitMessage(unit)}`);
    m.unit = parsed.symbol;
  }
  return m;
}

function readProfile(name: string, c: Config, providers: Map<string, ProviderConfig>): ProfileSettings {
  const path = `serviceGuard.profiles.${name}`;
  const provider = c.getString('provider');
  if (!providers.has(provider)) {
    throw new ServiceGuardConfigError(
      `${path}.provider names "${provider}", which is not in serviceGuard.providers (${[...providers.keys()].join(', ') || 'none configured'})`,
    );
  }
  const sensitivity = oneOf(c, 'sensitivity', SENSITIVITIES, path, 'medium');
  const metrics = c
    .getConfigArray('metrics')
    .map((m, i) => readMetric(m, `${path}.metrics[${i}]`, sensitivity));
  const seen = new Set<string>();
  metrics.forEach((m, i) => {
    if (seen.has(m.name))
      throw new ServiceGuardConfigError(`${path}.metrics[${i}].name "${m.name}" is used twice`);
    seen.add(m.name);
  });
  const profile: ProfileSettings = {
    name,
    provider,
    instanceLabel: c.getOptionalString('instanceLabel') ?? 'instance',
    stepMs: durationMs(c, 'step', path, 60_000),
    metrics,
    evidence: oneOf(c, 'evidence', EVIDENCE_POLICIES, path, 'warn'),
  };
  const logs = c.getOptionalConfig('logs');
  if (logs) {
    const logProvider = logs.getOptionalString('provider') ?? provider;
    if (!providers.has(logProvider)) {
      throw new ServiceGuardConfigError(
        `${path}.logs.provider names "${logProvider}", which is not configured`,
      );
    }
    profile.logs = {
      provider: logProvider,
      query: logs.getString('query'),
      historyMs: durationMs(logs, 'history', `${path}.logs`, 86_400_000),
      limit: positiveInt(logs, 'limit', `${path}.logs`, 10_000),
      sensitivity: oneOf(logs, 'sensitivity', SENSITIVITIES, `${path}.logs`, sensitivity),
    };
    const field = logs.getOptionalString('instanceField');
    if (field !== undefined) profile.logs.instanceField = field;
  }
  return profile;
}

function readSchedule(c: Config | undefined): ScheduleSettings {
  const path = 'serviceGuard.schedule';
  const data: Record<string, unknown> = { frequency: { minutes: 5 }, timeout: { minutes: 4 } };
  for (const key of ['frequency', 'timeout', 'initialDelay']) if (c?.has(key)) data[key] = c.get(key);
  let definition: SchedulerServiceTaskScheduleDefinition;
  try {
    definition = readSchedulerServiceTaskScheduleDefinitionFromConfig(
      new ConfigReader(data as JsonObject, 'serviceGuard.schedule'),
    );
  } catch (e) {
    throw new ServiceGuardConfigError(`${path}: ${(e as Error).message}`);
  }
  definition.scope = 'global';
  let frequencyMs: number | undefined;
  const f = definition.frequency;
  if (typeof f === 'string')
    frequencyMs = durationToMilliseconds(readDurationFromConfig(new ConfigReader({ f }), { key: 'f' }));
  else if (!('cron' in f) && !('trigger' in f)) frequencyMs = durationToMilliseconds(f);
  const periodMs = c ? durationMs(c, 'period', path, frequencyMs ?? 0) : (frequencyMs ?? 0);
  if (!(periodMs > 0)) {
    throw new ServiceGuardConfigError(
      `${path}.period is required when the frequency is a cron or a manual trigger`,
    );
  }
  return {
    definition,
    shards: c ? positiveInt(c, 'shards', path, 1) : 1,
    periodMs,
    historyMs: c ? durationMs(c, 'history', path, 7 * 86_400_000) : 7 * 86_400_000,
    concurrency: c ? positiveInt(c, 'concurrency', path, 4) : 4,
    leaseMs: c ? durationMs(c, 'lease', path, 60_000) : 60_000,
  };
}

/** Reads and checks the whole `serviceGuard` section. */
export function readServiceGuardConfig(root: Config): ServiceGuardSettings {
  const sg = root.getOptionalConfig('serviceGuard');
  const providers = new Map<string, ProviderConfig>();
  const pc = sg?.getOptionalConfig('providers');
  for (const name of pc?.keys() ?? []) providers.set(name, readProvider(name, pc!.getConfig(name)));
  const profiles = new Map<string, ProfileSettings>();
  const prc = sg?.getOptionalConfig('profiles');
  for (const name of prc?.keys() ?? [])
    profiles.set(name, readProfile(name, prc!.getConfig(name), providers));
  const r = sg?.getOptionalConfig('retention');
  const path = 'serviceGuard.retention';
  return {
    providers,
    profiles,
    schedule: readSchedule(sg?.getOptionalConfig('schedule')),
    retention: {
      snapshotsMs: r ? durationMs(r, 'snapshots', path, 30 * 86_400_000) : 30 * 86_400_000,
      verificationsMs: r ? durationMs(r, 'verifications', path, 180 * 86_400_000) : 180 * 86_400_000,
      frequencyMs: r ? durationMs(r, 'frequency', path, 6 * 3_600_000) : 6 * 3_600_000,
    },
  };
}
