/**
 * Builds the portal's frontend with Vite into portal/dist, unless the build there is newer than every
 * source it comes from (the app, the plugin, the common package).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const distDir = join(here, 'dist');
const sources = [
  join(here, 'app'),
  resolve(here, '../packages/service-guard/src'),
  resolve(here, '../packages/service-guard-common/src'),
  join(here, 'package.json'),
  join(here, 'buildApp.ts'),
];

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

const require = createRequire(import.meta.url);
const browserPackage = (name: string, file: string) =>
  join(dirname(require.resolve(`${name}/package.json`)), file);
/**
 * Node built-ins that Backstage's browser code still imports, mapped to their browser packages (what the
 * Backstage CLI's webpack config does). Without them the catalog page's CSV export (csv-stringify: `stream`,
 * `string_decoder`, `Buffer`) threw "Buffer is not defined" and `/catalog` crashed. The globals `Buffer` and
 * `process` are set in app/polyfills.ts.
 */
const nodeBuiltins: Record<string, string> = {
  buffer: browserPackage('buffer', 'index.js'),
  events: browserPackage('events', 'events.js'),
  process: browserPackage('process', 'browser.js'),
  stream: browserPackage('readable-stream', 'readable-browser.js'),
  string_decoder: browserPackage('string_decoder', 'lib/string_decoder.js'),
};

export function appIsBuilt(): boolean {
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  return sources.every((s) => newest(s) < built);
}

/** Builds when needed (or always with `force`); returns whether it built. */
export async function buildApp(
  options: { force?: boolean; log?: (s: string) => void } = {},
): Promise<boolean> {
  if (!options.force && appIsBuilt()) return false;
  options.log?.('portal: building the frontend with Vite (about a minute the first time)...');
  const { build } = await import('vite');
  await build({
    root: join(here, 'app'),
    configFile: false,
    // Backstage's dependencies warn about "use client" directives and node-fetch's Node modules by
    // the dozen; none of it matters in the browser bundle.
    logLevel: 'error',
    base: '/',
    resolve: {
      alias: Object.entries(nodeBuiltins).map(([name, path]) => ({
        find: new RegExp(`^(node:)?${name}/?$`),
        replacement: path,
      })),
    },
    // A production bundle even when started from a test runner (which sets NODE_ENV=test).
    mode: 'production',
    esbuild: { jsx: 'automatic', jsxDev: false },
    // Some of Backstage's browser code still names Node's `global`.
    define: { 'process.env.NODE_ENV': JSON.stringify('production'), global: 'globalThis' },
    build: {
      outDir: distDir,
      emptyOutDir: true,
      chunkSizeWarningLimit: 10_000,
      reportCompressedSize: false,
    },
  });
  return true;
}
