// The backend of an app from @backstage/create-app, trimmed to what Service Guard needs, plus its lines: the
// plugin, a permission policy (./permissionPolicy.ts, the snippet of docs/backstage.md) and a module of the
// app's own that uses the plugin package's helpers (./serviceGuardSettings.ts).
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));
backend.add(import('@vigil/backstage-plugin-service-guard-backend'));
backend.add(import('./serviceGuardSettings'));

backend.start();
