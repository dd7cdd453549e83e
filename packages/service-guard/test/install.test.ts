/**
 * Proof of installation: Vigil's Backstage packages as an adopter gets them. Builds the five published
 * packages, packs them with `pnpm pack`, installs the tarballs into a separate Backstage app outside the
 * workspace (test/backstage-app: the app and backend packages of an app from @backstage/create-app, on
 * Backstage 1.54.0, one minor older than the workspace's 1.55.0; the new backend system and the new
 * frontend system with feature discovery), type-checks the app with its own tsc against the packages'
 * declarations, builds its frontend with the Backstage CLI, starts its backend on 127.0.0.1 in development
 * mode (`backstage-cli package start`), runs Service Guard on the replayed demo data, opens the entity's
 * Service Guard tab in Chromium, and builds and starts the backend once more from its production build
 * (`backstage-cli package build`, then node). Both backends load a CommonJS module of the app that requires
 * the backend package beside the plugin's import(). Leaves a screenshot in the temp folder
 * (vigil-install-test.png).
 *
 * The app lives in a cache folder keyed by its committed package.json files and lockfile
 * (`$VIGIL_INSTALL_TEST_CACHE`, default `~/.cache/vigil`), so a second run reinstalls only the tarballs that
 * changed, rebuilds the frontend and re-runs tsc only when they or the app changed, and builds the packages
 * only when their sources changed. The first run downloads the app's dependencies from the npm registry (about 5 minutes).
 * Skipped where /usr/bin/chromium is missing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoReplay, MINUTE } from '../../../portal/demoData.ts';
import { freePort } from '../../../test/support/freePort.ts';

const CHROMIUM = '/usr/bin/chromium';
/** serviceGuard.schedule.period of test/backstage-app/app-config.yaml. */
const PERIOD = 30 * MINUTE;
const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const template = join(repoRoot, 'test/backstage-app');
export const screenshotPath = join(tmpdir(), 'vigil-install-test.png');

/** Workspace folder -> tarball name, in dependency order. */
const PACKAGES: [dir: string, tarball: string][] = [
  ['core', 'vigil-core'],
  ['providers', 'vigil-providers'],
  ['service-guard-common', 'vigil-backstage-plugin-service-guard-common'],
  ['service-guard-backend', 'vigil-backstage-plugin-service-guard-backend'],
  ['service-guard', 'vigil-backstage-plugin-service-guard'],
];

