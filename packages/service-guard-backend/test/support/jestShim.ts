// Backstage's test utilities call the global `jest` (jest.fn()) when they build mocks; vitest's `vi` has
// the same spy API. Import this file first in every test of this package.
import { vi } from 'vitest';

(globalThis as { jest?: unknown }).jest ??= vi;
