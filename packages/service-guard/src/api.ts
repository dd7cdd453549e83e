import { createApiRef } from '@backstage/frontend-plugin-api';
import type { ServiceGuardApi } from '@vigil/backstage-plugin-service-guard-common';

/**
 * The Service Guard client as a Backstage utility API. Both frontend systems resolve APIs by id, so the
 * legacy plugin and the new-system plugin share this one ref.
 */
export const serviceGuardApiRef = createApiRef<ServiceGuardApi>().with({
  id: 'plugin.service-guard.api',
  pluginId: 'service-guard',
});
