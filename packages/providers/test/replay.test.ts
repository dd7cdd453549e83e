import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEvent } from '@vigil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider } from '../src/factory.ts';
import { recordProvider } from '../src/record.ts';
import { type ReplayFile, ReplayProvider, parseReplayFile } from '../src/replay.ts';

const T0 = 1_699_999_980_000;
const source: ReplayFile = {
  version: 1,
  metrics: [
    {
      provider: 'prom',
      query: 'rate(errors{version="v2"}[1m])',
      group: 'canary',
      series: [
        {
          instance: 'web-3',
          points: Array.from(
            { length: 10 },
            (_, m) =>
              [T0 + m * 60_000, m === 3 ? null : m === 4 ? '+Inf' : m === 5 ? '-Inf' : m / 4] as [
                number,
                number | null | '+Inf' | '-Inf',
              ],
          ),
        },
      ],
    },
    {
      provider: 'prom',
      query: 'rate(errors{version="v1"}[1m])',
      group: 'baseline',
      series: ['web-1', 'web-2'].map((instance, i) => ({
        instance,
        points: Array.from({ length: 10 }, (_, m) => [T0 + m * 60_000, i + m] as [number, number]),
      })),
    },
  ],
  logs: [
    {
      provider: 'prom',
      query: 'service:web version:v2',
      group: 'canary',
      events: Array.from({ length: 30 }, (_, i) => ({
        t: T0 + i * 10_000,
        message: `event ${i}`,
        level: 'error' as const,
        instance: 'web-3',
      })),
    },
  ],
  problems: [
    {
      provider: 'prom',
      problems: [{ id: 'P-1', title: 'slow', status: 'open', start: T0 + 60_000, entities: ['web'] }],
    },
  ],
};

const canary = {
  metric: 'errors',
  query: 'rate(errors{version="{{v}}"}[1m])',
  vars: { v: 'v2' },
  instanceLabel: 'pod',
  group: 'canary' as const,
};
const baseline = { ...canary, vars: { v: 'v1' }, group: 'baseline' as const };

describe('replay and record', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-replay-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers window queries by filtering, with NaN and infinities restored', async () => {
    const r = new ReplayProvider({ type: 'replay', data: source });
    const [s] = await r.fetchMetric(canary, { start: T0 + 120_000, end: T0 + 360_000, step: 60_000 });
    expect(s!.points.map((p) => p.t)).toEqual([2, 3, 4, 5].map((m) => T0 + m * 60_000));
    expect(s!.points.map((p) => p.v)).toEqual([
      0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    const a = await r.fetchMetric(baseline, { start: T0, end: T0 + 300_000, step: 60_000 });
    const b = await r.fetchMetric(baseline, { start: T0 + 300_000, end: T0 + 600_000, step: 60_000 });
    const whole = await r.fetchMetric(baseline, { start: T0, end: T0 + 600_000, step: 60_000 });
    expect(
      ['web-1', 'web-2'].map((i) => [...a, ...b].filter((s) => s.instance === i).flatMap((s) => s.points)),
    ).toEqual(['web-1', 'web-2'].map((i) => whole.find((s) => s.instance === i)!.points));
    expect(whole[1]!.points[9]).toEqual({ t: T0 + 540_000, v: 10 });
  });

  it('says which queries exist when one was not recorded', async () => {
    const r = new ReplayProvider({ type: 'replay', data: source });
    await expect(
      r.fetchMetric({ ...canary, vars: { v: 'v9' } }, { start: T0, end: T0 + 60_000, step: 60_000 }),
    ).rejects.toThrow(
      /no recording of "rate\(errors\{version="v9"\}\[1m\]\)".*rate\(errors\{version="v2"\}\[1m\]\) \[canary\]/s,
    );
  });

  it('records any provider across incremental polls and replays the same answers', async () => {
    const inner = new ReplayProvider({ type: 'replay', name: 'prom', data: source });
    const rec = recordProvider(inner, { description: 'test' });
    const polls = [0, 1, 2, 3, 4].map((k) => ({
      start: T0 + k * 120_000,
      end: T0 + (k + 1) * 120_000,
      step: 60_000,
    }));
    const live: unknown[] = [];
    for (const w of polls) live.push(await rec.fetchMetric(canary, w), await rec.fetchMetric(baseline, w));
    const liveLogs: LogEvent[] = [];
    for await (const e of rec.fetchLogs!(
      { query: 'service:web version:{{v}}', vars: { v: 'v2' }, group: 'canary' },
      { start: T0, end: T0 + 200_000 },
    ))
      liveLogs.push(e);
    const liveProblems = await rec.problems!({ start: T0, end: T0 + 600_000 });
    const file = join(dir, 'run.json');
    await rec.save(file);
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe(1);

    const replay = createProvider({ type: 'replay', file });
    const again: unknown[] = [];
    for (const w of polls)
      again.push(await replay.fetchMetric(canary, w), await replay.fetchMetric(baseline, w));
    expect(again).toEqual(live);
    const replayedLogs: LogEvent[] = [];
    for await (const e of replay.fetchLogs!(
      { query: 'service:web version:{{v}}', vars: { v: 'v2' }, group: 'canary' },
      { start: T0, end: T0 + 200_000 },
    ))
      replayedLogs.push(e);
    expect(replayedLogs).toEqual(liveLogs);
    expect(liveLogs).toHaveLength(20);
    expect(await replay.problems!({ start: T0, end: T0 + 600_000 })).toEqual(liveProblems);
    expect(replay.usage()).toMatchObject({ calls: 0, requests: 12 });
  });

  it('rejects a broken file naming the bad field', async () => {
    expect(() => parseReplayFile('{"version": 2, "metrics": []}')).toThrow(/version is 2, expected 1/);
    expect(() =>
      parseReplayFile(
        JSON.stringify({
          version: 1,
          metrics: [{ provider: 'p', query: 'q', series: [{ instance: 'i', points: [[1, 'x']] }] }],
        }),
      ),
    ).toThrow(/metrics\[0\]\.series\[0\]\.points\[0\]/);
    const file = join(dir, 'two.json');
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        metrics: [
          { provider: 'a', query: 'q', series: [] },
          { provider: 'b', query: 'q', series: [] },
        ],
      }),
    );
    expect(() => createProvider({ type: 'replay', file })).toThrow(/several providers \(a, b\)/);
    expect(createProvider({ type: 'replay', file, source: 'b' }).name).toBe('replay');
    expect(() => createProvider({ type: 'replay', file: join(dir, 'missing.json') })).toThrow(
      /cannot read replay file/,
    );
  });

  it('factory refuses unknown types', () => {
    expect(() => createProvider({ type: 'graphite' } as never)).toThrow(/"graphite" is not known/);
  });
});
