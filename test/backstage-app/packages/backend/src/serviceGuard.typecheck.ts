// Never imported by the backend: type-checked by the app's own `tsc` (`yarn tsc` in an app from
// create-app), so the published declarations of Service Guard's backend and common packages (and of
// @vigil/core and @vigil/providers behind them) are checked as an adopter's backend code uses them.
import { createBackend } from '@backstage/backend-defaults';
import type { Config } from '@backstage/config';
import serviceGuardPlugin, {
  createServiceGuardPlugin,
  type EntityOutcome,
  type Period,
  type ProfileSettings,
  readServiceGuardConfig,
  type RunObserver,
  ServiceGuardConfigError,
  type ServiceGuardPluginOptions,
  type ServiceGuardSettings,
} from '@vigil/backstage-plugin-service-guard-backend';
import {
  type EntityHealthSummary,
  type HealthSnapshot,
  serviceGuardPermissions,
  serviceGuardRunTriggerPermission,
} from '@vigil/backstage-plugin-service-guard-common';

export function addServiceGuard(): void {
  const backend = createBackend();
  backend.add(import('@vigil/backstage-plugin-service-guard-backend'));
  backend.add(serviceGuardPlugin);
}

// Embedding with the plugin's options: an observer told every entity's outcome.
const outcomes: { ref: string; period: Period; outcome: EntityOutcome }[] = [];
const observer: RunObserver = {
  entity(ref, period, outcome) {
    outcomes.push({ ref, period, outcome });
  },
};
const options: ServiceGuardPluginOptions = { clock: Date.now, observer };
export const embedded = createServiceGuardPlugin(options);

export function profilesOf(config: Config): ProfileSettings[] {
  try {
    const settings: ServiceGuardSettings = readServiceGuardConfig(config);
    return [...settings.profiles.values()];
  } catch (e) {
    if (e instanceof ServiceGuardConfigError) return [];
    throw e;
  }
}

export const permissionNames: string[] = serviceGuardPermissions.map((p) => p.name);
export const runResourceType: string = serviceGuardRunTriggerPermission.resourceType;
export const stateOf = (s: EntityHealthSummary | HealthSnapshot): string => s.state;
