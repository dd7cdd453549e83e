/**
 * Fault injection for every network adapter: each fault must end in the right data or in a clear,
 * classified error, never in a wrong number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatadogProvider } from '../src/datadog.ts';
import { DynatraceProvider } from '../src/dynatrace.ts';
import { HttpMetricsProvider } from '../src/http-provider.ts';
import { PrometheusProvider } from '../src/prometheus.ts';
import type { InstanceSeries, MetricQuery, Provider, ProviderDeps } from '../src/provider.ts';
import { startDatadogFake } from './support/datadog-fake.ts';
import { startDynatraceFake } from './support/dynatrace-fake.ts';
import { startPrometheusFake } from './support/prometheus-fake.ts';
import {
  type FakeRequest,
  type FakeServer,
  recordingSleep,
  seededRandom,
  startFake,
} from './support/fake-server.ts';
import { caught } from './support/caught.ts';

const T0 = 1_699_999_980_000;
const minutes = 5;
const window = { start: T0, end: T0 + minutes * 60_000, step: 60_000 };
const instances = ['a', 'b'];
const value = (inst: string, m: number) => (inst === 'a' ? 10 : 20) + m * 1.5;
const expected: InstanceSeries[] = instances.map((instance) => ({
  instance,
  points: Array.from({ length: minutes }, (_, m) => ({ t: T0 + m * 60_000, v: value(instance, m) })),
}));
const http = { retries: 3, timeoutMs: 300, backoffMs: 100, maxBackoffMs: 10_000, budgetMs: 60_000 };

/** A custom APM: `{ series: [{ host, points: [{ ts (s), value }] }] }`. */
function apmHandler(req: FakeRequest) {
  const from = Number(req.query.get('from')) * 1000;
  const to = Number(req.query.get('to')) * 1000;
  return {
    status: 200,
    body: {
      series: instances.map((host) => ({
        host,
        points: Array.from({ length: minutes }, (_, m) => T0 + m * 60_000)
          .filter((t) => t >= from && t < to)
          .map((t) => ({ ts: t / 1000, value: value(host, (t - T0) / 60_000) })),
      })),
    },
  };
}

