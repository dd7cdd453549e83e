/**
 * Service Guard's frontend plugin. Legacy frontend system: `serviceGuardPlugin`, `EntityServiceGuardContent`,
 * `EntityServiceGuardCard` and `isServiceGuardAvailable` (for `EntitySwitch`). New frontend system: the
 * default export of `@vigil/backstage-plugin-service-guard/alpha`.
 */
export { serviceGuardApiRef } from './api.ts';
export { isServiceGuardAvailable, isServiceGuardTabAvailable } from './conditions.ts';
export {
  EntityServiceGuardCard,
  EntityServiceGuardContent,
  rootRouteRef,
  serviceGuardPlugin,
} from './plugin.ts';
export type { MetricPoint } from './series.ts';
export {
  createServiceGuardColumn,
  EntitiesHealthPage,
  EntityHealthCell,
} from './components/EntitiesHealth.tsx';
