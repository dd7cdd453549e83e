import { createPermission } from '@backstage/plugin-permission-common';

/** Marking a log cluster of an entity (not a risk, medium, high): changes how later runs score it. */
export const serviceGuardFeedbackCreatePermission = createPermission({
  name: 'service-guard.feedback.create',
  attributes: { action: 'create' },
});

/**
 * The catalog's resource type (`RESOURCE_TYPE_CATALOG_ENTITY` of `@backstage/plugin-catalog-common`), spelled
 * out so that this package needs only the permission framework.
 */
export const CATALOG_ENTITY_RESOURCE_TYPE = 'catalog-entity';

/**
 * Starting a Service Guard run now instead of waiting for the schedule. A resource permission on catalog
 * entities: a policy may allow it for some entities only, with the catalog's conditions (e.g.
 * `catalogConditions.isEntityOwner` for the entity's owners). Starting every entity at once (`POST /run`
 * without `entityRef`) needs it allowed outright.
 */
export const serviceGuardRunTriggerPermission = createPermission({
  name: 'service-guard.run.trigger',
  attributes: { action: 'update' },
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
});

/** Every permission of the plugin, for registration with the permission framework. */
export const serviceGuardPermissions = [
  serviceGuardFeedbackCreatePermission,
  serviceGuardRunTriggerPermission,
];
