/**
 * The pieces of a retrospective run: which deployed-at makes the Action verify a past window, the clock that
 * jumps over waits already over and then waits for real, and Prometheus' retention as it reports it.
 */
import { loadSpec } from '@vigil/core';
import { parsePromRetention } from '@vigil/providers';
import { describe, expect, it } from 'vitest';
import { catchUpClock, pastDeployStart, parseTimeArg } from '../src/index.ts';

const spec = (deployedAt?: string) =>
  loadSpec(`
apiVersion: vigil/v1
service: checkout
providers: { prom: { type: prometheus, url: "http://127.0.0.1:9" } }
strategy: { type: blue-green${deployedAt ? `, deployedAt: "${deployedAt}"` : ''} }
duration: 10m
interval: 1m
initialDelay: 2m
metrics: [{ name: latency, query: up }]
`);

describe("pastDeployStart (the Action's deployed-at)", () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  it('is the deploy time when its whole window has passed', () => {
    expect(pastDeployStart(spec('2026-12-02T11:00:00Z'), now)).toBe(Date.parse('2026-12-02T11:00:00Z'));
    // 11:48 + 2m delay + 10m = 12:00: just over.
    expect(pastDeployStart(spec('2026-12-02T11:48:00Z'), now)).toBe(Date.parse('2026-12-02T11:48:00Z'));
  });
  it('is undefined (a live run) when the window is not over, or without a deploy time', () => {
    expect(pastDeployStart(spec('2026-12-02T11:49:00Z'), now)).toBeUndefined();
    expect(pastDeployStart(spec(), now)).toBeUndefined();
  });
});

describe('catchUpClock', () => {
  it('jumps over waits that end before the wall clock, then waits on it', async () => {
    let wall = 1_000_000;
    const waited: number[] = [];
    const clock = catchUpClock(wall - 10_000, {
      now: () => wall,
      sleep: async (ms) => {
        waited.push(ms);
        wall += ms;
      },
    });
    expect(clock.now()).toBe(990_000);
    await clock.sleep(6_000);
    expect(clock.now()).toBe(996_000);
    expect(waited).toEqual([]);
    await clock.sleep(6_000); // ends 2 s after the wall clock: waits those 2 s for real
    expect(waited).toEqual([2_000]);
    expect(clock.now()).toBe(1_002_000);
    await clock.sleep(1_000);
    expect(waited).toEqual([2_000, 1_000]);
  });
  it('rejects when cancelled', async () => {
    const c = new AbortController();
    c.abort(new Error('stop'));
    await expect(catchUpClock(0).sleep(1, c.signal)).rejects.toThrow('stop');
  });
});

describe('time arguments and retention', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  it('reads ISO 8601, epoch seconds, now and relative times', () => {
    expect(parseTimeArg('2026-12-02T10:00:00Z', now, '--start')).toBe(Date.parse('2026-12-02T10:00:00Z'));
    expect(parseTimeArg('1764669600', now, '--start')).toBe(1_764_669_600_000);
    expect(parseTimeArg('now', now, '--end')).toBe(now);
    expect(parseTimeArg('-2h', now, '--start')).toBe(now - 7_200_000);
    expect(parseTimeArg('now-1h30m', now, '--start')).toBe(now - 5_400_000);
    expect(() => parseTimeArg('+2h', now, '--end')).toThrow('--end "+2h" is not a time');
    expect(() => parseTimeArg('2026-13-45', now, '--start')).toThrow('is not a time');
  });
  it('reads Prometheus storageRetention', () => {
    expect(parsePromRetention('15d')).toBe(15 * 86_400_000);
    expect(parsePromRetention('1y2w')).toBe((365 + 14) * 86_400_000);
    expect(parsePromRetention('15d or 10GiB')).toBe(15 * 86_400_000);
    expect(parsePromRetention('10GiB')).toBeUndefined();
    expect(parsePromRetention('')).toBeUndefined();
  });
});
