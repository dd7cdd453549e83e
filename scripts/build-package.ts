/**
 * Builds publishable packages: `node scripts/build-package.ts [package dir ...]` (default: the current
 * directory). Each package is compiled by TypeScript with its `tsconfig.build.json` into `dist/`: ES
 * modules and `.d.ts` declarations, one file per source file, which is what the package's
 * `publishConfig` points `exports`/`main`/`types` at when `pnpm pack` or `pnpm publish` packs it. The
 * workspace itself keeps running the `.ts` sources, so nothing here is needed for tests or the portal.
 *
 * Why tsc and not a bundler: the sources are already ES modules with erasable syntax and relative
 * `.ts` imports that `rewriteRelativeImportExtensions` turns into `.js`; a consumer's bundler (the Backstage
 * CLI) or Node needs nothing more, and tsc is the one tool that also writes the declarations.
 * TypeScript leaves the `.ts` specifiers of declaration files as written, so they are rewritten to `.js`
 * here: a consumer's compiler resolves `./x.js` to `./x.d.ts` under every module resolution mode.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

export function buildPackage(dir: string): void {
  const packageDir = resolve(dir);
  const config = join(packageDir, 'tsconfig.build.json');
  if (!existsSync(config)) throw new Error(`${packageDir}: no tsconfig.build.json, so nothing to build`);
  const outDir = join(packageDir, 'dist');
  rmSync(outDir, { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', config], { cwd: packageDir, stdio: 'inherit' });
  for (const file of filesUnder(outDir).filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(file, 'utf8');
    const rewritten = rewriteDeclarationSpecifiers(text);
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.slice(2);
  for (const dir of dirs.length > 0 ? dirs : ['.']) {
    const started = Date.now();
    buildPackage(dir);
    console.log(`built ${resolve(dir)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
