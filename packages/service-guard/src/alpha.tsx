/**
 * Service Guard for Backstage's new frontend system: `import serviceGuardPlugin from
 * '@vigil/backstage-plugin-service-guard/alpha'` and add it to the app's features (or let feature discovery
 * find it). It adds an entity content tab "Service Guard" (on opted-in entities, and on components, where it
 * tells how to opt in) and an overview card (only on entities that opted in with the `vigil.dev/service-guard`
 * annotation).
 */
import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { ServiceGuardClient } from '@vigil/backstage-plugin-service-guard-common';
import { serviceGuardApiRef } from './api.ts';
import { isServiceGuardAvailable, isServiceGuardTabAvailable } from './conditions.ts';

/** The API extension: the common package's client over the app's discovery and (token-adding) fetch. */
export const serviceGuardApi = ApiBlueprint.make({
  params: (defineParams) =>
    defineParams({
      api: serviceGuardApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ServiceGuardClient({ discoveryApi, fetchApi }),
    }),
});

/** The "Service Guard" tab of entity pages: opted-in entities, and components (telling how to opt in). */
export const serviceGuardEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'service-guard',
    title: 'Service Guard',
    filter: isServiceGuardTabAvailable,
    loader: () => import('./components/ServiceGuardContent.tsx').then((m) => <m.ServiceGuardContent />),
  },
});

/** The overview card of entity pages. */
export const serviceGuardEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isServiceGuardAvailable,
    loader: () => import('./components/ServiceGuardCard.tsx').then((m) => <m.ServiceGuardCard />),
  },
});

/** The catalog-wide page's route. */
export const serviceGuardPageRouteRef = createRouteRef();

/**
 * The catalog-wide page at `/service-guard`: every opted-in entity the user may read, worst health first,
 * filterable by owner. Its path and title are configurable:
 * `app.extensions: [{ 'page:service-guard': { config: { path: '/health' } } }]`.
 */
export const serviceGuardPage = PageBlueprint.make({
  params: {
    path: '/service-guard',
    title: 'Service Guard',
    routeRef: serviceGuardPageRouteRef,
    loader: () => import('./components/EntitiesHealth.tsx').then((m) => <m.EntitiesHealthPage />),
  },
});

export { createServiceGuardColumn } from './components/EntitiesHealth.tsx';

/** The plugin (`pluginId: service-guard`). */
export default createFrontendPlugin({
  pluginId: 'service-guard',
  info: { packageJson: () => import('../package.json', { with: { type: 'json' } }).then((m) => m.default) },
  routes: { page: serviceGuardPageRouteRef },
  extensions: [serviceGuardApi, serviceGuardEntityContent, serviceGuardEntityCard, serviceGuardPage],
});
