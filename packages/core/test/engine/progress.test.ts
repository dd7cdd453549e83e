import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/index.ts';

const base = {
  poll: 3,
  polls: 20,
  now: Date.UTC(2026, 10, 20, 14, 3, 0),
  message: 'poll 3/20: pass, score 98',
};

describe('progressLine (the CLI and the Action print the same line)', () => {
  it('shows the UTC time and the time left while polling', () => {
    expect(progressLine({ ...base, phase: 'polling', remaining: 17 * 60_000 })).toBe(
      '[14:03:00] poll 3/20: pass, score 98 · 17m left',
    );
  });

  it('omits the time left once nothing remains, and names any other phase', () => {
    expect(progressLine({ ...base, phase: 'polling', remaining: 0 })).toBe(
      '[14:03:00] poll 3/20: pass, score 98',
    );
    expect(progressLine({ ...base, phase: 'error', remaining: 60_000, message: 'prom: timeout' })).toBe(
      '[14:03:00] error: prom: timeout',
    );
  });
});
