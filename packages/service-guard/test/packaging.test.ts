/**
 * What the three Service Guard packages promise a Backstage app that installs them: `@backstage/*` as
 * caret ranges (an app on a newer release of the same line gets one copy, not two, which would break
 * React contexts), React from the app (peer), one plugin family in `backstage.pluginPackages`, no tests
 * in the tarball, and tree-shakeable frontend code.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packagesDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const PACKAGES = ['service-guard', 'service-guard-backend', 'service-guard-common'] as const;

interface PackageJson {
  name: string;
  sideEffects?: boolean;
  backstage: { pluginPackages: string[] };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const read = (dir: string): PackageJson =>
  JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as PackageJson;

describe('Service Guard packages as an app installs them', () => {
  it.each(PACKAGES)('%s takes @backstage/* as caret ranges', (dir) => {
    const deps = Object.entries(read(dir).dependencies ?? {}).filter(([n]) => n.startsWith('@backstage/'));
    expect(deps.length).toBeGreaterThan(0);
    for (const [name, range] of deps) expect(range, name).toMatch(/^\^\d+\.\d+\.\d+$/);
  });

  it('the frontend plugin takes react, react-dom and react-router-dom from the app', () => {
    const pkg = read('service-guard');
    for (const name of ['react', 'react-dom', 'react-router-dom']) {
      expect(pkg.peerDependencies?.[name], name).toMatch(/^\^/);
      expect(pkg.dependencies?.[name], name).toBeUndefined();
    }
  });

  it('all three name the same plugin family', () => {
    const names = PACKAGES.map((d) => read(d).name).sort();
    for (const dir of PACKAGES) expect(read(dir).backstage.pluginPackages.slice().sort(), dir).toEqual(names);
  });

  it('the frontend and common packages are free of side effects (tree-shaking)', () => {
    expect(read('service-guard').sideEffects).toBe(false);
    expect(read('service-guard-common').sideEffects).toBe(false);
  });

  it('the common package ships its sources, not its tests', () => {
    const out = execFileSync('pnpm', ['pack', '--dry-run', '--json'], {
      cwd: join(packagesDir, 'service-guard-common'),
      encoding: 'utf8',
    });
    const files = (JSON.parse(out) as { files: { path: string }[] }).files.map((f) => f.path);
    expect(files).toContain('src/index.ts');
    expect(files.filter((f) => !f.startsWith('src/') && f !== 'package.json')).toEqual([]);
  });
});
