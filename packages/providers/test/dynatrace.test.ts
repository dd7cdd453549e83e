import type { LogEvent } from '@vigil/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynatraceProvider, dynatraceResolution } from '../src/dynatrace.ts';
import { type DynatraceFake, startDynatraceFake } from './support/dynatrace-fake.ts';
import { caught } from './support/caught.ts';

const T0 = 1_699_999_980_000;
const token = 'dt0c01.FAKE.SECRETPART0123456789';
const metric = 'ext:web.response.time';
const pods = ['web-1', 'web-2', 'we"b~3'];
const version: Record<string, string> = { 'web-1': 'v1', 'web-2': 'v1', 'we"b~3': 'v2' };
/** Two samples per minute (0 s, 30 s): the 1m average is their mean. */
const sample = (pod: string, m: number, k: number) => (pods.indexOf(pod) + 1) * 100 + m * 2 + k * 4;
const expected = (pod: string, m: number) => (sample(pod, m, 0) + sample(pod, m, 1)) / 2;

const series = pods.map((pod) => ({
  metric,
  dims: { pod, version: version[pod]! },
  points: Array.from({ length: 20 }, (_, m) =>
    [0, 1].map((k): [number, number] => [T0 + m * 60_000 + k * 30_000, sample(pod, m, k)]),
  ).flat(),
}));

const logs = Array.from({ length: 450 }, (_, i) => ({
  t: T0 + Math.floor(i / 2) * 1000,
  content: `GET /checkout ${i}`,
  status: (i % 5 === 0 ? 'ERROR' : 'INFO') as 'ERROR' | 'INFO',
  columns: { 'k8s.pod.name': pods[i % 3]!, version: version[pods[i % 3]!]! },
}));

const problems = [
  {
    problemId: 'P-1',
    displayId: 'P-1',
    title: 'Response time degradation',
    status: 'CLOSED' as const,
    startTime: T0 - 600_000,
    endTime: T0 - 60_000,
    entity: 'web',
  },
  {
    problemId: 'P-2',
    displayId: 'P-2',
    title: 'Failure rate increase',
    status: 'CLOSED' as const,
    startTime: T0 + 60_000,
    endTime: T0 + 120_000,
    entity: 'web',
  },
  {
    problemId: 'P-3',
    displayId: 'P-3',
    title: 'CPU saturation',
    status: 'OPEN' as const,
    startTime: T0 - 3_600_000,
    endTime: -1,
    entity: 'host-1',
  },
  ...Array.from({ length: 7 }, (_, i) => ({
    problemId: `Q-${i}`,
    displayId: `Q-${i}`,
    title: `Later problem ${i}`,
    status: 'OPEN' as const,
    startTime: T0 + 3_600_000,
    endTime: -1,
    entity: 'web',
  })),
];

const q = (v: string) => ({
  metric: 'latency',
  query: `${metric}:filter(eq("version","{{version}}")):splitBy("pod"):avg`,
  vars: { version: v },
  instanceLabel: 'pod',
});

