/** Service Guard backend plugin: `backend.add(import('@vigil/backstage-plugin-service-guard-backend'))`. */
import { serviceGuardPlugin } from './plugin.ts';

export default serviceGuardPlugin;
export { createServiceGuardPlugin, serviceGuardPlugin, type ServiceGuardPluginOptions } from './plugin.ts';
export type { Period } from './analyse.ts';
export type { EntityOutcome, RunObserver, RunStats } from './runner.ts';
export {
  type LogSettings,
  type MetricSettings,
  type ProfileSettings,
  readServiceGuardConfig,
  type RetentionSettings,
  type ScheduleSettings,
  ServiceGuardConfigError,
  type ServiceGuardSettings,
} from './config.ts';
export { workerTaskId, lastCompletePeriod } from './shards.ts';
export { combineHealth, metricRisk } from './health.ts';
