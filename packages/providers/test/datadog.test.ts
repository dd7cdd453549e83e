import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DatadogProvider, datadogApiUrl, datadogSites } from '../src/datadog.ts';
import type { LogEvent } from '@vigil/core';
import {
  type DatadogFake,
  type DatadogMonitorData,
  type DatadogSeriesData,
  startDatadogFake,
} from './support/datadog-fake.ts';
import { caught } from './support/caught.ts';

const T0 = 1_699_999_980_000;
const apiKey = 'dd-api-key-0123456789abcdef';
const appKey = 'dd-app-key-fedcba9876543210';
const pods = ['web-1', 'web-2', 'web-3'];
const version: Record<string, string> = { 'web-1': 'v1', 'web-2': 'v1', 'web-3': 'v2' };

/** Three samples per minute, offsets 0/20/40 s, values b, b+1, b+2: the 60 s average is b+1. */
const base = (pod: string, m: number) => (pods.indexOf(pod) + 1) * 10 + m * 0.5;
const expected = (pod: string, m: number) => (pod === 'web-3' && m === 4 ? Number.NaN : base(pod, m) + 1);

const series: DatadogSeriesData[] = pods.map((pod) => ({
  metric: 'trace.http.request.errors',
  tags: { service: 'web', env: 'prod', version: version[pod]!, pod_name: pod },
  points: Array.from({ length: 20 }, (_, m) =>
    [0, 1, 2].map((k): [number, number | null] => [
      T0 + m * 60_000 + k * 20_000,
      pod === 'web-3' && m === 4 ? null : base(pod, m) + k,
    ]),
  ).flat(),
}));

const logs = Array.from({ length: 2500 }, (_, i) => ({
  t: T0 + i * 100,
  message: `request ${i} failed`,
  status: i % 10 === 0 ? 'error' : 'info',
  service: 'web',
  host: `host-${i % 3}`,
  tags: [`pod_name:${pods[i % 3]}`, `version:${version[pods[i % 3]!]}`],
}));

const s0 = T0 / 1000;
/** Monitor groups in Datadog's epoch seconds, around the window [T0, T0 + 10 min). */
const monitors: DatadogMonitorData[] = [
  {
    id: 101,
    name: 'web error rate',
    tags: ['service:web', 'team:a'],
    priority: 2,
    groups: {
      'pod_name:web-3': { status: 'Alert', triggered: s0 + 120 },
      'pod_name:web-1': { status: 'OK', triggered: s0 - 7200, resolved: s0 - 3600 },
    },
  },
  {
    id: 102,
    name: 'web latency',
    tags: ['service:web'],
    groups: { '*': { status: 'OK', triggered: s0 + 60, resolved: s0 + 300 } },
  },
  {
    id: 103,
    name: 'web alert long resolved',
    tags: ['service:web'],
    groups: { '*': { status: 'OK', triggered: s0 - 7200, resolved: s0 - 3600 } },
  },
  {
    id: 104,
    name: 'web alert after the window',
    tags: ['service:web'],
    groups: { '*': { status: 'Alert', triggered: s0 + 3600 } },
  },
  {
    id: 105,
    name: 'api errors',
    tags: ['service:api'],
    groups: { '*': { status: 'Alert', triggered: s0 } },
  },
  {
    id: 106,
    name: 'web warning only',
    tags: ['service:web'],
    groups: { '*': { status: 'Warn', triggered: s0 + 60 } },
  },
];

const q = (vars: Record<string, string>) => ({
  metric: 'errors',
  query: 'avg:trace.http.request.errors{service:web,version:{{version}}}',
  vars,
  instanceLabel: 'pod_name',
});

