// Backstage's test utilities call the global `jest` (jest.fn()); vitest's `vi` has the same spy API.
// Testing Library unmounts after each test only where test globals exist; vitest runs without them here.
// Import this file first in every component test of this package.
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

(globalThis as { jest?: unknown }).jest ??= vi;
afterEach(cleanup);
