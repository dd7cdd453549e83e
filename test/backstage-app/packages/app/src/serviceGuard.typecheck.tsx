// Never imported by the app: type-checked by the app's own `tsc` (`yarn tsc` in an app from create-app), so
// the published declarations of Service Guard's frontend and common packages are checked as an adopter
// uses them (docs/backstage.md, "Add it to your Backstage"), against the app's TypeScript and @backstage types.
import { type Entity, getCompoundEntityRef } from '@backstage/catalog-model';
import { createApp } from '@backstage/frontend-defaults';
import { useApi } from '@backstage/frontend-plugin-api';
import { CatalogTable, EntityLayout, EntitySwitch } from '@backstage/plugin-catalog';
import catalogPlugin, { CatalogIndexPage } from '@backstage/plugin-catalog/alpha';
import {
  EntitiesHealthPage,
  EntityServiceGuardCard,
  EntityServiceGuardContent,
  isServiceGuardAvailable,
  serviceGuardApiRef,
  serviceGuardPlugin as legacyPlugin,
} from '@vigil/backstage-plugin-service-guard';
import serviceGuardPlugin, { createServiceGuardColumn } from '@vigil/backstage-plugin-service-guard/alpha';
import {
  ANNOTATION_SERVICE_GUARD,
  type EntitiesHealthResponse,
  type HealthResponse,
  type ServiceGuardApi,
  serviceGuardRunTriggerPermission,
} from '@vigil/backstage-plugin-service-guard-common';

// New frontend system: the plugin as a feature, and the catalog table's column.
const catalog = catalogPlugin.withOverrides({
  extensions: [
    catalogPlugin.getExtension('page:catalog').override({
      params: {
        loader: async () => (
          <CatalogIndexPage
            columns={(ctx) => [...CatalogTable.defaultColumnsFunc(ctx), createServiceGuardColumn()]}
          />
        ),
      },
    }),
  ],
});
export const app = createApp({ features: [catalog, serviceGuardPlugin] });

// Legacy frontend system: the entity page's card and tab, and the catalog-wide page.
export const legacyPluginId: string = legacyPlugin.getId();
export const overview = (
  <EntitySwitch>
    <EntitySwitch.Case if={isServiceGuardAvailable}>
      <EntityServiceGuardCard />
    </EntitySwitch.Case>
  </EntitySwitch>
);
export const servicePage = (
  <EntityLayout>
    <EntityLayout.Route path="/service-guard" title="Service Guard" if={isServiceGuardAvailable}>
      <EntityServiceGuardContent />
    </EntityLayout.Route>
  </EntityLayout>
);
export const healthPage = <EntitiesHealthPage />;

// The API and the common package's types, as a component of the app's own would use them.
export function useLatestHealth(entity: Entity): () => Promise<string> {
  const api: ServiceGuardApi = useApi(serviceGuardApiRef);
  return async () => {
    const health: HealthResponse = await api.getHealth(getCompoundEntityRef(entity));
    const list: EntitiesHealthResponse = await api.listEntities({ entityRef: [health.entityRef] });
    return `${entity.metadata.annotations?.[ANNOTATION_SERVICE_GUARD]}: ${list.items[0]?.state}`;
  };
}
export const runPermission: string = serviceGuardRunTriggerPermission.name;
