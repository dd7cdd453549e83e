import { createPermission } from '@backstage/plugin-permission-common';

/** Marking a log cluster of an entity (not a risk, medium, high): changes how later runs score it. */
export const serviceGuardFeedbackCreatePermission = createPermission({
  name: 'service-guard.feedback.create',
  attributes: { action: 'create' },
});

/** Starting a Service Guard run now instead of waiting for the schedule. */
export const serviceGuardRunTriggerPermission = createPermission({
  name: 'service-guard.run.trigger',
  attributes: { action: 'update' },
});

/** Every permission of the plugin, for registration with the permission framework. */
export const serviceGuardPermissions = [
  serviceGuardFeedbackCreatePermission,
  serviceGuardRunTriggerPermission,
];
