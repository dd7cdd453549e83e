import './jestShim.ts';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type {
  EntitiesHealthResponse,
  HealthResponse,
  RunNowResponse,
  ServiceGuardErrorBody,
} from '@vigil/backstage-plugin-service-guard-common';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatadogFake, startDatadogFake } from '../../../providers/test/support/datadog-fake.ts';
import { type DynatraceFake, startDynatraceFake } from '../../../providers/test/support/dynatrace-fake.ts';
import { ServiceGuardStore } from '../../src/store.ts';
import { adminHeader, allowList, type StartedBackend, startServiceGuard, userHeader } from './backend.ts';
import { component, HOUR, MINUTE } from './replay.ts';

const PERIOD = 30 * MINUTE;
const PERIOD_END = Date.UTC(2026, 10, 20, 12, 0);
const PERIOD_START = PERIOD_END - PERIOD;
const DT_TOKEN = 'dt0c01.SGPROBLEMS.SECRETPART0123456789';
const DD_API = 'dd-api-key-sgproblems-0123456789';
const DD_APP = 'dd-app-key-sgproblems-0123456789';
const HOSTILE = '<img src=x onerror=alert(1)> Failure rate increase';
const OPEN_ID = '-7264381127385419883_1700000000000V2';

/** One point a minute over the three hours before the period's end, flat with a small wiggle. */
const minutes = (from: number, to: number) =>
  Array.from({ length: (to - from) / MINUTE }, (_, i) => from + i * MINUTE);
const points = (base: number) =>
  minutes(PERIOD_END - 3 * HOUR, PERIOD_END).map((t, i): [number, number] => [t, base + (i % 3)]);

/**
 * A provider that goes down mid-run: it forwards every request to `target` until it is asked for problems,
 * and from then on drops every connection without an answer (metrics were read; the alerts cannot be).
 */