describe('Datadog adapter against an OpenAPI-validated fake', () => {
  let fake: DatadogFake;
  let dd: DatadogProvider;
  beforeAll(async () => {
    fake = await startDatadogFake({ apiKey, appKey, series, logs, monitors });
    dd = new DatadogProvider({ type: 'datadog', name: 'dd', baseUrl: fake.url, apiKey, appKey });
  }, 120_000);
  afterEach(() => {
    expect(fake.violations.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await dd?.close();
    await fake?.close();
  });

  for (const api of ['v1', 'v2'] as const) {
    it(`groups by the instance tag in one request and returns exact rollups (${api})`, async () => {
      const p = new DatadogProvider({ type: 'datadog', baseUrl: fake.url, apiKey, appKey, metricsApi: api });
      const got = await p.fetchMetric(q({ version: 'v1' }), {
        start: T0,
        end: T0 + 10 * 60_000,
        step: 60_000,
      });
      expect(p.usage().calls).toBe(1);
      expect(got.map((s) => s.instance).sort()).toEqual(['web-1', 'web-2']);
      for (const s of got) {
        expect(s.points).toEqual(
          Array.from({ length: 10 }, (_, m) => ({ t: T0 + m * 60_000, v: expected(s.instance, m) })),
        );
      }
      const v2 = await p.fetchMetric(q({ version: 'v2' }), { start: T0, end: T0 + 6 * 60_000, step: 60_000 });
      expect(v2).toHaveLength(1);
      expect(v2[0]!.points[4]!.v).toBeNaN();
      expect(v2[0]!.points[5]!.v).toBe(expected('web-3', 5));
      await p.close();
    });
  }

  it('sends the grouping and rollup it promises', async () => {
    await dd.fetchMetric(q({ version: 'v1' }), { start: T0, end: T0 + 60_000, step: 60_000 });
    const sent = fake.requests.at(-1)!.query.get('query');
    expect(sent).toBe('avg:trace.http.request.errors{service:web,version:v1} by {pod_name}.rollup(avg, 60)');
  });

  it('incremental polls tile the window', async () => {
    const whole = await dd.fetchMetric(q({ version: 'v1' }), {
      start: T0,
      end: T0 + 12 * 60_000,
      step: 60_000,
    });
    const a = await dd.fetchMetric(q({ version: 'v1' }), { start: T0, end: T0 + 5 * 60_000, step: 60_000 });
    const b = await dd.fetchMetric(q({ version: 'v1' }), {
      start: T0 + 5 * 60_000,
      end: T0 + 12 * 60_000,
      step: 60_000,
    });
    for (const pod of ['web-1', 'web-2']) {
      const joined = [...a, ...b].filter((s) => s.instance === pod).flatMap((s) => s.points);
      expect(joined).toEqual(whole.find((s) => s.instance === pod)!.points);
      expect(joined).toHaveLength(12);
    }
  });

  it('normalises tag values so a variable cannot add filters', async () => {
    const got = await dd.fetchMetric(q({ version: 'v1} by {pod_name},avg:trace.http.request.errors{*' }), {
      start: T0,
      end: T0 + 60_000,
      step: 60_000,
    });
    expect(got).toEqual([]);
    expect(fake.requests.at(-1)!.query.get('query')).toContain('version:v1__by__pod_name_');
  });

  it("reads the service's monitors that were in alert during the window, one request, as evidence", async () => {
    const before = fake.requests.length;
    const got = await dd.problems({ start: T0, end: T0 + 600_000 }, { service: 'web' });
    expect(fake.requests.length - before).toBe(1);
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/api/v1/monitor');
    expect(sent.query.get('monitor_tags')).toBe('service:web');
    expect(sent.query.get('group_states')).toBe('all');
    expect(got).toEqual([
      {
        kind: 'monitor',
        id: '101',
        title: 'web error rate',
        status: 'open',
        severity: 'P2',
        start: T0 + 120_000,
        entities: ['pod_name:web-3'],
      },
      {
        kind: 'monitor',
        id: '102',
        title: 'web latency',
        status: 'closed',
        start: T0 + 60_000,
        end: T0 + 300_000,
        entities: ['*'],
      },
    ]);
    // Another service, a window with no alert: nothing, which is a real answer (the request succeeded).
    expect(await dd.problems({ start: T0 - 900_000, end: T0 - 600_000 }, { service: 'web' })).toEqual([]);
  });

  it('refuses to read monitors without a service, and reports a refused request as an error', async () => {
    const none = await caught(dd.problems({ start: T0, end: T0 + 1 }));
    expect(none.kind).toBe('bad-query');
    expect(none.message).toMatch(/no service/);
    const noApp = new DatadogProvider({
      type: 'datadog',
      baseUrl: fake.url,
      apiKey,
      appKey: 'wrong-app-key-0000',
      http: { retries: 0 },
    });
    const denied = await caught(noApp.problems({ start: T0, end: T0 + 1 }, { service: 'web' }));
    expect(denied.status).toBe(403);
    await noApp.close();
  });

  it('pages through logs with the cursor and stops at the cap', async () => {
    const all: LogEvent[] = [];
    const before = fake.requests.length;
    for await (const e of dd.fetchLogs(
      { query: 'service:web', instanceField: 'pod_name', group: 'canary' },
      { start: T0, end: T0 + 300_000 },
    )) {
      all.push(e);
    }
    expect(fake.requests.length - before).toBe(3);
    expect(all).toHaveLength(2500);
    expect(all.map((e) => e.t)).toEqual(logs.map((l) => l.t));
    expect(all[10]).toEqual({
      t: T0 + 1000,
      message: 'request 10 failed',
      level: 'error',
      instance: 'web-2',
      group: 'canary',
      attributes: { service: 'web', host: 'host-1' },
    });
    // A failed and a cut-off page in the middle are retried: every event exactly once, in order.
    fake.requests.length = 0;
    const resumed: LogEvent[] = [];
    let n = 0;
    for await (const e of dd.fetchLogs({ query: 'service:web' }, { start: T0, end: T0 + 300_000 })) {
      resumed.push(e);
      if (++n === 1000) {
        fake.inject({ kind: 'truncate' });
        fake.inject({ kind: 'status', status: 503 });
      }
    }
    expect(resumed.map((e) => e.t)).toEqual(logs.map((l) => l.t));
    expect(fake.requests).toHaveLength(5);
    const capped: LogEvent[] = [];
    for await (const e of dd.fetchLogs(
      { query: 'pod_name:web-1', limit: 700, pageSize: 500 },
      { start: T0, end: T0 + 300_000 },
    ))
      capped.push(e);
    expect(capped).toHaveLength(700);
    expect(
      capped.every((e) => e.message === `request ${(e.t - T0) / 100} failed` && ((e.t - T0) / 100) % 3 === 0),
    ).toBe(true);
  });

  it('marks a deployment with unified service tags and the verdict at the end of the text', async () => {
    await dd.markDeployment({
      service: 'web',
      env: 'prod',
      version: 'v2',
      t: T0,
      text: 'canary 10%',
      verdict: 'fail: p99 +48%',
    });
    expect(fake.events.at(-1)).toMatchObject({
      title: 'Vigil: web v2 (prod)',
      tags: ['service:web', 'env:prod', 'version:v2'],
      date_happened: T0 / 1000,
      alert_type: 'error',
    });
    expect((fake.events.at(-1) as { text: string }).text.endsWith('Verdict: fail: p99 +48%')).toBe(true);
  });

  it('check() validates the key and the query permission, and names what is wrong', async () => {
    const good = await dd.check();
    expect(good.map((c) => [c.name, c.ok])).toEqual([
      ['credentials', true],
      ['permissions', true],
      ['permissions', true],
    ]);
    expect(good[2]!.detail).toMatch(/monitors_read/);
    const badApi = new DatadogProvider({
      type: 'datadog',
      baseUrl: fake.url,
      apiKey: 'wrong-api-key-1',
      appKey,
    });
    const r1 = await badApi.check();
    expect(r1[0]).toMatchObject({ name: 'credentials', ok: false });
    const badApp = new DatadogProvider({
      type: 'datadog',
      baseUrl: fake.url,
      apiKey,
      appKey: 'wrong-app-key-2',
    });
    const r2 = await badApp.check();
    expect(r2.map((c) => [c.name, c.ok])).toEqual([
      ['credentials', true],
      ['permissions', false],
      ['permissions', false],
    ]);
    expect(JSON.stringify([r1, r2])).not.toMatch(/wrong-api-key-1|wrong-app-key-2/);
    await badApi.close();
    await badApp.close();
  });

  it('classifies a bad query and keeps the keys out of errors and usage', async () => {
    const e = await caught(
      dd.fetchMetric(
        { metric: 'x', query: 'not a query', instanceLabel: 'pod_name' },
        { start: T0, end: T0 + 60_000, step: 60_000 },
      ),
    );
    expect(e.kind).toBe('bad-query');
    const wrongKey = new DatadogProvider({
      type: 'datadog',
      baseUrl: fake.url,
      apiKey,
      appKey: 'secret-app-key-xyz',
    });
    const denied = await caught(
      wrongKey.fetchMetric(q({ version: 'v1' }), { start: T0, end: T0 + 60_000, step: 60_000 }),
    );
    expect(denied.kind).toBe('permission');
    expect(denied.message + JSON.stringify(wrongKey.usage())).not.toContain('secret-app-key-xyz');
    await wrongKey.close();
  });
});

describe('Datadog sites', () => {
  it('maps every public site to its API host', () => {
    expect(datadogSites.map((s) => datadogApiUrl(s))).toEqual([
      'https://api.datadoghq.com',
      'https://api.us3.datadoghq.com',
      'https://api.us5.datadoghq.com',
      'https://api.datadoghq.eu',
      'https://api.ap1.datadoghq.com',
      'https://api.ap2.datadoghq.com',
      'https://api.uk1.datadoghq.com',
      'https://api.ddog-gov.com',
      'https://api.us2.ddog-gov.com',
    ]);
    expect(() => datadogApiUrl('datadoghq.org' as never)).toThrow(/not a Datadog site/);
  });
});
