import type { Entity } from '@backstage/catalog-model';
import { ANNOTATION_SERVICE_GUARD } from '@vigil/backstage-plugin-service-guard-common';

/**
 * Whether the entity opted in to Service Guard (`vigil.dev/service-guard: <profile>`); for `EntitySwitch`
 * in apps on the legacy frontend system, and the filter of the tab and card in the new one.
 */
export function isServiceGuardAvailable(entity: Entity): boolean {
  const value = entity.metadata.annotations?.[ANNOTATION_SERVICE_GUARD];
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * Whether the entity gets the "Service Guard" tab in the new frontend system: opted-in entities, and every
 * Component, whose tab then tells how to opt in (the annotation to add). Other kinds (groups, users, APIs,
 * ...) get no tab; the overview card stays on opted-in entities only, so overviews stay quiet.
 */
export function isServiceGuardTabAvailable(entity: Entity): boolean {
  return isServiceGuardAvailable(entity) || entity.kind.toLowerCase() === 'component';
}
