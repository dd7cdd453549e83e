export * from './annotations.ts';
export { type Concern, concerns, isAnomalousPoint } from './health.ts';
export * from './permissions.ts';
export type * from './types.ts';
export {
  entityPath,
  ServiceGuardApiError,
  ServiceGuardClient,
  type DiscoveryLike,
  type EntityRefLike,
  type FetchLike,
  type ListEntitiesOptions,
  type ServiceGuardApi,
} from './client.ts';