describe('Dynatrace adapter against an OpenAPI-validated fake', () => {
  let fake: DynatraceFake;
  let dt: DynatraceProvider;
  beforeAll(async () => {
    fake = await startDynatraceFake({ token, series, logs, problems, sliceSize: 100 });
    dt = new DynatraceProvider({
      type: 'dynatrace',
      name: 'dt',
      url: fake.url,
      token,
      entitySelector: 'type(SERVICE),entityName.equals("web")',
    });
  });
  afterEach(() => {
    expect(fake.violations.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await dt?.close();
    await fake?.close();
  });

  it('splits by the instance dimension in one request and returns exact averages', async () => {
    const before = dt.usage().calls;
    const got = await dt.fetchMetric(q('v1'), { start: T0, end: T0 + 10 * 60_000, step: 60_000 });
    expect(dt.usage().calls - before).toBe(1);
    expect(got.map((s) => s.instance).sort()).toEqual(['web-1', 'web-2']);
    for (const s of got) {
      expect(s.points).toEqual(
        Array.from({ length: 10 }, (_, m) => ({ t: T0 + m * 60_000, v: expected(s.instance, m) })),
      );
    }
    const r = fake.requests.at(-1)!;
    expect(r.query.get('resolution')).toBe('1m');
    expect(r.query.get('entitySelector')).toBe('type(SERVICE),entityName.equals("web")');
  });

  it('escapes selector strings with ~ so a value cannot break out', async () => {
    const p = new DynatraceProvider({ type: 'dynatrace', url: fake.url, token });
    const got = await p.fetchMetric(
      {
        metric: 'latency',
        query: `${metric}:filter(eq("pod","{{pod}}")):splitBy("pod")`,
        vars: { pod: 'we"b~3' },
        instanceLabel: 'pod',
      },
      { start: T0, end: T0 + 120_000, step: 60_000 },
    );
    expect(got).toEqual([
      { instance: 'we"b~3', points: [0, 1].map((m) => ({ t: T0 + m * 60_000, v: expected('we"b~3', m) })) },
    ]);
    expect(fake.requests.at(-1)!.query.get('metricSelector')).toContain('eq("pod","we~"b~~3")');
    await p.close();
  });

  it('incremental polls tile the window', async () => {
    const whole = await dt.fetchMetric(q('v1'), { start: T0, end: T0 + 9 * 60_000, step: 60_000 });
    const a = await dt.fetchMetric(q('v1'), { start: T0, end: T0 + 4 * 60_000, step: 60_000 });
    const b = await dt.fetchMetric(q('v1'), { start: T0 + 4 * 60_000, end: T0 + 9 * 60_000, step: 60_000 });
    for (const pod of ['web-1', 'web-2']) {
      expect([...a, ...b].filter((s) => s.instance === pod).flatMap((s) => s.points)).toEqual(
        whole.find((s) => s.instance === pod)!.points,
      );
    }
  });

  it('follows nextSliceKey through the logs and honours the cap', async () => {
    const all: LogEvent[] = [];
    for await (const e of dt.fetchLogs(
      { query: 'version="v1"', instanceField: 'k8s.pod.name' },
      { start: T0, end: T0 + 450_000 },
    ))
      all.push(e);
    const want = logs.filter((l) => l.columns.version === 'v1');
    expect(all.map((e) => [e.t, e.message, e.level, e.instance])).toEqual(
      want.map((l) => [l.t, l.content, l.status === 'ERROR' ? 'error' : 'info', l.columns['k8s.pod.name']]),
    );
    const continued: LogEvent[] = [];
    const before = fake.requests.length;
    for await (const e of dt.fetchLogs({ query: '', pageSize: 120 }, { start: T0, end: T0 + 450_000 }))
      continued.push(e);
    expect(continued.map((e) => e.message)).toEqual(logs.map((l) => l.content));
    // Searches of 120 (slices 100 + 20) restart at records 118, 236 and 354: 2 + 2 + 2 + 1 requests.
    expect(fake.requests.length - before).toBe(7);
    const rateLimited: LogEvent[] = [];
    fake.inject({ kind: 'status', status: 429 }, 2);
    const patient = new DynatraceProvider(
      { type: 'dynatrace', url: fake.url, token },
      { sleep: async () => {} },
    );
    for await (const e of patient.fetchLogs({ query: '' }, { start: T0, end: T0 + 450_000 }))
      rateLimited.push(e);
    expect(rateLimited.map((e) => e.message)).toEqual(logs.map((l) => l.content));
    expect(patient.usage()).toMatchObject({ rateLimited: 2, retries: 2, failures: 0 });
    await patient.close();
    const capped: LogEvent[] = [];
    for await (const e of dt.fetchLogs({ query: '', limit: 150 }, { start: T0, end: T0 + 450_000 }))
      capped.push(e);
    expect(capped.map((e) => e.t)).toEqual(logs.slice(0, 150).map((l) => l.t));
  });

  it('returns the problems open at any time in the window, across pages', async () => {
    const p = await dt.problems({ start: T0, end: T0 + 300_000 });
    expect(p.map((x) => [x.id, x.status, x.end])).toEqual([
      ['P-2', 'closed', T0 + 120_000],
      ['P-3', 'open', undefined],
    ]);
    const later = await dt.problems({ start: T0, end: T0 + 7_200_000 });
    expect(later).toHaveLength(9);
  });

  it("scopes the problems to an entity id when asked, ahead of the config's entitySelector", async () => {
    const before = fake.requests.length;
    await dt.problems({ start: T0, end: T0 + 300_000 }, { service: 'web', entityId: 'SERVICE-"1~2' });
    await dt.problems({ start: T0, end: T0 + 300_000 }, { service: 'web' });
    const sent = fake.requests
      .slice(before)
      .filter((r) => r.path.endsWith('/problems') && !r.query.has('nextPageKey'))
      .map((r) => r.query.get('entitySelector'));
    expect(sent).toEqual(['entityId("SERVICE-~"1~~2")', 'type(SERVICE),entityName.equals("web")']);
  });

  it('ingests a CUSTOM_DEPLOYMENT event with the verdict at the end', async () => {
    await dt.markDeployment({ service: 'web', env: 'prod', version: 'v2', t: T0, verdict: 'pass: score 96' });
    expect(fake.events.at(-1)).toMatchObject({
      eventType: 'CUSTOM_DEPLOYMENT',
      startTime: T0,
      entitySelector: 'type(SERVICE),entityName.equals("web")',
      properties: {
        'dt.event.deployment.version': 'v2',
        'dt.event.deployment.release_stage': 'prod',
        'dt.event.deployment.release_product': 'web',
        'dt.event.description': 'Verdict: pass: score 96',
      },
    });
  });

  it('check() reports the token scopes, and the missing ones', async () => {
    expect(await dt.check()).toEqual([
      {
        name: 'permissions',
        ok: true,
        detail: 'token has metrics.read, logs.read, problems.read, events.ingest',
        hint: '',
      },
    ]);
    const narrow = await startDynatraceFake({ token, series, scopes: ['metrics.read'] });
    const p = new DynatraceProvider({ type: 'dynatrace', url: narrow.url, token });
    const r = await p.check();
    expect(r[0]).toMatchObject({ name: 'permissions', ok: false });
    expect(r[0]!.hint).toBe('add the scopes logs.read, problems.read, events.ingest to the token');
    const denied = await caught(p.problems({ start: T0, end: T0 + 1 }));
    expect(denied.kind).toBe('permission');
    expect(narrow.violations).toEqual([]);
    await p.close();
    await narrow.close();
  });

  it('classifies a wrong token as auth without printing it', async () => {
    const p = new DynatraceProvider({
      type: 'dynatrace',
      url: fake.url,
      token: 'dt0c01.WRONG.TOKENVALUE999',
    });
    const e = await caught(p.fetchMetric(q('v1'), { start: T0, end: T0 + 60_000, step: 60_000 }));
    expect(e.kind).toBe('auth');
    expect(e.message).toContain('Token Authentication failed');
    expect(e.message).not.toContain('TOKENVALUE999');
    expect((await p.check())[0]).toMatchObject({ name: 'credentials', ok: false });
    await p.close();
  });

  it('maps steps to resolutions', () => {
    expect([30_000, 60_000, 300_000, 3_600_000, 7_200_000].map(dynatraceResolution)).toEqual([
      '1m',
      '1m',
      '5m',
      '1h',
      '2h',
    ]);
  });
});
