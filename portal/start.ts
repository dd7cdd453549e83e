/**
 * `pnpm portal`: a local Backstage with Service Guard on replayed demo data, no account needed.
 * Builds the frontend when its sources changed, serves it on 127.0.0.1 (PORTAL_APP_PORT, default 3000),
 * serves the demo's logs and problems as Dynatrace would (fakeDynatrace.ts, a free port on 127.0.0.1),
 * starts the backend (PORTAL_BACKEND_PORT, default 7007), fills Service Guard's history and prints the
 * address of the failing service's tab. Ctrl-C (or SIGTERM) stops everything.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, distDir } from './buildApp.ts';
import { startPortalBackend } from './backend.ts';
import { demoDynatrace, demoReplay, MINUTE, SERVICES } from './demoData.ts';
import { serveFakeDynatrace } from './fakeDynatrace.ts';
import { seedPortal } from './seed.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '..');
const PERIOD = 30 * MINUTE;
/** Periods of history the portal starts with (a risk timeline of six hours). */
const PERIODS = 12;

export interface PortalOptions {
  appPort?: number;
  backendPort?: number;
  log?: (line: string) => void;
}

export interface RunningPortal {
  appUrl: string;
  backendUrl: string;
  /** A static service token the backend accepts (for tests and scripts). */
  token: string;
  /** The failing demo service's Service Guard tab. */
  tabUrl: string;
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Serves the built app; unknown paths get index.html (client-side routes). */
function serveApp(port: number, frontendConfig: object): Promise<Server> {
  const configJs = `window.__PORTAL_CONFIG__ = ${JSON.stringify(frontendConfig)};\n`;
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/portal-config.js') {
      res.writeHead(200, { 'content-type': TYPES['.js']!, 'cache-control': 'no-store' });
      res.end(configJs);
      return;
    }
    const file = normalize(join(distDir, path));
    let body: Buffer;
    let type = TYPES[extname(file)] ?? 'application/octet-stream';
    try {
      if (!file.startsWith(distDir + sep) || !extname(file)) throw new Error('route');
      body = readFileSync(file);
    } catch {
      body = readFileSync(join(distDir, 'index.html'));
      type = TYPES['.html']!;
    }
    res.writeHead(200, { 'content-type': type });
    res.end(body);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok(server));
  });
}

export async function startPortal(options: PortalOptions = {}): Promise<RunningPortal> {
  const log = options.log ?? ((s: string) => console.log(s));
  const appPort = options.appPort ?? Number(process.env.PORTAL_APP_PORT ?? 3000);
  const backendPort = options.backendPort ?? Number(process.env.PORTAL_BACKEND_PORT ?? 7007);
  const appUrl = `http://127.0.0.1:${appPort}`;
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  await buildApp({ log });
  // Backstage logs every request at info; the portal's own lines say what matters.
  process.env.LOG_LEVEL ??= 'warn';

  const startedAt = Date.now();
  const end = Math.floor(startedAt / PERIOD) * PERIOD;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-portal-'));
  const replayFile = join(dir, 'demo-replay.json');
  writeFileSync(replayFile, JSON.stringify(demoReplay(end)));
  const token = randomBytes(24).toString('base64url');
  let clock = end + 30_000;
  const stops: (() => Promise<void>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => {});
  };
  try {
    const dynatraceToken = `dt0c01.${randomBytes(18).toString('base64url')}`;
    // Logs and problems come from a local stand-in for a Dynatrace environment, through the Dynatrace provider.
    const dynatrace = await serveFakeDynatrace({
      token: dynatraceToken,
      recording: demoDynatrace(end),
      entities: Object.fromEntries(SERVICES.map((s) => [s.dynatraceEntityId, s.service])),
      basePath: '/e/vigil-demo',
    });
    stops.push(() => dynatrace.close());
    // JSON is YAML: the second config file, overriding app-config.yaml.
    const runtimeConfig = {
      app: { baseUrl: appUrl },
      backend: {
        baseUrl: backendUrl,
        listen: { host: '127.0.0.1', port: backendPort },
        cors: { origin: appUrl },
        auth: { externalAccess: [{ type: 'static', options: { token, subject: 'vigil-portal-seed' } }] },
      },
      catalog: { locations: [{ type: 'file', target: join(here, 'catalog.yaml') }] },
      serviceGuard: {
        providers: {
          demo: { type: 'replay', file: replayFile },
          dynatrace: { url: dynatrace.url, token: dynatraceToken },
        },
      },
    };
    const runtimeConfigFile = join(dir, 'app-config.runtime.yaml');
    writeFileSync(runtimeConfigFile, JSON.stringify(runtimeConfig, null, 2));
    const app = await serveApp(appPort, {
      app: { title: 'Vigil portal (demo)', baseUrl: appUrl },
      backend: { baseUrl: backendUrl },
      organization: { name: 'Vigil demo' },
    });
    stops.push(() => new Promise<void>((ok) => app.close(() => ok())));
    log(`portal: starting the Backstage backend on ${backendUrl}...`);
    const backend = await startPortalBackend({
      configFiles: [join(here, 'app-config.yaml'), runtimeConfigFile],
      clock: () => clock,
    });
    stops.push(() => backend.stop());
    log('portal: analysing six hours of demo data and the demo verifications...');
    await seedPortal({
      backendUrl,
      token,
      entityRefs: ['component:default/checkout', 'component:default/payments'],
      end,
      periodMs: PERIOD,
      periods: PERIODS,
      setClock: (ms) => {
        clock = ms;
      },
      repoRoot,
    });
    // Stands at the demo's now from here on: scheduled runs find the newest period analysed already.
    clock = Math.max(startedAt, end + 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  const tabUrl = `${appUrl}/catalog/default/component/checkout/service-guard`;
  return { appUrl, backendUrl, token, tabUrl, stop };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const portal = await startPortal();
  console.log(
    `\nVigil portal ready (signed in as guest, no account needed):\n  ${portal.tabUrl}\n  ${portal.appUrl}/catalog\nPORTAL_READY ${JSON.stringify({ appUrl: portal.appUrl, backendUrl: portal.backendUrl, token: portal.token })}`,
  );
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await portal.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