interface Adapter {
  name: string;
  start(): Promise<FakeServer>;
  make(url: string, deps: ProviderDeps): Provider;
  query: MetricQuery;
  /** Replaces every value in a normal body with the vendor's "no number" (null / "NaN"). */
  nan(body: unknown): unknown;
  empty(body: unknown): unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: test bodies are free-form JSON
type Body = Record<string, any>;

const adapters: Adapter[] = [
  {
    name: 'prometheus',
    start: () => startPrometheusFake(instances, (i, t) => value(i, (t - T0) / 60_000)),
    make: (url, deps) => new PrometheusProvider({ type: 'prometheus', url, http }, deps),
    query: { metric: 'm', query: 'rate(x[1m])', instanceLabel: 'pod' },
    nan: (b) => {
      for (const s of (b as Body).data.result) for (const v of s.values) v[1] = 'NaN';
      return b;
    },
    empty: (b) => ({ ...(b as Body), data: { resultType: 'matrix', result: [] } }),
  },
  {
    name: 'datadog',
    start: () =>
      startDatadogFake({
        apiKey: 'k-api-123456',
        appKey: 'k-app-123456',
        series: instances.map((i) => ({
          metric: 'm.x',
          tags: { pod_name: i },
          points: Array.from({ length: minutes }, (_, m): [number, number] => [T0 + m * 60_000, value(i, m)]),
        })),
      }),
    make: (baseUrl, deps) =>
      new DatadogProvider(
        { type: 'datadog', baseUrl, apiKey: 'k-api-123456', appKey: 'k-app-123456', http },
        deps,
      ),
    query: { metric: 'm', query: 'avg:m.x{*}', instanceLabel: 'pod_name' },
    nan: (b) => {
      for (const s of (b as Body).series) for (const p of s.pointlist) p[1] = null;
      return b;
    },
    empty: (b) => ({ ...(b as Body), series: [] }),
  },
  {
    name: 'dynatrace',
    start: () =>
      startDynatraceFake({
        token: 'dt0c01.X.SECRET',
        series: instances.map((i) => ({
          metric: 'ext:m',
          dims: { pod: i },
          points: Array.from({ length: minutes }, (_, m): [number, number] => [T0 + m * 60_000, value(i, m)]),
        })),
      }),
    make: (url, deps) =>
      new DynatraceProvider({ type: 'dynatrace', url, token: 'dt0c01.X.SECRET', http }, deps),
    query: { metric: 'm', query: 'ext:m:splitBy("pod")', instanceLabel: 'pod' },
    nan: (b) => {
      for (const d of (b as Body).result[0].data) d.values = d.values.map(() => null);
      return b;
    },
    empty: (b) => ({ ...(b as Body), result: [{ ...(b as Body).result[0], data: [] }] }),
  },
  {
    name: 'http',
    start: () => startFake(apmHandler),
    make: (url, deps) =>
      new HttpMetricsProvider(
        {
          type: 'http',
          url: `${url}/series?q={{query}}&from={{startSeconds}}&to={{endSeconds}}`,
          pick: {
            series: '$.series[*]',
            instance: '$.host',
            points: '$.points[*]',
            timestamp: '$.ts',
            value: '$.value',
            timestampUnit: 's',
          },
          http,
        },
        deps,
      ),
    query: { metric: 'm', query: 'errors', instanceLabel: 'host' },
    nan: (b) => {
      for (const s of (b as Body).series) for (const p of s.points) p.value = null;
      return b;
    },
    empty: () => ({ series: [] }),
  },
];

const sorted = (s: InstanceSeries[]) => [...s].sort((a, b) => a.instance.localeCompare(b.instance));

describe.each(adapters)('$name under injected faults', (a) => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await a.start();
  });
  afterAll(async () => {
    expect(fake.violations).toEqual([]);
    await fake?.close();
  });
  const setup = () => {
    const s = recordingSleep();
    const provider = a.make(fake.url, { sleep: s.sleep, random: seededRandom(7) });
    return { provider, waits: s.waits };
  };

  it('returns the reference data without faults', async () => {
    const { provider } = setup();
    expect(sorted(await provider.fetchMetric(a.query, window))).toEqual(expected);
  });

  it('honours Retry-After on 429', async () => {
    const { provider, waits } = setup();
    fake.inject({ kind: 'status', status: 429, headers: { 'retry-after': '2' } });
    expect(sorted(await provider.fetchMetric(a.query, window))).toEqual(expected);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(waits[0]).toBeLessThanOrEqual(2200);
    expect(provider.usage()).toMatchObject({ calls: 2, retries: 1, rateLimited: 1, failures: 0 });
  });

  it('honours X-RateLimit-Reset on 429 (Datadog headers)', async () => {
    const { provider, waits } = setup();
    fake.inject({
      kind: 'status',
      status: 429,
      headers: {
        'x-ratelimit-limit': '100',
        'x-ratelimit-period': '10',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '3',
        'x-ratelimit-name': 'query',
      },
    });
    expect(sorted(await provider.fetchMetric(a.query, window))).toEqual(expected);
    expect(waits[0]).toBeGreaterThanOrEqual(3000);
    expect(waits[0]).toBeLessThanOrEqual(3300);
  });

  it('backs off exponentially with jitter on 429 without headers (Dynatrace style)', async () => {
    const { provider, waits } = setup();
    fake.inject({ kind: 'status', status: 429 }, 3);
    expect(sorted(await provider.fetchMetric(a.query, window))).toEqual(expected);
    expect(waits).toHaveLength(3);
    waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(50 * 2 ** i);
      expect(w).toBeLessThanOrEqual(100 * 2 ** i);
    });
  });

  it('gives up with a rate-limited error when 429s outlast the retries', async () => {
    const { provider } = setup();
    fake.inject({ kind: 'status', status: 429 }, 4);
    const e = await caught(provider.fetchMetric(a.query, window));
    expect(e.kind).toBe('rate-limited');
    expect(e.message).toContain('after 4 attempts');
    expect(provider.usage()).toMatchObject({ calls: 4, rateLimited: 4, failures: 1 });
  });

  it('fails at once when the requested wait exceeds the budget', async () => {
    const { provider, waits } = setup();
    fake.inject({ kind: 'status', status: 429, headers: { 'retry-after': '3600' } });
    const e = await caught(provider.fetchMetric(a.query, window));
    expect(e.kind).toBe('rate-limited');
    expect(e.message).toContain('budget');
    expect(waits).toEqual([]);
  });

  for (const status of [500, 502, 503]) {
    it(`retries ${status} and returns the data`, async () => {
      const { provider } = setup();
      fake.inject({ kind: 'status', status, body: { error: 'boom' } });
      expect(sorted(await provider.fetchMetric(a.query, window))).toEqual(expected);
    });
  }

  it('ends persistent 500s in an unavailable error', async () => {
    const { provider } = setup();
    fake.inject({ kind: 'status', status: 500 }, 4);
    const e = await caught(provider.fetchMetric(a.query, window));
    expect(e.kind).toBe('unavailable');
    expect(e.status).toBe(500);
  });

  it('retries after a timeout', async () => {
    const { provider } = setup();
    fake.inject({ kind: 'hang' });
    expect(sorted(await provider.fetchMetric(a.query, window))).toEqual(expected);
    expect(provider.usage().retries).toBe(1);
  });

  it('ends persistent timeouts in a timeout error', async () => {
    const { provider } = setup();
    fake.inject({ kind: 'hang' }, 4);
    const e = await caught(provider.fetchMetric(a.query, window));
    expect(e.kind).toBe('timeout');
  });

  it('retries after a connection reset', async () => {
    const { provider } = setup();
    fake.inject({ kind: 'reset' });
    expect(sorted(await provider.fetchMetric(a.query, window))).toEqual(expected);
  });

  it('retries a malformed body, and classifies a persistently malformed one', async () => {
    const { provider } = setup();
    fake.inject({ kind: 'malformed' });
    expect(sorted(await provider.fetchMetric(a.query, window))).toEqual(expected);
    fake.inject({ kind: 'malformed' }, 4);
    expect((await caught(provider.fetchMetric(a.query, window))).kind).toBe('malformed');
  });

  it('retries a truncated response', async () => {
    const { provider } = setup();
    fake.inject({ kind: 'truncate' });
    expect(sorted(await provider.fetchMetric(a.query, window))).toEqual(expected);
  });

  it('reports vendor gaps as NaN at their timestamps, never as a number', async () => {
    const { provider } = setup();
    fake.inject({ kind: 'rewrite', rewrite: a.nan });
    const got = sorted(await provider.fetchMetric(a.query, window));
    expect(got.map((s) => s.points.map((p) => p.t))).toEqual(expected.map((s) => s.points.map((p) => p.t)));
    expect(got.flatMap((s) => s.points).every((p) => Number.isNaN(p.v))).toBe(true);
  });

  it('returns no series for an empty result', async () => {
    const { provider } = setup();
    fake.inject({ kind: 'rewrite', rewrite: a.empty });
    expect(await provider.fetchMetric(a.query, window)).toEqual([]);
  });

  it('classifies a structurally wrong body as malformed', async () => {
    const { provider } = setup();
    fake.inject({ kind: 'rewrite', rewrite: () => ({ unexpected: true }) });
    const e = await caught(provider.fetchMetric(a.query, window));
    expect(e.kind).toBe('malformed');
  });
});
