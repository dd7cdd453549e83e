/**
 * Bundles the GitHub Action (packages/action/src/index.ts) with esbuild into dist/: index.js (ESM, minified,
 * tree-shaken, one file) and licenses.txt (the licence of every bundled third-party package).
 * Usage: node scripts/build-action.ts OUT_DIR (scripts/build-action.sh sets it).
 *
 * Why esbuild rather than ncc: a runner parses the whole bundle before the first request, and ncc (webpack
 * without tree shaking) kept every zod locale and both copies of undici, 3.9 MB and 200 ms of start. esbuild
 * drops unused ES exports; what it cannot see through is trimmed here, with the reason next to each rule.
 * Type checking is `pnpm typecheck`'s job, not the bundler's.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const actionDir = join(root, 'packages/action');
const require = createRequire(join(actionDir, 'package.json'));
const esbuild = require('esbuild') as typeof import('esbuild');

const out = resolve(process.argv[2] ?? join(root, 'dist'));
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

/**
 * zod's classic API re-exports all ~40 message locales as `z.locales` (a quarter of a megabyte); Vigil
 * formats spec errors itself and only ever uses the default English one, which zod loads from `en.js`.
 */
const onlyEnglishZodLocales: import('esbuild').Plugin = {
  name: 'only-english-zod-locales',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: "export { default as en } from './en.js';\n",
      loader: 'js',
    }));
  },
};

/**
 * `import * as http from 'http'` (in @actions/http-client) makes Node build the ES module facade of node:http,
 * which reads every export, including the lazy WebSocket getters that load Node's internal copy of undici: a
 * fifth of the start-up. Through require() the getters stay lazy.
 */
const httpThroughRequire: import('esbuild').Plugin = {
  name: 'http-through-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?https?$/ }, (args) =>
      args.kind === 'import-statement'
        ? { path: args.path.replace(/^node:/, ''), namespace: 'builtin-cjs' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin-cjs' }, (args) => ({
      contents: `module.exports = require('node:${args.path}');\n`,
      loader: 'js',
    }));
  },
};

/**
 * undici's index.js evaluates all of undici (fetch, WebSocket, EventSource, cache, cookies, mocks) when the
 * bundle starts; build-action-undici.cjs exports only what the bundle uses, and loads fetch on first use.
 * The bundle fails to build if code starts to import another part of undici.
 */
const undiciDir = dirname(
  createRequire(join(root, 'packages/providers/package.json')).resolve('undici/package.json'),
);
const slimUndici: import('esbuild').Plugin = {
  name: 'slim-undici',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'slim-undici' }));
    build.onLoad({ filter: /.*/, namespace: 'slim-undici' }, () => ({
      contents: readFileSync(join(root, 'scripts/build-action-undici.cjs'), 'utf8'),
      loader: 'js',
      resolveDir: undiciDir,
    }));
  },
};

const result = await esbuild.build({
  absWorkingDir: actionDir,
  entryPoints: ['src/index.ts'],
  outdir: out,
  bundle: true,
  // One file: the GitHub client is still evaluated only when main.ts first imports it (esbuild defers the
  // modules behind an import()), and runners read one file instead of a graph of chunks.
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // undici checks `esbuildDetection` to know it is bundled, as Node bundles it: then it keeps only its llhttp
  // parser and leaves out the experimental milo parser (150 kB), as Node's own copy of undici does.
  define: { esbuildDetection: 'true' },
  // CommonJS dependencies (undici, tunnel) call require() on Node built-ins inside an ES module.
  banner: {
    js: "import{createRequire as __vigilRequire}from'node:module';const require=__vigilRequire(import.meta.url);",
  },
  plugins: [onlyEnglishZodLocales, httpThroughRequire, slimUndici],
});

writeFileSync(join(out, 'package.json'), '{\n  "type": "module"\n}\n');
writeFileSync(join(out, 'licenses.txt'), licenses(result.metafile));

/** The licence of each bundled package (name, SPDX id, licence text), sorted by name, as ncc wrote it. */
function licenses(meta: import('esbuild').Metafile): string {
  const dirs = new Map<string, string>();
  for (const input of Object.keys(meta.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(resolve(actionDir, input));
    if (!m) continue;
    const pkg = JSON.parse(readFileSync(join(m[1]!, 'package.json'), 'utf8')) as {
      name: string;
      license?: string;
    };
    dirs.set(pkg.name, m[1]!);
  }
  const parts: string[] = [];
  for (const name of [...dirs.keys()].sort()) {
    const dir = dirs.get(name)!;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { license?: string };
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : '';
    parts.push(`${name}\n${pkg.license ?? 'UNKNOWN'}\n${text}\n`);
  }
  return parts.join('\n');
}
