/** Starts the plugin in Backstage's test backend with a given catalog, config, database and scheduler. */
import './jestShim.ts';
import type { AddressInfo } from 'node:net';
import {
  type BackstageCredentials,
  coreServices,
  createServiceFactory,
  type PermissionsService,
  type RootConfigService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceRef, type CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { type NotificationService, notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import knexFactory, { type Knex } from 'knex';
import { createServiceGuardPlugin, type RunObserver } from '../../src/index.ts';

/** Allows only the listed user refs (and service principals when `services` is true). */
export function allowList(users: string[]): PermissionsService {
  const decide = (credentials: BackstageCredentials) => {
    const p = credentials.principal as { type: string; userEntityRef?: string };
    return p.type === 'user' && users.includes(p.userEntityRef!)
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY;
  };
  return {
    authorize: async (requests, options) =>
      requests.map(() => ({ result: decide(options.credentials) })) as never,
    authorizeConditional: async (requests, options) =>
      requests.map(() => ({ result: decide(options.credentials) })) as never,
  };
}

export function pgKnex(connection: string, max = 10): Knex {
  return knexFactory({ client: 'pg', connection, pool: { min: 0, max } });
}

export function sqliteKnex(filename = ':memory:'): Knex {
  return knexFactory({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true });
}

export interface StartOptions {
  entities: Entity[];
  /** The whole root config, or a live one (for rotation tests). */
  config: Record<string, unknown> | RootConfigService;
  knex: Knex;
  /** Backstage's real scheduler (task rows in the database) instead of the test one. */
  realScheduler?: boolean;
  clock?: () => number;
  observer?: RunObserver;
  permissions?: PermissionsService;
  /** Run every worker task once while starting (the test scheduler only). */
  runOnStartup?: boolean;
  /**
   * The catalog's read policy (catalog.entity.read) for user principals: which entities a user sees.
   * Service principals see everything. Default: every user sees everything.
   */
  canRead?: (userEntityRef: string, entityRef: string) => boolean;
  /** Told every catalog call (method name, principal type). */
  onCatalogCall?: (method: string, principal: string) => void;
  /**
   * Backstage's real auth and httpAuth services instead of the mock ones: tokens are checked as in an app
   * (e.g. `backend.auth.externalAccess` static tokens from the config).
   */
  realAuth?: boolean;
  /** The notifications service the plugin sends to (default: Backstage's, which needs the notifications backend). */
  notifications?: NotificationService;
  /** Told every task the plugin schedules (the test scheduler only). */
  onScheduleTask?: (task: { id: string; frequency: unknown; scope?: string }) => void;
}

/**
 * The in-memory catalog, answering user principals only with the entities `canRead` lets them see, as the
 * catalog's permission integration does for catalog.entity.read.
 */
function permittedCatalog(o: StartOptions): CatalogService {
  const inner = catalogServiceMock({ entities: o.entities });
  const userOf = (options: unknown) => {
    const p = (options as { credentials?: BackstageCredentials })?.credentials?.principal as
      | { type: string; userEntityRef?: string }
      | undefined;
    return { type: p?.type ?? 'none', user: p?.type === 'user' ? p.userEntityRef! : undefined };
  };
  const visible = (options: unknown) => {
    const { user } = userOf(options);
    return (e: Entity | undefined) =>
      e !== undefined && (user === undefined || !o.canRead || o.canRead(user, stringifyEntityRef(e)));
  };
  // A lookup by kind, namespace and name goes straight to the entity, as the real catalog's indexed search
  // does; the in-memory client would scan every entity (thousands in the benchmark) for each request.
  const byRef = new Map(o.entities.map((e) => [stringifyEntityRef(e).toLocaleLowerCase('en-US'), e]));
  const exact = (request: unknown): Entity[] | undefined => {
    const f = (request as { filter?: Record<string, unknown> } | undefined)?.filter;
    if (!f || Object.keys(f).length !== 3) return undefined;
    const [kind, namespace, name] = [f.kind, f['metadata.namespace'], f['metadata.name']];
    if (typeof kind !== 'string' || typeof namespace !== 'string' || typeof name !== 'string')
      return undefined;
    const e = byRef.get(`${kind}:${namespace}/${name}`.toLocaleLowerCase('en-US'));
    return e ? [e] : [];
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const options = args[1];
        o.onCatalogCall?.(String(prop), userOf(options).type);
        const direct = prop === 'getEntities' ? exact(args[0]) : undefined;
        const result = direct ? { items: direct } : await value.apply(target, args);
        if (prop === 'getEntities' || prop === 'queryEntities') {
          const r = result as { items: Entity[] };
          return { ...r, items: r.items.filter(visible(options)) };
        }
        if (prop === 'getEntityByRef') return visible(options)(result as Entity) ? result : undefined;
        return result;
      };
    },
  }) as CatalogService;
}

export interface StartedBackend {
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startServiceGuard(o: StartOptions): Promise<StartedBackend> {
  const config =
    'getOptionalString' in o.config
      ? createServiceFactory({
          service: coreServices.rootConfig,
          deps: {},
          factory: () => o.config as RootConfigService,
        })
      : mockServices.rootConfig.factory({ data: o.config as never });
  const backend = await startTestBackend({
    features: [
      createServiceGuardPlugin({
        ...(o.clock ? { clock: o.clock } : {}),
        ...(o.observer ? { observer: o.observer } : {}),
      }),
      config,
      createServiceFactory({ service: catalogServiceRef, deps: {}, factory: () => permittedCatalog(o) }),
      mockServices.database.factory({ knex: o.knex }),
      ...(o.realAuth
        ? [authServiceFactory, httpAuthServiceFactory]
        : [mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() })]),
      o.realScheduler ? schedulerServiceFactory : recordingScheduler(o),
      ...(o.notifications
        ? [
            createServiceFactory({
              service: notificationService,
              deps: {},
              factory: () => o.notifications!,
            }),
          ]
        : []),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => o.permissions ?? allowList(['user:default/admin']),
      }),
    ],
  });
  const port = (backend.server.address() as AddressInfo).port;
  return { baseUrl: `http://127.0.0.1:${port}/api/service-guard`, stop: () => backend.stop() };
}

export const adminHeader = () => mockCredentials.user.header('user:default/admin');
export const userHeader = () => mockCredentials.user.header('user:default/guest');
export const serviceHeader = () => mockCredentials.service.header();

/** The test scheduler, telling `onScheduleTask` about every task scheduled. */
function recordingScheduler(o: StartOptions) {
  const scheduler = mockServices.scheduler() as ReturnType<typeof mockServices.scheduler> & {
    factory(options: { skipTaskRunOnStartup: boolean }): ReturnType<typeof mockServices.scheduler.factory>;
  };
  const schedule = scheduler.scheduleTask.bind(scheduler);
  scheduler.scheduleTask = async (task) => {
    o.onScheduleTask?.({
      id: task.id,
      frequency: task.frequency,
      ...(task.scope ? { scope: task.scope } : {}),
    });
    await schedule(task);
  };
  return scheduler.factory({ skipTaskRunOnStartup: !o.runOnStartup });
}
