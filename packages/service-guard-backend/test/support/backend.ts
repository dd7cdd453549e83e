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
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Entity } from '@backstage/catalog-model';
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
  /** Run every shard task once while starting (the test scheduler only). */
  runOnStartup?: boolean;
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
      catalogServiceMock.factory({ entities: o.entities }),
      mockServices.database.factory({ knex: o.knex }),
      mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
      o.realScheduler
        ? schedulerServiceFactory
        : mockServices.scheduler.factory({ skipTaskRunOnStartup: !o.runOnStartup }),
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
