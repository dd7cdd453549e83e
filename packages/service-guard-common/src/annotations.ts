/**
 * Entity annotations Service Guard reads. Only `vigil.dev/service-guard` is Vigil's own; the others are the
 * ecosystem's, reused where their meaning matches (the Datadog and Dynatrace integrations and Backstage's
 * Prometheus plugin already ask catalog authors for them).
 */

/** Opts an entity in; the value names a profile of `serviceGuard.profiles` in app-config. */
export const ANNOTATION_SERVICE_GUARD = 'vigil.dev/service-guard';

/**
 * Prefix of free template variables: `vigil.dev/var.cluster: eu-1` gives queries `{{cluster}}`. Values are
 * escaped by the provider like every other variable.
 */
export const ANNOTATION_VAR_PREFIX = 'vigil.dev/var.';

/** Prometheus service name (Backstage's Prometheus plugin); `{{service}}` for Prometheus profiles. */
export const ANNOTATION_PROMETHEUS_SERVICE = 'prometheus.io/service-name';

/** Datadog service name (Datadog's Backstage integration); `{{service}}` for Datadog profiles. */
export const ANNOTATION_DATADOG_SERVICE = 'datadoghq.com/service-name';

/** Dynatrace entity id, e.g. `SERVICE-ABC123` (Dynatrace's Backstage plugin); `{{dynatraceEntityId}}`. */
export const ANNOTATION_DYNATRACE_ENTITY_ID = 'dynatrace.com/dynatrace-entity-id';

/** Whether an entity has opted in (for the frontend's `EntitySwitch` / entity content filter). */
export function isServiceGuardAvailable(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  return Boolean(entity.metadata.annotations?.[ANNOTATION_SERVICE_GUARD]?.trim());
}
