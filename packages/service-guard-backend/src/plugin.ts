import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { serviceGuardPermissions } from '@vigil/backstage-plugin-service-guard-common';
import { Secrets, secretsOfProvider } from '@vigil/core';
import { HealthNotifier } from './healthNotifications.ts';
import { type RunObserver, ServiceGuardRunner } from './runner.ts';
import { createRouter } from './router.ts';
import { RunNow } from './runNow.ts';
import { WorkerSchedule } from './schedule.ts';
import { migrateServiceGuard, ServiceGuardStore } from './store.ts';

/** Options for tests and embedding; a Backstage app uses the default export. */
export interface ServiceGuardPluginOptions {
  /** Epoch ms; default `Date.now`. Decides the analysed period. */
  clock?: () => number;
  /** Told the outcome of every entity of every run. */
  observer?: RunObserver;
}

/** The Service Guard backend plugin (`pluginId: service-guard`). */
export function createServiceGuardPlugin(options: ServiceGuardPluginOptions = {}) {
  return createBackendPlugin({
    pluginId: 'service-guard',
    register(env) {
      env.registerInit({
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          database: coreServices.database,
          scheduler: coreServices.scheduler,
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          auth: coreServices.auth,
          permissions: coreServices.permissions,
          permissionsRegistry: coreServices.permissionsRegistry,
          catalog: catalogServiceRef,
          lifecycle: coreServices.lifecycle,
          notifications: notificationService,
        },
        async init(deps) {
          const { config, logger, database, scheduler, httpRouter, httpAuth, auth, permissions, catalog } =
            deps;
          const clock = options.clock ?? Date.now;
          const knex = await database.getClient();
          if (!database.migrations?.skip) await migrateServiceGuard(knex);
          // Filled with the providers' secrets once the settings are read (below).
          const secrets = new Secrets();
          const store = new ServiceGuardStore(knex, { secrets });
          deps.permissionsRegistry.addPermissions(serviceGuardPermissions);
          const runner = new ServiceGuardRunner({
            store,
            catalog,
            auth,
            config,
            logger,
            clock,
            ...(options.observer ? { observer: options.observer } : {}),
            // Owners hear when an entity turns unhealthy and when it recovers (docs/backstage.md#notifications).
            notifier: new HealthNotifier({
              store,
              notifications: deps.notifications,
              logger,
              secrets,
              enabled: () => config.getOptionalBoolean('serviceGuard.notifications.enabled') ?? true,
            }),
          });
          deps.lifecycle.addShutdownHook(() => runner.close());
          // Read now so that a broken config stops the backend at start, naming the key.
          const settings = runner.settings();
          for (const provider of settings.providers.values()) secrets.addAll(secretsOfProvider(provider));
          const workers = new WorkerSchedule({ scheduler, runner, logger });
          await workers.start(config);
          deps.lifecycle.addShutdownHook(() => workers.stop());
          await scheduler.scheduleTask({
            id: 'service-guard:retention',
            frequency: { milliseconds: settings.retention.frequencyMs },
            timeout: { minutes: 15 },
            initialDelay: { minutes: 1 },
            scope: 'global',
            fn: async () => {
              const r = runner.settings().retention;
              const now = clock();
              const pruned = await store.prune(now - r.snapshotsMs, now - r.verificationsMs);
              logger.info(
                `service-guard: retention removed ${pruned.snapshots} snapshots and ${pruned.verifications} verifications`,
              );
            },
          });
          const runNow = new RunNow({ store, runner, logger });
          deps.lifecycle.addShutdownHook(() => runNow.settled());
          httpRouter.use(
            await createRouter({
              store,
              runner,
              runNow,
              workers,
              httpAuth,
              auth,
              permissions,
              catalog,
              logger,
              config,
              clock,
            }),
          );
        },
      });
    },
  });
}

/** The plugin with default options. */
export const serviceGuardPlugin = createServiceGuardPlugin();
