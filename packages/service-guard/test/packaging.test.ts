/**
 * What the packages a Backstage app installs promise it (the three Service Guard packages and the two
 * libraries the backend imports): `@backstage/*` as caret ranges that admit the previous Backstage release
 * (an app on it keeps one copy of each package, not two, which would break React contexts), React from the
 * app (peer), one plugin family in `backstage.pluginPackages`, tree-shakeable frontend code, and tarballs
 * that hold the build (`dist/`, JavaScript and declarations) and what runs beside it (migrations, config
 * schema), never sources or tests. The workspace itself keeps running the `.ts` sources: `exports` point at
 * `src/` and `publishConfig` (applied by `pnpm pack`/`pnpm publish`) points them at `dist/`.
 * packages/service-guard/test/install.test.ts installs the tarballs into a Backstage app and opens the tab.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rewriteDeclarationSpecifiers, rewriteImportMeta } from '../../../scripts/build-package.ts';

const packagesDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const PLUGINS = ['service-guard', 'service-guard-backend', 'service-guard-common'] as const;
const PUBLISHED = [...PLUGINS, 'core', 'providers'] as const;

type Exports = Record<
  string,
  string | { types: string; default?: string; import?: string; require?: string }
>;
interface PackageJson {
  name: string;
  main?: string;
  types?: string;
  sideEffects?: boolean;
  exports: Exports;
  publishConfig?: { main: string; module?: string; types: string; exports: Exports };
  files?: string[];
  scripts?: Record<string, string>;
  backstage?: { pluginPackages: string[] };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const read = (dir: string): PackageJson =>
  JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as PackageJson;

/** `^1.2.3`, or several such ranges joined by `||` (when the previous release has an older minor of a 0.x). */
const CARETS = /^\^\d+\.\d+\.\d+( \|\| \^\d+\.\d+\.\d+)*$/;

/**
 * The versions of the Backstage release one minor older than the workspace's (1.54.0): those the test app
 * pins, and those of packages it does not name, from @backstage/create-app 0.9.1's version table (the
 * release's create-app) or, where that has none, from what 1.54's own packages require
 * (plugin-catalog-backend 3.9.0, plugin-notifications-backend 0.6.8, plugin-catalog-react 3.2.1).
 */
function previousReleaseVersions(): Record<string, string> {
  const app = resolve(packagesDir, '../test/backstage-app/packages');
  const deps = (p: string) =>
    (JSON.parse(readFileSync(join(app, p, 'package.json'), 'utf8')) as PackageJson).dependencies ?? {};
  return {
    '@backstage/catalog-client': '1.16.1',
    '@backstage/catalog-model': '1.10.0',
    '@backstage/errors': '1.3.1',
    '@backstage/plugin-catalog-react': '3.2.1',
    '@backstage/plugin-permission-react': '0.5.4',
    '@backstage/plugin-catalog-node': '2.2.4',
    '@backstage/types': '1.2.2',
    '@backstage/plugin-notifications-node': '0.2.29',
    '@backstage/filter-predicates': '0.1.4',
    ...deps('app'),
    ...deps('backend'),
  };
}

/** Does `version` satisfy a range of the CARETS form (`^0.x.y` stays within 0.x, `^1.x.y` within 1)? */
function satisfiesCarets(range: string, version: string): boolean {
  const v = version.split('.').map(Number);
  return range.split(' || ').some((part) => {
    const r = part.slice(1).split('.').map(Number);
    const sameLine = r[0] === 0 ? v[0] === 0 && v[1] === r[1] : v[0] === r[0];
    const atLeast = v[1]! > r[1]! || (v[1] === r[1] && v[2]! >= r[2]!) || v[0]! > r[0]!;
    return sameLine && atLeast;
  });
}