const sha = (...parts: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The app's folder: outside the workspace, keyed by what decides its third-party dependencies. */
function appDir(): string {
  const key = sha(
    ...['package.json', 'pnpm-lock.yaml', 'packages/app/package.json', 'packages/backend/package.json'].map(
      (f) => readFileSync(join(template, f)),
    ),
  ).slice(0, 16);
  const base =
    process.env.VIGIL_INSTALL_TEST_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vigil');
  const dir = resolve(base, `backstage-app-${key}`);
  if (dir === repoRoot || dir.startsWith(repoRoot + sep)) {
    throw new Error(
      `VIGIL_INSTALL_TEST_CACHE: ${dir} is inside the workspace; the app must be installed outside it`,
    );
  }
  return dir;
}

/** Runs a command (niced: the machine is shared), resolving with how it exited and its output. */
function runStatus(
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((ok) => {
    const child = spawn('nice', ['-n', '10', cmd, ...args], {
      cwd,
      env: shellEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      ok({ code, signal, out });
    });
  });
}

/** Runs a command (niced), resolving with its output, rejecting with its tail. */
async function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<string> {
  const { code, signal, out } = await runStatus(cmd, args, cwd, timeoutMs);
  if (code === 0) return out;
  throw new Error(`${cmd} ${args.join(' ')} in ${cwd} failed (${code ?? signal}):\n${out.slice(-4000)}`);
}

interface Backend {
  child: ChildProcess;
  /** Everything it printed so far. */
  log: () => string;
}

/**
 * Starts an app backend in its own process group (stopping it stops what it spawned) and waits until
 * `url`'s readiness endpoint answers.
 */
async function startBackend(cmd: string, args: string[], cwd: string, url: string): Promise<Backend> {
  let out = '';
  const child = spawn(cmd, args, { cwd, env: shellEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const backend = { child, log: () => out };
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the backend exited:\n${out.slice(-4000)}`);
    // In development mode the CLI outlives a backend that died at start, waiting for a change.
    if (/^Error \[ERR_[A-Z_]+\]/m.test(out)) {
      await stopBackend(backend);
      throw new Error(`the backend failed at start:\n${out.slice(-4000)}`);
    }
    const ready = await fetch(`${url}/.backstage/health/v1/readiness`).catch(() => undefined);
    if (ready?.ok) return backend;
    if (Date.now() > deadline) {
      await stopBackend(backend);
      throw new Error(`the backend was not ready in 240 s:\n${out.slice(-4000)}`);
    }
    await sleep(1000);
  }
}

async function stopBackend(backend: Backend | undefined): Promise<void> {
  const child = backend?.child;
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {}
  await Promise.race([exited, sleep(10_000)]);
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {}
}

/** The line ./serviceGuardSettings.ts of the app's backend logs at start (a CommonJS module of the app). */
const SETTINGS_LINE = /Service Guard profiles: web; last complete period \S+ to \S+/;

/** Where Node finds `name` from `fromDir` (node_modules lookup up the tree), and its version. */
function resolvedVersion(fromDir: string, name: string): { path: string; version: string } | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const pkg = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(pkg)) {
      return { path: pkg, version: (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The environment of an adopter's shell: without vitest's NODE_ENV=test, under which the Backstage CLI's
 * bundler finds no browserslist section to build for.
 */
function shellEnv(): NodeJS.ProcessEnv {
  const { NODE_ENV: _, ...env } = process.env;
  return { ...env, FORCE_COLOR: '0' };
}

/** Copies the committed app into `dir` and its packed tarballs into `dir/vigil-packages`. */
async function prepareApp(dir: string, log: (s: string) => void): Promise<void> {
  const fresh = !existsSync(join(dir, 'pnpm-lock.yaml'));
  mkdirSync(dir, { recursive: true });
  // The app's sources and config, every run; its lockfile only once (installs then add the tarballs' entries).
  cpSync(template, dir, {
    recursive: true,
    filter: (src) =>
      !/[/\\](node_modules|dist)([/\\]|$)/.test(src) && (fresh || !src.endsWith('pnpm-lock.yaml')),
  });
  const packs = join(dir, 'vigil-packages');
  rmSync(packs, { recursive: true, force: true });
  mkdirSync(packs);
  let workspace = readFileSync(join(template, 'pnpm-workspace.yaml'), 'utf8');
  for (const [pkgDir, name] of PACKAGES) {
    await run('pnpm', ['pack', '--pack-destination', packs], join(repoRoot, 'packages', pkgDir), 120_000);
    const packed = readdirSync(packs).find((f) => f.startsWith(`${name}-`) && /-\d+\.\d+\.\d+\.tgz$/.test(f));
    if (!packed) throw new Error(`pnpm pack wrote no ${name} tarball into ${packs}`);
    // Named by content: pnpm keeps a file: tarball it already installed under the same name.
    const hashed = `${name}-${sha(readFileSync(join(packs, packed))).slice(0, 12)}.tgz`;
    renameSync(join(packs, packed), join(packs, hashed));
    workspace = workspace.replace(`vigil-packages/${name}.tgz`, `vigil-packages/${hashed}`);
  }
  writeFileSync(join(dir, 'pnpm-workspace.yaml'), workspace);
  log(`packed ${PACKAGES.length} tarballs into ${packs}`);
}

/** Runs `step` unless `stampFile` holds `key` (and `output` exists); then records `key`. */
async function once(
  stampFile: string,
  key: string,
  output: string,
  step: () => Promise<unknown>,
): Promise<boolean> {
  if (existsSync(output) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === key) return false;
  rmSync(stampFile, { force: true });
  await step();
  writeFileSync(stampFile, key);
  return true;
}

describe.skipIf(!existsSync(CHROMIUM))('Vigil installed into a Backstage 1.54 app from its tarballs', () => {
  const dir = appDir();
  const token = randomBytes(24).toString('hex');
  const timings: Record<string, number> = {};
  let backend: Backend | undefined;
  let baseUrl = '';
  /** Output of the app's `tsc` over its sources with Service Guard's declarations (see beforeAll). */
  let tscLog = { code: null as number | null, out: '' };
  let browser: Browser | undefined;
  let runAnswer: { status?: string; snapshot?: { state: string; score: number } } = {};

  const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await step();
    } finally {
      timings[name] = Math.round((Date.now() - started) / 100) / 10;
    }
  };
  const log = (s: string) => console.log(`[install test] ${s}`);
  /**
   * The demo data with its failure (the last 25 minutes before `end`) in the period "run now" analyses: the
   * last complete one. The backend reads the file at the first run (its providers are made on first use),
   * so writing it again just before each "run now" keeps the two in step across a period boundary.
   */
  const writeReplay = () =>
    writeFileSync(
      join(dir, 'replay.json'),
      JSON.stringify(demoReplay(Math.floor(Date.now() / PERIOD) * PERIOD)),
    );

  beforeAll(async () => {
    log(`app folder ${dir}`);
    await timed('build packages', () =>
      run(
        process.execPath,
        [
          join(repoRoot, 'scripts/build-package.ts'),
          '--if-changed',
          ...PACKAGES.map(([d]) => `packages/${d}`),
        ],
        repoRoot,
        15 * 60_000,
      ),
    );
    await timed('pack', () => prepareApp(dir, log));

    const installKey = sha(
      ...[
        'package.json',
        'pnpm-workspace.yaml',
        'packages/app/package.json',
        'packages/backend/package.json',
      ].map((f) => readFileSync(join(dir, f))),
    );
    const installed = await timed('install', () =>
      once(join(dir, '.vigil-install.sha256'), installKey, join(dir, 'node_modules'), () =>
        // Not frozen: the tarballs' lockfile entries change with their content; everything else stays locked.
        run(
          'pnpm',
          ['install', '--no-frozen-lockfile', '--prefer-offline', '--config.confirmModulesPurge=false'],
          dir,
          30 * 60_000,
        ),
      ),
    );
    log(installed ? 'installed the tarballs' : 'the installed tarballs are current');

    const appSources = filesUnder(join(dir, 'packages/app/src')).concat(
      join(dir, 'packages/app/public/index.html'),
      join(dir, 'app-config.yaml'),
    );
    const appKey = sha(installKey, ...appSources.sort().map((f) => f + readFileSync(f, 'utf8')));
    const built = await timed('build app', () =>
      once(join(dir, '.vigil-app-build.sha256'), appKey, join(dir, 'packages/app/dist/index.html'), () =>
        run(
          join(dir, 'node_modules/.bin/backstage-cli'),
          ['package', 'build'],
          join(dir, 'packages/app'),
          20 * 60_000,
        ),
      ),
    );
    log(built ? 'built the frontend' : 'the built frontend is current');

    // The app's own `tsc` (create-app's `yarn tsc:full`: its TypeScript, its tsconfig, lib checks on) over
    // its sources, which import every public entry of the five packages the way docs/backstage.md does
    // (packages/*/src/serviceGuard.typecheck.ts*). It also writes dist-types/, which the backend's build
    // below needs. Its output is kept beside its stamp: the same inputs give the same answer.
    const tsSources = [
      ...filesUnder(join(dir, 'packages/app/src')),
      ...filesUnder(join(dir, 'packages/backend/src')),
      join(dir, 'tsconfig.json'),
    ];
    const tscKey = sha(installKey, ...tsSources.sort().map((f) => f + readFileSync(f, 'utf8')));
    const tscOut = join(dir, '.vigil-tsc.json');
    const checked = await timed('tsc', () =>
      once(join(dir, '.vigil-tsc.sha256'), tscKey, tscOut, async () => {
        const { code, out } = await runStatus(
          join(dir, 'node_modules/.bin/tsc'),
          ['--skipLibCheck', 'false', '--incremental', 'false', '--listFiles', '--pretty', 'false'],
          dir,
          10 * 60_000,
        );
        writeFileSync(tscOut, JSON.stringify({ code, out }));
      }),
    );
    tscLog = JSON.parse(readFileSync(tscOut, 'utf8')) as typeof tscLog;
    log(
      checked
        ? `ran the app's tsc (exit ${tscLog.code})`
        : `the app's tsc result is current (exit ${tscLog.code})`,
    );

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    writeReplay();
    writeFileSync(
      join(dir, 'app-config.test.yaml'),
      JSON.stringify({
        app: { baseUrl },
        backend: {
          baseUrl,
          listen: { host: '127.0.0.1', port },
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token, subject: 'install-test' },
                accessRestrictions: [{ plugin: 'service-guard' }],
              },
            ],
          },
        },
      }),
    );

    // As `yarn start` runs it in an app from create-app: the Backstage CLI's development mode.
    backend = await timed('start backend', () =>
      startBackend(
        join(dir, 'node_modules/.bin/backstage-cli'),
        ['package', 'start', '--config', '../../app-config.yaml', '--config', '../../app-config.test.yaml'],
        join(dir, 'packages/backend'),
        baseUrl,
      ),
    );

    // Run now, as the GitHub Action's token may; 404 until the catalog has read catalog.yaml.
    await timed('run now', async () => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        writeReplay();
        const res = await fetch(`${baseUrl}/api/service-guard/run`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ entityRef: 'component:default/checkout' }),
        });
        const body = await res.text();
        if (res.status !== 404 || Date.now() > deadline) {
          if (!res.ok)
            throw new Error(`POST /api/service-guard/run answered ${res.status}: ${body.slice(0, 500)}`);
          runAnswer = JSON.parse(body) as typeof runAnswer;
          break;
        }
        await sleep(2000);
      }
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 45 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await stopBackend(backend);
    log(`timings (s): ${JSON.stringify(timings)}`);
  }, 60_000);

  it('installs the fresh build of every package, and the app resolves them outside the workspace', () => {
    for (const [pkgDir, file] of [
      ['service-guard', 'dist/alpha.js'],
      ['service-guard-backend', 'dist/router.js'],
      ['service-guard-backend', 'dist/cjs/store.js'],
      ['service-guard-common', 'dist/cjs/index.js'],
      ['core', 'dist/index.js'],
      ['core', 'dist/cjs/index.js'],
      ['providers', 'dist/cjs/index.js'],
    ] as const) {
      const name = JSON.parse(readFileSync(join(repoRoot, 'packages', pkgDir, 'package.json'), 'utf8'))
        .name as string;
      const found = resolvedVersion(join(dir, 'packages/backend'), name);
      expect(found?.path.startsWith(dir + sep), `${name} found at ${found?.path}`).toBe(true);
      const installed = join(dirname(found!.path), file);
      expect(readFileSync(installed, 'utf8'), installed).toBe(
        readFileSync(join(repoRoot, 'packages', pkgDir, file), 'utf8'),
      );
      // What the tarball holds: the build and its declarations, no sources, no tests.
      const files = filesUnder(dirname(found!.path)).map((f) => f.slice(dirname(found!.path).length + 1));
      expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
      expect(files).toContain('dist/index.d.ts');
    }
  });

  it("our plugins use the app's own copy of each Backstage package they share with it (one release older)", () => {
    const plugin = dirname(
      resolvedVersion(join(dir, 'packages/app'), '@vigil/backstage-plugin-service-guard')!.path,
    );
    for (const name of ['@backstage/frontend-plugin-api', '@backstage/core-plugin-api', '@backstage/ui']) {
      expect(resolvedVersion(plugin, name)?.version, name).toBe(
        resolvedVersion(join(dir, 'packages/app'), name)?.version,
      );
    }
    const backendPlugin = dirname(
      resolvedVersion(join(dir, 'packages/backend'), '@vigil/backstage-plugin-service-guard-backend')!.path,
    );
    for (const name of [
      '@backstage/backend-defaults',
      '@backstage/backend-plugin-api',
      '@backstage/config',
    ]) {
      expect(resolvedVersion(backendPlugin, name)?.version, name).toBe(
        resolvedVersion(join(dir, 'packages/backend'), name)?.version,
      );
    }
    expect(resolvedVersion(join(dir, 'packages/backend'), '@backstage/backend-defaults')?.version).toBe(
      '0.17.7',
    );
    expect(resolvedVersion(join(dir, 'packages/app'), '@backstage/ui')?.version).toBe('0.17.1');
  });

  it('the backend runs Service Guard from the tarball: run now analyses the failing demo service', () => {
    expect(runAnswer.status, JSON.stringify(runAnswer).slice(0, 300)).toBe('analysed');
    expect(runAnswer.snapshot?.state).toBe('unhealthy');
  });

  it("the app's own tsc accepts the published declarations of all five packages, used as the docs say", () => {
    const errors = tscLog.out.split('\n').filter((l) => /error TS\d+/.test(l));
    expect(errors).toEqual([]);
    expect(tscLog.code).toBe(0);
    const listed = tscLog.out.split('\n').map((l) => l.trim());
    // The checked program holds each package's declarations from its installed dist/ (what the
    // tarball's `types` point at, never a .ts source) and the two files that use them.
    for (const [, tarball] of PACKAGES) {
      const name = tarball.replace(/^vigil-/, '@vigil/');
      const own = listed.filter((f) => f.includes(`/node_modules/${name}/`));
      expect(own.length, name).toBeGreaterThan(0);
      expect(
        own.filter((f) => !/\/dist\/.+\.d\.ts$/.test(f)),
        name,
      ).toEqual([]);
    }
    for (const file of [
      'packages/app/src/serviceGuard.typecheck.tsx',
      'packages/backend/src/serviceGuard.typecheck.ts',
    ])
      expect(listed, file).toContain(join(dir, file));
  });

  it("a CommonJS module of the app's backend requires the backend package beside the plugin's import() (backstage-cli package start)", () => {
    // Both load at start; with an ES-module-only package the backend would not have started at all.
    expect(backend!.log()).toMatch(SETTINGS_LINE);
    expect(backend!.log()).not.toContain('ERR_REQUIRE_ESM');
  });

  it("the app backend's production build (backstage-cli package build, then node) starts and serves Service Guard", async () => {
    const backendDir = join(dir, 'packages/backend');
    // `package build` of a backend package compiles dist/index.cjs.js and then packs the workspace with
    // yarn for a container image; the role node-library runs the same compilation without that step (it
    // reads the declarations of dist-types/ that the app's tsc wrote in beforeAll).
    await timed('build backend', () =>
      run(
        join(dir, 'node_modules/.bin/backstage-cli'),
        ['package', 'build', '--role', 'node-library'],
        backendDir,
        10 * 60_000,
      ),
    );
    const compiled = readFileSync(join(backendDir, 'dist/index.cjs.js'), 'utf8');
    expect(compiled).toContain("import('@vigil/backstage-plugin-service-guard-backend')");
    expect(readFileSync(join(backendDir, 'dist/serviceGuardSettings.cjs.js'), 'utf8')).toContain(
      "require('@vigil/backstage-plugin-service-guard-backend')",
    );
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'app-config.production-test.yaml'),
      JSON.stringify({
        app: { baseUrl: url },
        backend: { baseUrl: url, listen: { host: '127.0.0.1', port } },
      }),
    );
    const production = await timed('start production backend', () =>
      startBackend(
        process.execPath,
        [
          '.',
          '--config',
          '../../app-config.yaml',
          '--config',
          '../../app-config.test.yaml',
          '--config',
          '../../app-config.production-test.yaml',
        ],
        backendDir,
        url,
      ),
    );
    try {
      expect(production.log()).toMatch(SETTINGS_LINE);
      // 404 until its catalog has read catalog.yaml
      let status = 0;
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(1000)) {
        const res = await fetch(`${url}/api/service-guard/entities/component/default/checkout/health`, {
          headers: { authorization: `Bearer ${token}` },
        });
        status = res.status;
        if (status !== 404) break;
      }
      expect(status).toBe(200);
      expect(production.log()).not.toContain('ERR_REQUIRE_ESM');
    } finally {
      await stopBackend(production);
    }
  });

  it("the docs' permission policy: a signed-in user who does not own the entity reads it but may not run it now", async () => {
    // The guest sign-in the app's page does, without the page: the auth backend's guest provider.
    const session = await fetch(`${baseUrl}/api/auth/guest/refresh?env=development`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    expect(session.status).toBe(200);
    const guest = ((await session.json()) as { backstageIdentity: { token: string } }).backstageIdentity
      .token;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${guest}` };
    const health = await fetch(`${baseUrl}/api/service-guard/entities/component/default/checkout/health`, {
      headers,
    });
    expect(health.status).toBe(200);
    const runNow = await fetch(`${baseUrl}/api/service-guard/run`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ entityRef: 'component:default/checkout' }),
    });
    // checkout belongs to group:default/team-shop, not to the guest
    const refusal = await runNow.text();
    expect(runNow.status, refusal).toBe(403);
    expect(refusal).toContain('not allowed: service-guard.run.trigger on component:default/checkout');
  });

  it("the entity's Service Guard tab shows its health in Chromium", async () => {
    const context = await browser!.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${baseUrl}/catalog/default/component/checkout/service-guard`);
    // The app's guest sign-in page (SignInPageBlueprint with the guest provider).
    await page.getByRole('button', { name: 'Enter' }).click({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'Health now' }).waitFor({ timeout: 60_000 });
    const main = page.locator('main').first();
    // biome-ignore lint/performance/useDomNodeTextContent: the text as laid out, as a person reads it
    await expect.poll(() => main.innerText(), { timeout: 30_000 }).toMatch(/Unhealthy/);
    // biome-ignore lint/performance/useDomNodeTextContent: the text as laid out, as a person reads it
    const text = await main.innerText();
    const score = `score ${runAnswer.snapshot?.score} / 100`;
    for (const expected of [
      'Service Guard',
      score,
      'Risk timeline',
      'Metrics',
      'errors',
      'p99 latency',
      'requests',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toMatch(/Log clusters[\s\S]*NullPointerException/);
    // Styled by @backstage/ui's CSS, which the app imports once: its variables are defined.
    const buiVariable = await page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue('--bui-bg-neutral-1').trim(),
    );
    expect(buiVariable).not.toBe('');
    await page.screenshot({ path: screenshotPath, fullPage: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
