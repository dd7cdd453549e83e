/**
 * Builds publishable packages: `node scripts/build-package.ts [--if-changed] [package dir ...]` (default:
 * the current directory; `--if-changed` skips a package whose build inputs did not change). Each package is compiled by TypeScript with its `tsconfig.build.json` into `dist/`: ES
 * modules and `.d.ts` declarations, one file per source file, which is what the package's
 * `publishConfig` points `exports`/`main`/`types` at when `pnpm pack` or `pnpm publish` packs it. The
 * workspace itself keeps running the `.ts` sources, so nothing here is needed for tests or the portal.
 *
 * Why tsc and not a bundler: the sources are already ES modules with erasable syntax and relative
 * `.ts` imports that `rewriteRelativeImportExtensions` turns into `.js`; a consumer's bundler (the Backstage
 * CLI) or Node needs nothing more, and tsc is the one tool that also writes the declarations.
 * TypeScript leaves the `.ts` specifiers of declaration files as written, so they are rewritten to `.js`
 * here: a consumer's compiler resolves `./x.js` to `./x.d.ts` under every module resolution mode.
 *
 * A package with a `tsconfig.build.cjs.json` also gets a CommonJS copy in `dist/cjs/` (its `require`
 * export). Backstage backends are CommonJS: a module of the app's backend (a permission policy, a module
 * that uses the backend plugin's helpers) that `require`s an ES module while the backend `import()`s the
 * same module for a plugin fails with ERR_REQUIRE_ESM_RACE_CONDITION, both under `backstage-cli package
 * start` and from `backstage-cli package build`'s output, so every package an app's backend can reach
 * (common, backend, core, providers) offers both. `import.meta.url` is the one ES-module-only expression
 * the sources use (the backend's migrations folder, relative to the module); in the CommonJS copy it
 * becomes the URL of the file's ES module twin, so paths relative to it name the same files in both.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');

/** Relative specifiers ending in .ts/.tsx/.mts in `from '...'`, `import('...')` and `export ... from`. */
const TS_SPECIFIER = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+?)\.(?:tsx?|mts)(['"])/g;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

export function rewriteDeclarationSpecifiers(text: string): string {
  return text.replace(TS_SPECIFIER, '$1$2.js$3');
}

/**
 * A CommonJS file of `dist/cjs/` with `import.meta.url` (a syntax error in CommonJS) replaced by the URL of
 * its ES module twin in `dist/`, whose path relative to the CommonJS file is `twin` (`../store.js`).
 * Throws on any other use of `import.meta`, which would fail only when the CommonJS copy is loaded.
 */
export function rewriteImportMeta(text: string, twin: string, file: string): string {
  const url = `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(twin)})).href`;
  const rewritten = text.replace(/\bimport\.meta\.url\b/g, url);
  if (/\bimport\.meta\b/.test(rewritten))
    throw new Error(`${file}: import.meta other than import.meta.url has no CommonJS equivalent here`);
  return rewritten;
}

/**
 * A hash of what a package's build reads: its sources and build settings, and the sources of the workspace
 * packages it depends on (their types end up in its declarations).
 */
export function buildInputsHash(packageDir: string, seen = new Set<string>()): string {
  const hash = createHash('sha256');
  const visit = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const files = [
      ...filesUnder(join(dir, 'src')),
      ...['package.json', 'tsconfig.build.json', 'tsconfig.build.cjs.json'].map((f) => join(dir, f)),
    ].filter((f) => existsSync(f));
    for (const file of files.sort()) hash.update(file).update(readFileSync(file));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
      if (!range.startsWith('workspace:')) continue;
      const dep = join(repoRoot, 'packages', name.replace(/^@vigil\/(backstage-plugin-)?/, ''));
      if (existsSync(join(dep, 'package.json'))) visit(dep);
    }
  };
  hash.update(readFileSync(join(repoRoot, 'tsconfig.base.json')));
  visit(packageDir);
  return hash.digest('hex');
}

/** Where a package's last build's input hash is kept (ignored by git and by `pnpm pack`). */
const stampPath = (packageDir: string) => join(packageDir, 'node_modules/.cache/vigil-build.sha256');

/**
 * Builds the package in `dir`. With `ifChanged`, a package whose sources (and its workspace dependencies'
 * sources) are unchanged since its last build keeps its `dist/`. Returns whether it built.
 */
export function buildPackage(dir: string, options: { ifChanged?: boolean } = {}): boolean {
  const packageDir = resolve(dir);
  const inputs = buildInputsHash(packageDir);
  const stamp = stampPath(packageDir);
  if (
    options.ifChanged &&
    existsSync(join(packageDir, 'dist')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === inputs
  )
    return false;
  rmSync(stamp, { force: true });
  const config = join(packageDir, 'tsconfig.build.json');
  if (!existsSync(config)) throw new Error(`${packageDir}: no tsconfig.build.json, so nothing to build`);
  const outDir = join(packageDir, 'dist');
  rmSync(outDir, { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', config], { cwd: packageDir, stdio: 'inherit' });
  const cjsConfig = join(packageDir, 'tsconfig.build.cjs.json');
  if (existsSync(cjsConfig)) {
    execFileSync(process.execPath, [tsc, '-p', cjsConfig], { cwd: packageDir, stdio: 'inherit' });
    // The package is "type": "module"; this marks the .js files below it as CommonJS.
    writeFileSync(join(outDir, 'cjs/package.json'), '{ "type": "commonjs" }\n');
    const cjsDir = join(outDir, 'cjs');
    for (const file of filesUnder(cjsDir).filter((f) => f.endsWith('.js'))) {
      const twin = relative(dirname(file), join(outDir, relative(cjsDir, file)))
        .split(sep)
        .join('/');
      const text = readFileSync(file, 'utf8');
      const rewritten = rewriteImportMeta(text, twin, file);
      if (rewritten !== text) writeFileSync(file, rewritten);
    }
  }
  for (const file of filesUnder(outDir).filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(file, 'utf8');
    const rewritten = rewriteDeclarationSpecifiers(text);
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
  mkdirSync(join(stamp, '..'), { recursive: true });
  writeFileSync(stamp, inputs);
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifChanged = process.argv.includes('--if-changed');
  const dirs = process.argv.slice(2).filter((a) => a !== '--if-changed');
  for (const dir of dirs.length > 0 ? dirs : ['.']) {
    const started = Date.now();
    const built = buildPackage(dir, { ifChanged });
    const took = ((Date.now() - started) / 1000).toFixed(1);
    console.log(built ? `built ${resolve(dir)} in ${took} s` : `${resolve(dir)} is up to date`);
  }
}
