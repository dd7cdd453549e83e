// A module of the adopter's own that uses the backend plugin's helpers beside the plugin (index.ts adds
// both). The Backstage CLI makes this file CommonJS, so it `require`s the package while index.ts
// `import()`s it for the plugin: an ES-module-only package stops the backend at start there
// (ERR_REQUIRE_ESM_RACE_CONDITION), under `backstage-cli package start` and from `package build` alike.
// The install test checks the line it logs.
import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { lastCompletePeriod, readServiceGuardConfig } from '@vigil/backstage-plugin-service-guard-backend';

export default createBackendModule({
  pluginId: 'service-guard',
  moduleId: 'settings-log',
  register(reg) {
    reg.registerInit({
      deps: { config: coreServices.rootConfig, logger: coreServices.logger },
      async init({ config, logger }) {
        const settings = readServiceGuardConfig(config);
        const period = lastCompletePeriod(Date.now(), settings.schedule.periodMs);
        logger.info(
          `Service Guard profiles: ${[...settings.profiles.keys()].join(', ')}; ` +
            `last complete period ${new Date(period.start).toISOString()} to ${new Date(period.end).toISOString()}`,
        );
      },
    });
  },
});