async function goesDownAtProblems(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((req, res) => {
    if (req.url?.includes('/problems')) down = true;
    if (down) {
      req.socket.destroy();
      return;
    }
    const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(upstream);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const dtMetric = (service: string) => ({
  name: 'latency',
  query: `ext:web.response.time:filter(eq("service","${service}")):splitBy("pod"):avg`,
  kind: 'latency',
});

/**
 * The alerts of each period (Dynatrace problems, Datadog monitors in alert) read through the providers,
 * stored with the snapshot and served by the health API, against one database (`database` gives a fresh knex
 * and its cleanup) and local HTTP servers acting as the Dynatrace and Datadog APIs.
 */
export function describeProblems(
  title: string,
  database: () => Promise<{ knex: Knex; cleanup: () => Promise<void> }>,
): void {
  describe(title, () => {
    let dt: DynatraceFake;
    let dd: DatadogFake;
    let down: { url: string; close: () => Promise<void> }[];
    let backend: StartedBackend;
    let db: { knex: Knex; cleanup: () => Promise<void> };

    const health = async (name: string, auth = adminHeader()) =>
      fetch(`${backend.baseUrl}/entities/component/default/${name}/health`, {
        headers: { authorization: auth },
      });
    const run = async (name: string) => {
      const res = await fetch(`${backend.baseUrl}/run`, {
        method: 'POST',
        headers: { authorization: adminHeader(), 'content-type': 'application/json' },
        body: JSON.stringify({ entityRef: `component:default/${name}` }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as RunNowResponse;
    };
    const current = async (name: string) => {
      await run(name);
      const res = await health(name);
      expect(res.status).toBe(200);
      return ((await res.json()) as HealthResponse).current!;
    };

    beforeAll(async () => {
      db = await database();
      const series = ['checkout', 'strict', 'quiet', 'flaky', 'flaky-strict'].map((service) => ({
        metric: 'ext:web.response.time',
        dims: { service, pod: `${service}-0` },
        points: points(120),
      }));
      dt = await startDynatraceFake({
        token: DT_TOKEN,
        series,
        problems: [
          {
            problemId: OPEN_ID,
            displayId: 'P-2611',
            title: HOSTILE,
            status: 'OPEN',
            startTime: PERIOD_END - 20 * MINUTE,
            endTime: -1,
            entity: 'checkout',
          },
          {
            problemId: '-59_1642566000000V2',
            displayId: 'P-2610',
            title: 'Response time degradation',
            status: 'CLOSED',
            startTime: PERIOD_START - 10 * MINUTE,
            endTime: PERIOD_START + 5 * MINUTE,
            entity: 'checkout',
          },
          {
            problemId: '-60_1642566000000V2',
            displayId: 'P-2500',
            title: 'Closed before the period',
            status: 'CLOSED',
            startTime: PERIOD_START - 3 * HOUR,
            endTime: PERIOD_START - 2 * HOUR,
            entity: 'checkout',
          },
        ],
      });
      const s = (ms: number) => ms / 1000;
      dd = await startDatadogFake({
        apiKey: DD_API,
        appKey: DD_APP,
        series: [
          {
            metric: 'trace.http.request.errors',
            tags: { service: 'payments', pod_name: 'payments-0' },
            points: points(5),
          },
        ],
        monitors: [
          {
            id: 4711,
            name: 'payments error rate',
            tags: ['service:payments'],
            priority: 2,
            groups: { 'pod_name:payments-0': { status: 'Alert', triggered: s(PERIOD_END - 10 * MINUTE) } },
          },
          {
            id: 4712,
            name: 'payments resolved long ago',
            tags: ['service:payments'],
            groups: {
              '*': { status: 'OK', triggered: s(PERIOD_START - 3 * HOUR), resolved: s(PERIOD_START - HOUR) },
            },
          },
        ],
      });
      // One per provider: each goes down during the run of its own entity.
      down = [await goesDownAtProblems(dt.url), await goesDownAtProblems(dt.url)];
      const dtProvider = (url: string) => ({
        type: 'dynatrace',
        url,
        token: DT_TOKEN,
        uiUrl: 'https://abc12345.live.dynatrace.com',
        // A provider that is down answers nothing: fail at once rather than back off in a test.
        http: { retries: 0 },
      });
      const profile = (provider: string, service: string, evidence?: string) => ({
        provider,
        instanceLabel: 'pod',
        step: { minutes: 1 },
        metrics: [dtMetric(service)],
        ...(evidence ? { evidence } : {}),
      });
      const entity = (name: string, profileName: string, annotations: Record<string, string> = {}) =>
        component(name, { 'vigil.dev/service-guard': profileName, ...annotations });
      backend = await startServiceGuard({
        entities: [
          entity('checkout', 'checkout', { 'dynatrace.com/dynatrace-entity-id': 'SERVICE-CHECKOUT' }),
          entity('strict', 'strict'),
          entity('quiet', 'quiet'),
          entity('payments', 'payments', { 'datadoghq.com/service-name': 'payments' }),
          entity('flaky', 'flaky'),
          entity('flaky-strict', 'flaky-strict'),
        ] as never,
        config: {
          serviceGuard: {
            providers: {
              dt: dtProvider(dt.url),
              dtdown: dtProvider(down[0]!.url),
              dtdown2: dtProvider(down[1]!.url),
              dd: { type: 'datadog', site: 'datadoghq.eu', baseUrl: dd.url, apiKey: DD_API, appKey: DD_APP },
            },
            profiles: {
              checkout: profile('dt', 'checkout'),
              strict: profile('dt', 'strict', 'fail'),
              quiet: profile('dt', 'quiet', 'ignore'),
              flaky: profile('dtdown', 'flaky'),
              'flaky-strict': profile('dtdown2', 'flaky-strict', 'fail'),
              payments: {
                provider: 'dd',
                instanceLabel: 'pod_name',
                step: { minutes: 1 },
                metrics: [
                  {
                    name: 'errors',
                    query: 'sum:trace.http.request.errors{service:{{service}}} by {pod_name}',
                    kind: 'error',
                  },
                ],
              },
            },
            schedule: {
              frequency: { minutes: 30 },
              timeout: { minutes: 5 },
              period: { milliseconds: PERIOD },
              history: { hours: 2 },
            },
          },
        },
        knex: db.knex,
        clock: () => PERIOD_END + 30_000,
        permissions: allowList(['user:default/admin']),
        canRead: (user, ref) => ref !== 'component:default/checkout' || user === 'user:default/admin',
      });
    });

    afterAll(async () => {
      await backend?.stop();
      for (const d of down ?? []) await d.close();
      await dt?.close();
      await dd?.close();
      await db?.cleanup();
    });

    it("stores a period's Dynatrace problems with it and serves them with links to their pages", async () => {
      const snap = await current('checkout');
      // Warn (the default): the problems are shown beside the health, which stays the metrics'.
      expect(snap.state).toBe('healthy');
      const p = snap.problems!;
      expect(p).toMatchObject({ policy: 'warn', outcome: 'warn', providers: ['dt'], total: 2, errors: [] });
      expect(p.items).toEqual([
        {
          provider: 'dt',
          kind: 'problem',
          id: OPEN_ID,
          displayId: 'P-2611',
          title: HOSTILE,
          status: 'open',
          severity: 'PERFORMANCE',
          impact: 'SERVICES',
          start: new Date(PERIOD_END - 20 * MINUTE).toISOString(),
          entities: ['checkout'],
          link: {
            provider: 'dynatrace',
            url: `https://abc12345.live.dynatrace.com/#problems/problemdetails;pid=${OPEN_ID}`,
          },
        },
        {
          provider: 'dt',
          kind: 'problem',
          id: '-59_1642566000000V2',
          displayId: 'P-2610',
          title: 'Response time degradation',
          status: 'closed',
          severity: 'PERFORMANCE',
          impact: 'SERVICES',
          start: new Date(PERIOD_START - 10 * MINUTE).toISOString(),
          end: new Date(PERIOD_START + 5 * MINUTE).toISOString(),
          entities: ['checkout'],
          link: {
            provider: 'dynatrace',
            url: 'https://abc12345.live.dynatrace.com/#problems/problemdetails;pid=-59_1642566000000V2',
          },
        },
      ]);
      expect(snap.reasons.at(-1)).toBe(p.explanation);
      expect(p.explanation).toMatch(/^2 alerts raised during the window: problem P-2611 /);
      // Scoped to the entity's Dynatrace id over exactly the period.
      const asked = dt.requests.filter((r) => r.path === '/api/v2/problems' && !r.query.has('nextPageKey'));
      expect(
        asked.map((r) => [r.query.get('entitySelector'), r.query.get('from'), r.query.get('to')]),
      ).toContainEqual(['entityId("SERVICE-CHECKOUT")', String(PERIOD_START), String(PERIOD_END)]);
      expect(dt.violations).toEqual([]);
      // Stored: one row per alert, in the snapshot's order.
      const rows = await db
        .knex('sg_problems')
        .orderBy(['snapshot_id', 'seq'])
        .select('problem_id', 'title', 'status');
      expect(rows).toContainEqual({ problem_id: OPEN_ID, title: HOSTILE, status: 'open' });
    });

    it('makes the period unhealthy when the profile says evidence: fail', async () => {
      const snap = await current('strict');
      expect(snap.state).toBe('unhealthy');
      expect(snap.score).toBeLessThanOrEqual(49);
      expect(snap.problems).toMatchObject({ policy: 'fail', outcome: 'fail', total: 2 });
      expect(snap.reasons[0]).toBe(snap.problems!.explanation);
      // The catalog-wide list carries the alerts' summary (not the alerts) so its "why" reads as the tab's.
      const res = await fetch(
        `${backend.baseUrl}/entities?entityRef=component:default/strict&include=signals`,
        {
          headers: { authorization: adminHeader() },
        },
      );
      const list = (await res.json()) as EntitiesHealthResponse;
      expect(list.items[0]?.signals?.problems).toEqual({ ...snap.problems, items: [] });
    });

    it('reads nothing under evidence: ignore', async () => {
      const before = dt.requests.filter((r) => r.path === '/api/v2/problems').length;
      const snap = await current('quiet');
      expect(snap.state).toBe('healthy');
      expect(snap.problems).toBeUndefined();
      expect(dt.requests.filter((r) => r.path === '/api/v2/problems')).toHaveLength(before);
    });

    it("links a Datadog monitor in alert to its page on the site's app host", async () => {
      const snap = await current('payments');
      expect(snap.problems?.items).toEqual([
        {
          provider: 'dd',
          kind: 'monitor',
          id: '4711',
          title: 'payments error rate',
          status: 'open',
          severity: 'P2',
          start: new Date(PERIOD_END - 10 * MINUTE).toISOString(),
          entities: ['pod_name:payments-0'],
          link: { provider: 'datadog', url: 'https://app.datadoghq.eu/monitors/4711' },
        },
      ]);
      expect(dd.requests.find((r) => r.path === '/api/v1/monitor')?.query.get('monitor_tags')).toBe(
        'service:payments',
      );
      expect(dd.violations).toEqual([]);
    });

    it('records a provider that goes down mid-run as a warning on the period, and keeps the health', async () => {
      const snap = await current('flaky');
      // The metrics were read before the provider went down: the health is theirs.
      expect(snap.metrics[0]!.points).toBeGreaterThan(0);
      expect(snap.state).toBe('healthy');
      expect(snap.problems).toMatchObject({
        policy: 'warn',
        outcome: 'no-data',
        providers: ['dtdown'],
        items: [],
        total: 0,
      });
      expect(snap.problems!.errors).toHaveLength(1);
      expect(snap.problems!.errors[0]!.provider).toBe('dtdown');
      expect(snap.problems!.explanation).toMatch(/^evidence could not be read from dtdown \(/);
      expect(snap.reasons).not.toContain(snap.problems!.explanation);
      expect(JSON.stringify(snap)).not.toContain(DT_TOKEN);
    });

    it('under evidence: fail, a provider that cannot be read makes a healthy period no data, never healthy', async () => {
      const snap = await current('flaky-strict');
      expect(snap.state).toBe('no-data');
      expect(snap.score).toBeNull();
      expect(snap.metrics[0]!.points).toBeGreaterThan(0);
      expect(snap.problems).toMatchObject({ policy: 'fail', outcome: 'no-data', providers: ['dtdown2'] });
      expect(snap.reasons[0]).toMatch(
        /^evidence could not be read from dtdown2 \(.*evidence policy is fail$/,
      );
    });

    it("serves the problems under the health's read permission only (the catalog's entity read)", async () => {
      const res = await health('checkout', userHeader());
      expect(res.status).toBe(404);
      const text = await res.text();
      expect(text).not.toContain('Failure rate increase');
      expect((JSON.parse(text) as ServiceGuardErrorBody).error.name).toBe('NotFoundError');
    });

    it('writes a period with all of its problems or not at all', async () => {
      const store = new ServiceGuardStore(db.knex);
      const stored = await store.snapshot('component:default/checkout', PERIOD_START);
      const later = PERIOD_START + 7 * PERIOD;
      const record = {
        snapshot: {
          ...stored!,
          periodStart: new Date(later).toISOString(),
          periodEnd: new Date(later + PERIOD).toISOString(),
        },
        detectors: [],
      };
      await db.knex.schema.renameTable('sg_problems', 'sg_problems_away');
      try {
        await expect(store.writeAnalysis(record, later + PERIOD)).rejects.toThrow();
      } finally {
        await db.knex.schema.renameTable('sg_problems_away', 'sg_problems');
      }
      expect(await store.snapshot('component:default/checkout', later)).toBeNull();
      expect(
        await db.knex('sg_metric_risks').whereNotIn('snapshot_id', db.knex('sg_snapshots').select('id')),
      ).toEqual([]);
      // Written whole once it can be.
      expect(await store.writeAnalysis(record, later + PERIOD)).toBe('written');
      const back = await store.snapshot('component:default/checkout', later);
      expect(back?.problems?.items.map((i) => i.title)).toEqual([HOSTILE, 'Response time degradation']);
    });
  });
}
