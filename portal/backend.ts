/**
 * The portal's Backstage backend: catalog (the demo catalog file), guest sign-in, permissions with an
 * allow-all policy (a demo: everyone may give feedback), and Service Guard on the replayed demo data.
 * Service Guard's clock stands still at the demo's "now", so the demo data never runs out under it.
 */
import { createBackend } from '@backstage/backend-defaults';
import type { BackendFeature } from '@backstage/backend-plugin-api';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import { createServiceGuardPlugin } from '@vigil/backstage-plugin-service-guard-backend';

export interface PortalBackendOptions {
  /** app-config files, later ones override earlier ones. */
  configFiles: string[];
  /** Service Guard's clock (epoch ms). */
  clock: () => number;
}

/**
 * Backstage's packages are typed as CommonJS, so under NodeNext TypeScript sees a module namespace where
 * Node (and Backstage) find the default export; the value is the plugin at run time.
 */
function feature(m: Promise<unknown>): Promise<{ default: BackendFeature }> {
  return m as Promise<{ default: BackendFeature }>;
}

export async function startPortalBackend(options: PortalBackendOptions): Promise<{ stop(): Promise<void> }> {
  const backend = createBackend();
  backend.add(
    rootConfigServiceFactory({
      argv: ['node', 'portal', ...options.configFiles.flatMap((f) => ['--config', f])],
    }),
  );
  backend.add(feature(import('@backstage/plugin-auth-backend')));
  backend.add(feature(import('@backstage/plugin-auth-backend-module-guest-provider')));
  backend.add(feature(import('@backstage/plugin-catalog-backend')));
  backend.add(feature(import('@backstage/plugin-permission-backend')));
  backend.add(feature(import('@backstage/plugin-permission-backend-module-allow-all-policy')));
  backend.add(createServiceGuardPlugin({ clock: options.clock }));
  await backend.start();
  return { stop: () => backend.stop() };
}