describe('Vigil packages as a Backstage app installs them', () => {
  it.each(PLUGINS)('%s takes @backstage/* as caret ranges', (dir) => {
    const deps = Object.entries(read(dir).dependencies ?? {}).filter(([n]) => n.startsWith('@backstage/'));
    expect(deps.length).toBeGreaterThan(0);
    for (const [name, range] of deps) expect(range, name).toMatch(CARETS);
  });

  it.each(PLUGINS)('%s admits the previous Backstage release of each @backstage/* package', (dir) => {
    const previous = previousReleaseVersions();
    const deps = Object.entries(read(dir).dependencies ?? {}).filter(([n]) => n.startsWith('@backstage/'));
    expect(deps.length).toBeGreaterThan(0);
    for (const [name, range] of deps) {
      expect(previous[name], `${name}: add its Backstage 1.54 version here`).toBeDefined();
      expect(satisfiesCarets(range, previous[name]!), `${name} ${range}`).toBe(true);
    }
  });

  it('the caret check it relies on follows semver for 0.x and 1.x', () => {
    expect(satisfiesCarets('^0.18.0', '0.18.1')).toBe(true);
    expect(satisfiesCarets('^0.18.1', '0.18.0')).toBe(false);
    expect(satisfiesCarets('^0.18.0', '0.17.1')).toBe(false);
    expect(satisfiesCarets('^0.17.1 || ^0.18.0', '0.17.1')).toBe(true);
    expect(satisfiesCarets('^1.10.0', '1.12.0')).toBe(true);
    expect(satisfiesCarets('^1.10.1', '1.10.0')).toBe(false);
    expect(satisfiesCarets('^1.10.1', '2.0.0')).toBe(false);
  });

  it('the frontend plugin takes react, react-dom and react-router-dom from the app', () => {
    const pkg = read('service-guard');
    for (const name of ['react', 'react-dom', 'react-router-dom']) {
      expect(pkg.peerDependencies?.[name], name).toMatch(/^\^/);
      expect(pkg.dependencies?.[name], name).toBeUndefined();
    }
  });

  it('all three name the same plugin family', () => {
    const names = PLUGINS.map((d) => read(d).name).sort();
    for (const dir of PLUGINS) expect(read(dir).backstage?.pluginPackages.slice().sort(), dir).toEqual(names);
  });

  it('the frontend and common packages are free of side effects (tree-shaking)', () => {
    expect(read('service-guard').sideEffects).toBe(false);
    expect(read('service-guard-common').sideEffects).toBe(false);
  });

  it.each(PUBLISHED)('%s runs from sources in the workspace and from dist/ once packed', (dir) => {
    const pkg = read(dir);
    expect(pkg.scripts?.build, 'build script').toBe('node ../../scripts/build-package.ts');
    expect(existsSync(join(packagesDir, dir, 'tsconfig.build.json'))).toBe(true);
    expect(pkg.main, 'main (workspace: exports only)').toBeUndefined();
    const published = pkg.publishConfig;
    // What an app's backend can reach also ships CommonJS (dist/cjs): a CommonJS module of the backend that
    // requires one of them while the backend import()s it fails on an ES module (scripts/build-package.ts).
    // The frontend plugin is only ever bundled.
    const dual = dir !== 'service-guard';
    expect(existsSync(join(packagesDir, dir, 'tsconfig.build.cjs.json'))).toBe(dual);
    expect(published?.main).toBe(dual ? './dist/cjs/index.js' : './dist/index.js');
    expect(published?.types).toBe('./dist/index.d.ts');
    expect(Object.keys(published?.exports ?? {}).sort()).toEqual(Object.keys(pkg.exports).sort());
    for (const [entry, source] of Object.entries(pkg.exports)) {
      const target = published!.exports[entry];
      if (entry === './package.json') {
        expect(target).toBe('./package.json');
        continue;
      }
      // ./src/alpha.tsx in the workspace is ./dist/alpha.js (and .d.ts) once packed
      expect(typeof source === 'string' && source.startsWith('./src/'), `${entry} -> ${String(source)}`).toBe(
        true,
      );
      const base = (source as string).replace(/^\.\/src\//, '').replace(/\.tsx?$/, '');
      expect(target, entry).toEqual(
        dual
          ? { types: `./dist/${base}.d.ts`, import: `./dist/${base}.js`, require: `./dist/cjs/${base}.js` }
          : { types: `./dist/${base}.d.ts`, default: `./dist/${base}.js` },
      );
      expect(existsSync(join(packagesDir, dir, source as string)), String(source)).toBe(true);
    }
  });

  it.each(PUBLISHED)('%s packs its build and what runs beside it, never sources or tests', (dir) => {
    const out = execFileSync('pnpm', ['pack', '--dry-run', '--json'], {
      cwd: join(packagesDir, dir),
      encoding: 'utf8',
    });
    const packed = JSON.parse(out) as { files: { path: string }[] };
    const files = packed.files.map((f) => f.path);
    const allowed =
      /^(dist\/.+\.(js|d\.ts)|dist\/cjs\/package\.json|migrations\/[^/]+\.js|config\.d\.ts|package\.json|README\.md)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files.filter((f) => /\.test\.|\/test\//.test(f))).toEqual([]);
    expect(read(dir).files).toEqual(
      dir === 'service-guard-backend' ? ['dist', 'migrations', 'config.d.ts'] : ['dist'],
    );
  });
});

describe('declarations as the build writes them', () => {
  it('point relative imports at .js, which a consumer resolves to the .d.ts beside it', () => {
    const text = [
      "import type { A } from './types.ts';",
      "export * from '../x/index.tsx';",
      "export type B = import('./b.ts').B;",
      "import { z } from 'zod';",
      "import type { C } from '@vigil/core';",
    ].join('\n');
    expect(rewriteDeclarationSpecifiers(text)).toBe(
      [
        "import type { A } from './types.js';",
        "export * from '../x/index.js';",
        "export type B = import('./b.js').B;",
        "import { z } from 'zod';",
        "import type { C } from '@vigil/core';",
      ].join('\n'),
    );
  });
});

describe('the CommonJS copy as the build writes it', () => {
  it("turns import.meta.url into its ES module twin's URL, so ../migrations names the same folder", () => {
    const text = "const dir = fileURLToPath(new URL('../migrations', import.meta.url));";
    const rewritten = rewriteImportMeta(text, '../store.js', 'dist/cjs/store.js');
    expect(rewritten).not.toContain('import.meta');
    // Evaluated as the CommonJS file /pkg/dist/cjs/store.js would evaluate it.
    const dir = new Function('require', '__dirname', 'fileURLToPath', `${rewritten}; return dir;`)(
      (id: string) => ({ 'node:url': { pathToFileURL }, 'node:path': { join } })[id],
      '/pkg/dist/cjs',
      fileURLToPath,
    );
    expect(dir).toBe('/pkg/migrations');
  });

  it('refuses any other import.meta, which CommonJS cannot parse', () => {
    expect(() => rewriteImportMeta('const d = import.meta.dirname;', '../a.js', 'dist/cjs/a.js')).toThrow(
      /dist\/cjs\/a\.js: import\.meta other than import\.meta\.url/,
    );
  });
});
