import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/test/**/*.test.tsx', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The Service Guard frontend tests load Backstage's UI packages; this one ships ESM that imports
    // directories, which only a bundler resolves, so vitest bundles it instead of loading it from Node.
    server: { deps: { inline: [/material-ui-popup-state/] } },
  },
});
