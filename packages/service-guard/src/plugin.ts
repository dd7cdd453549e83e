/** The plugin for apps on Backstage's legacy frontend system. */
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ServiceGuardClient } from '@vigil/backstage-plugin-service-guard-common';
import { serviceGuardApiRef } from './api.ts';

/** The route of the entity tab (`<EntityLayout.Route path="/service-guard">`). */
export const rootRouteRef = createRouteRef({ id: 'service-guard' });

/** Service Guard for the legacy frontend system; the client is wired to discovery and the user's fetch. */
export const serviceGuardPlugin = createPlugin({
  id: 'service-guard',
  apis: [
    createApiFactory({
      api: serviceGuardApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ServiceGuardClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** The "Service Guard" entity tab: `<EntityLayout.Route path="/service-guard" title="Service Guard">`. */
export const EntityServiceGuardContent = serviceGuardPlugin.provide(
  createRoutableExtension({
    name: 'EntityServiceGuardContent',
    component: () => import('./components/ServiceGuardContent.tsx').then((m) => m.ServiceGuardContent),
    mountPoint: rootRouteRef,
  }),
);

/** The overview card: health badge and the last deployment verification. */
export const EntityServiceGuardCard = serviceGuardPlugin.provide(
  createComponentExtension({
    name: 'EntityServiceGuardCard',
    component: {
      lazy: () => import('./components/ServiceGuardCard.tsx').then((m) => m.ServiceGuardCard),
    },
  }),
);
