/**
 * Turns a catalog entity into what a run needs: its profile and the template variables its queries may use.
 * Annotation values are checked here only for shape (length, control characters); they reach queries
 * solely as template variables, which the provider escapes for its query language.
 */
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_DATADOG_SERVICE,
  ANNOTATION_DYNATRACE_ENTITY_ID,
  ANNOTATION_PROMETHEUS_SERVICE,
  ANNOTATION_SERVICE_GUARD,
  ANNOTATION_VAR_PREFIX,
} from '@vigil/backstage-plugin-service-guard-common';
import type { TemplateVars } from '@vigil/providers';
import type { ProfileSettings } from './config.ts';

/** An entity ready to analyse, or the reason it cannot be. */
export type EntityTarget =
  | { ok: true; entityRef: string; profile: ProfileSettings; vars: TemplateVars }
  | { ok: false; entityRef: string; profileName: string | null; reason: string };

/** Longest annotation value accepted: entity ids and service names are short; a query is not. */
const MAX_VALUE = 256;

function checkValue(key: string, value: string): string | null {
  if (value.trim() === '') return `annotation ${key} is empty`;
  if (value.length > MAX_VALUE)
    return `annotation ${key} is ${value.length} characters long (at most ${MAX_VALUE})`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is rejected
  if (/[\u0000-\u001f\u007f]/.test(value))
    return `annotation ${key} contains a control character or line break`;
  return null;
}

/** Resolves the profile and variables of an entity that carries `vigil.dev/service-guard`. */
export function entityTarget(
  entity: Entity,
  profiles: ReadonlyMap<string, ProfileSettings>,
  providerTypeOf: (providerName: string) => string | undefined,
): EntityTarget {
  // Refs compare case-insensitively in the catalog; stored lower-case so every path finds the same rows.
  const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const annotations = entity.metadata.annotations ?? {};
  const profileName = annotations[ANNOTATION_SERVICE_GUARD]?.trim() ?? '';
  const fail = (reason: string, name: string | null = profileName || null): EntityTarget => ({
    ok: false,
    entityRef,
    profileName: name,
    reason,
  });
  if (profileName === '')
    return fail(`annotation ${ANNOTATION_SERVICE_GUARD} is empty; set it to a profile name`);
  const profile = profiles.get(profileName);
  if (!profile) {
    return fail(
      `annotation ${ANNOTATION_SERVICE_GUARD} names profile "${profileName}", which is not configured ` +
        `(serviceGuard.profiles has: ${[...profiles.keys()].join(', ') || 'none'})`,
      null,
    );
  }
  const vars: TemplateVars = {
    name: entity.metadata.name,
    namespace: entity.metadata.namespace ?? 'default',
    kind: entity.kind.toLocaleLowerCase('en-US'),
    ref: entityRef,
  };
  const serviceKey =
    providerTypeOf(profile.provider) === 'datadog'
      ? ANNOTATION_DATADOG_SERVICE
      : ANNOTATION_PROMETHEUS_SERVICE;
  const toCheck: [string, string, string][] = [];
  const service = annotations[serviceKey];
  if (service !== undefined) toCheck.push([serviceKey, service, 'service']);
  const dt = annotations[ANNOTATION_DYNATRACE_ENTITY_ID];
  if (dt !== undefined) toCheck.push([ANNOTATION_DYNATRACE_ENTITY_ID, dt, 'dynatraceEntityId']);
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(ANNOTATION_VAR_PREFIX)) continue;
    const name = key.slice(ANNOTATION_VAR_PREFIX.length);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      return fail(
        `annotation ${key}: "${name}" is not a variable name (letters, digits, _; not first a digit)`,
      );
    }
    if (name in vars) return fail(`annotation ${key} would override the built-in variable {{${name}}}`);
    toCheck.push([key, value, name]);
  }
  for (const [key, value, name] of toCheck) {
    const problem = checkValue(key, value);
    if (problem) return fail(problem);
    vars[name] = value;
  }
  // Datadog's and Prometheus' conventions: without the annotation the service is the entity's name.
  vars.service ??= entity.metadata.name;
  if (dt === undefined && profile.metrics.some((m) => m.query.includes('dynatraceEntityId'))) {
    return fail(
      `annotation ${ANNOTATION_DYNATRACE_ENTITY_ID} is missing; profile "${profile.name}" needs it`,
    );
  }
  return { ok: true, entityRef, profile, vars };
}
