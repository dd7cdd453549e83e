import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProviderError } from '../src/errors.ts';
import { HttpMetricsProvider } from '../src/http-provider.ts';
import { type FakeServer, startFake } from './support/fake-server.ts';

const T0 = 1_699_999_980_000;
const secret = 'apm-token-987654321';

describe('generic HTTP provider', () => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await startFake((req) => {
      if (req.headers['x-api-key'] !== secret)
        return { status: 401, body: { message: `invalid key ${String(req.headers['x-api-key'])}` } };
      const body = req.body as { query: string; from: string; to: string };
      const from = Date.parse(body.from);
      const to = Date.parse(body.to);
      const rows: { time: string; host: string; value: number | string }[] = [];
      for (let t = T0 - 120_000; t < T0 + 600_000; t += 60_000) {
        for (const host of ['h1', 'h2']) {
          if (t >= from && t < to)
            rows.push({
              time: new Date(t).toISOString(),
              host,
              value: host === 'h1' ? (t - T0) / 60_000 : String((t - T0) / 30_000),
            });
        }
      }
      return { status: 200, body: { result: { rows }, echo: body.query } };
    });
  });
  afterAll(async () => {
    await fake?.close();
  });

  const make = (key = secret) =>
    new HttpMetricsProvider({
      type: 'http',
      name: 'apm',
      url: `${fake.url}/v1/{{tenant}}/query`,
      method: 'POST',
      headers: { 'x-tenant': '{{tenant}}' },
      secretHeaders: { 'x-api-key': key },
      body: '{"query": "{{query}}", "from": "{{startIso}}", "to": "{{endIso}}"}',
      pick: {
        points: '$.result.rows[*]',
        instance: '$.host',
        timestamp: '$.time',
        value: '$.value',
        timestampUnit: 'iso',
      },
    });

  it('renders the request, picks points with JSONPath, and clips to the window', async () => {
    const p = make();
    const got = await p.fetchMetric(
      {
        metric: 'm',
        query: 'errors where svc = "{{svc}}"',
        vars: { svc: 'we"b', tenant: 'team a/b' },
        instanceLabel: 'host',
      },
      { start: T0, end: T0 + 300_000, step: 60_000 },
    );
    expect(got).toEqual([
      { instance: 'h1', points: [0, 1, 2, 3, 4].map((m) => ({ t: T0 + m * 60_000, v: m })) },
      { instance: 'h2', points: [0, 1, 2, 3, 4].map((m) => ({ t: T0 + m * 60_000, v: 2 * m })) },
    ]);
    const req = fake.requests.at(-1)!;
    expect(req.path).toBe('/v1/team%20a%2Fb/query');
    expect(req.headers['x-tenant']).toBe('team a/b');
    expect((req.body as { query: string }).query).toBe('errors where svc = "we"b"');
    await p.close();
  });

  it('keeps secret header values out of errors', async () => {
    const p = make('wrong-key-123456');
    const e = await p
      .fetchMetric(
        { metric: 'm', query: 'x', vars: { tenant: 't' }, instanceLabel: 'host' },
        { start: T0, end: T0 + 60_000, step: 60_000 },
      )
      .catch((x: unknown) => x);
    expect(isProviderError(e) && e.kind).toBe('auth');
    expect(String((e as Error).message)).toContain('invalid key ***');
    await p.close();
  });

  it('refuses values that are not numbers instead of guessing', () => {
    const p = make();
    expect(() =>
      p.extract({ result: { rows: [{ time: new Date(T0).toISOString(), host: 'h', value: 'n/a' }] } }, 'm'),
    ).toThrow(/no number at pick.value/);
    expect(() => p.extract({ result: { rows: [{ time: 'yesterday', host: 'h', value: 1 }] } }, 'm')).toThrow(
      /no valid timestamp/,
    );
    expect(() =>
      p.extract({ result: { rows: [{ time: new Date(T0).toISOString(), value: 1 }] } }, 'm'),
    ).toThrow(/no instance/);
    const t = new Date(T0).toISOString();
    expect(() =>
      p.extract(
        {
          result: {
            rows: [
              { time: t, host: 'h', value: 1 },
              { time: t, host: 'h', value: 2 },
            ],
          },
        },
        'm',
      ),
    ).toThrow(/two points/);
  });

  it('rejects unsupported JSONPath at construction', () => {
    expect(
      () =>
        new HttpMetricsProvider({
          type: 'http',
          url: 'http://x/q',
          pick: { points: '$..rows', instance: '$.h', timestamp: '$.t', value: '$.v' },
        }),
    ).toThrow(/pick.points/);
  });
});
