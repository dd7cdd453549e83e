import './jestShim.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DeploymentVerification,
  FeedbackResponse,
  HealthResponse,
  LogClusterFeedback,
  ServiceGuardErrorBody,
  VerificationsResponse,
} from '@vigil/backstage-plugin-service-guard-common';
import { adminHeader, serviceHeader, type StartedBackend, startServiceGuard, userHeader } from './backend.ts';
import { component, DAY, HOUR, MINUTE, serviceGuardConfig, syntheticReplay, writeReplay } from './replay.ts';

// The analysed period is [11:30, 12:00) of 2026-11-20; the clock stands at 12:00:30.
const PERIOD_END = Date.UTC(2026, 10, 20, 12, 0);
const PERIOD = 30 * MINUTE;
/**
 * The whole REST API and run cycle against one database; `database` gives a fresh knex and its cleanup.
 */
export function describeServiceGuardApi(
  title: string,
  database: () => Promise<{ knex: Knex; cleanup: () => Promise<void> }>,
): void {
  describe(title, () => {
    let now = PERIOD_END + 30_000;
    const clock = () => now;
    let dir: string;
    let backend: StartedBackend;
    let db: { knex: Knex; cleanup: () => Promise<void> };
    let replay: ReturnType<typeof syntheticReplay>;
    const post = (path: string, body: unknown, auth?: string) =>
      fetch(`${backend.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify(body),
      });
    const get = (path: string, auth?: string) =>
      fetch(`${backend.baseUrl}${path}`, auth ? { headers: { authorization: auth } } : {});

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sg-api-'));
      db = await database();
      const from = PERIOD_END - 2 * DAY;
      replay = syntheticReplay(
        [
          { service: 'calm' },
          // Metric 0 (the critical error rate) six times its usual level for the last 10 minutes of the period.
          { service: 'broken', anomaly: { start: PERIOD_END - 10 * MINUTE, end: PERIOD_END, factor: 6 } },
          {
            service: 'noisy-logs',
            newLogError: {
              start: PERIOD_END - PERIOD,
              end: PERIOD_END + PERIOD,
              message: 'java.lang.IllegalStateException: pool exhausted after 30000 ms',
              everyMs: MINUTE,
            },
          },
        ],
        { metrics: 3, from, to: PERIOD_END + HOUR, logs: true },
      );
      const file = writeReplay(dir, replay);
      backend = await startServiceGuard({
        entities: [
          component('calm'),
          component('broken'),
          component('noisy-logs'),
          component('typo', { 'vigil.dev/service-guard': 'no-such-profile' }),
          component('evil', { 'prometheus.io/service-name': 'x"}) or vector(1) #\nnext' }),
          component('sly', { 'prometheus.io/service-name': 'x"}) or vector(1) #' }),
          // Not opted in: never analysed.
          { ...component('bystander'), metadata: { name: 'bystander', namespace: 'default' } },
        ] as never,
        config: {
          serviceGuard: serviceGuardConfig({
            replayFile: file,
            metrics: 3,
            periodMs: PERIOD,
            historyMs: DAY,
            logs: true,
          }),
        },
        knex: db.knex,
        clock,
      });
    });
    afterAll(async () => {
      await backend?.stop();
      await db?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses every route without credentials', async () => {
      const routes: [string, string][] = [
        ['GET', '/entities/component/default/calm/health'],
        ['GET', '/entities/component/default/calm/verifications'],
        ['GET', '/entities/component/default/calm/feedback'],
        ['POST', '/verifications'],
        ['POST', '/entities/component/default/calm/clusters/L0123/feedback'],
        ['POST', '/run'],
      ];
      for (const [method, path] of routes) {
        const res = method === 'GET' ? await get(path) : await post(path, {});
        expect(res.status, `${method} ${path}`).toBe(401);
      }
    });

    it('refuses run-now and feedback without the permission', async () => {
      expect((await post('/run', {}, userHeader())).status).toBe(403);
      const fb = await post(
        '/entities/component/default/calm/clusters/L0123/feedback',
        { action: 'high', reason: 'always bad' },
        userHeader(),
      );
      expect(fb.status).toBe(403);
      expect((await get('/entities/component/default/calm/feedback', userHeader())).status).toBe(200);
    });

    it('runs, and each entity gets the state its data calls for', async () => {
      const run = await post('/run', {}, adminHeader());
      expect(run.status).toBe(202);
      expect(await run.json()).toEqual({ status: 'triggered', tasks: ['service-guard:worker-0'] });

      const health = async (name: string) =>
        (await (
          await get(`/entities/component/default/${name}/health`, userHeader())
        ).json()) as HealthResponse;

      const calm = await health('calm');
      expect(calm.current?.state).toBe('healthy');
      expect(calm.current?.periodStart).toBe(new Date(PERIOD_END - PERIOD).toISOString());
      expect(calm.current?.metrics.map((m) => m.outcome)).toEqual(['pass', 'pass', 'pass']);
      expect(calm.current?.metrics[0]?.points).toBe(30);

      const broken = await health('broken');
      expect(broken.current?.state).toBe('unhealthy');
      expect(broken.current?.metrics[0]?.outcome).toBe('fail');
      expect(broken.current?.metrics[0]?.alerts).toBeGreaterThan(0);
      expect(broken.current?.reasons[0]).toMatch(/^m0: \d+ of 30 points anomalous/);
      expect(broken.current?.metrics.slice(1).map((m) => m.outcome)).toEqual(['pass', 'pass']);

      // The period's points come back as analysed: the recording's values at each minute of the period,
      // the alerts where the sixfold error rate starts, above the band.
      const recorded = (service: string) =>
        new Map(
          replay.metrics.find((m) => m.metric === 'm0' && m.query.includes(`"${service}"`))!.series[0]!
            .points,
        );
      for (const [name, entity] of [
        ['calm', calm],
        ['broken', broken],
      ] as const) {
        const m0 = entity.current!.metrics[0]!;
        const series = m0.series!;
        expect(series.map((p) => p.t)).toEqual(
          Array.from({ length: 30 }, (_, i) => PERIOD_END - PERIOD + i * MINUTE),
        );
        const values = recorded(name);
        expect(series.map((p) => p.value)).toEqual(series.map((p) => values.get(p.t)));
        expect(series.every((p) => p.instance === `${name}-0` && p.expected !== null)).toBe(true);
        expect(series.filter((p) => p.alert)).toHaveLength(m0.alerts);
      }
      const alerted = broken.current!.metrics[0]!.series!.filter((p) => p.alert);
      expect(alerted.length).toBeGreaterThan(0);
      for (const p of alerted) {
        expect(p.t).toBeGreaterThanOrEqual(PERIOD_END - 10 * MINUTE);
        expect(p.value).toBeGreaterThan(p.upper!);
      }
      expect(broken.current!.metrics[0]!.worst?.t).toBe(
        new Date(alerted.reduce((w, p) => (p.value > w.value ? p : w)).t).toISOString(),
      );
      // The structured fields the tab phrases: every point above the band counts (not only the alerts), the
      // first and last of them, the alert threshold, and the detector's statistics for the details view.
      const m0 = broken.current!.metrics[0]!;
      const above = m0.series!.filter((p) => p.alert || (p.upper !== null && p.value > p.upper));
      expect(m0.anomalous).toEqual({
        points: above.length,
        first: new Date(above[0]!.t).toISOString(),
        last: new Date(above.at(-1)!.t).toISOString(),
      });
      expect(m0.anomalous!.points).toBeGreaterThanOrEqual(m0.alerts);
      expect(m0.threshold).toBeGreaterThan(0);
      expect(m0.worst?.why).toMatch(/expected/);
      expect(calm.current!.metrics[0]!.anomalous).toBeUndefined();

      const noisy = await health('noisy-logs');
      const novel = noisy.current?.logs?.clusters.find((c) => c.class === 'unknown');
      expect(novel?.template).toContain('pool exhausted');
      expect(novel?.count).toBe(30);
      expect(noisy.current?.logs?.outcome).toBe('fail');
      expect(noisy.current?.state).toBe('unhealthy');

      const typo = await health('typo');
      expect(typo.current?.state).toBe('no-data');
      expect(typo.current?.reasons[0]).toContain('names profile "no-such-profile", which is not configured');

      // A line break in an annotation is refused before any query is made, for that entity alone.
      const evil = await health('evil');
      expect(evil.current?.state).toBe('no-data');
      expect(evil.current?.reasons[0]).toContain(
        'annotation prometheus.io/service-name contains a control character',
      );
      // A quote-laden value is only ever a template variable: the provider renders it (escaped for real
      // backends, verbatim as the replay key), finds no such series, and the entity alone has no data.
      const sly = await health('sly');
      expect(sly.current?.state).toBe('no-data');
      expect(sly.current?.metrics.map((m) => m.outcome)).toEqual(['no-data', 'no-data', 'no-data']);
      expect(sly.current?.metrics[0]?.reason).toContain(
        'no recording of "sum by (instance) (rate(vigil_metric_0{service="x"}) or vector(1) #"}[1m]))"',
      );

      expect((await health('bystander')).current).toBeNull();
      // Analysed for the last complete period: on time. Not opted in: no schedule to be late for.
      expect(calm.freshness).toEqual({
        expectedPeriodStart: new Date(PERIOD_END - PERIOD).toISOString(),
        lateByMs: 0,
      });
      expect((await health('bystander')).freshness).toBeNull();
    });

    it('is idempotent per period: a second run stores nothing new', async () => {
      await post('/run', {}, adminHeader());
      const h = (await (
        await get('/entities/component/default/calm/health', userHeader())
      ).json()) as HealthResponse;
      expect(h.history).toHaveLength(1);
      const one = await post('/run', { entityRef: 'component:default/calm' }, adminHeader());
      expect(one.status).toBe(200);
      expect(((await one.json()) as { status: string }).status).toBe('already-analysed');
    });

    it('stores feedback with who, when and why, and the next period scores the cluster with it', async () => {
      const healthOf = async () =>
        (await (
          await get('/entities/component/default/noisy-logs/health', userHeader())
        ).json()) as HealthResponse;
      const noisy = await healthOf();
      expect(noisy.feedback).toEqual([]);
      const cluster = noisy.current!.logs!.clusters.find((c) => c.class === 'unknown')!;
      const give = (action: string, reason: string) =>
        post(
          `/entities/component/default/noisy-logs/clusters/${cluster.clusterId}/feedback`,
          { action, reason, template: cluster.template },
          adminHeader(),
        );
      // A first opinion, then a second one a minute later: the newer is the one in force.
      expect((await give('high', 'looks like the pool leak again')).status).toBe(201);
      const given = now;
      now += MINUTE;
      const res = await give('not-a-risk-ignore-frequency', 'pool warm-up after each deploy');
      expect(res.status).toBe(201);
      const fb = (await res.json()) as LogClusterFeedback;
      expect(fb).toMatchObject({
        entityRef: 'component:default/noisy-logs',
        clusterId: cluster.clusterId,
        createdBy: 'user:default/admin',
        reason: 'pool warm-up after each deploy',
        createdAt: new Date(clock()).toISOString(),
      });
      const list = (await (
        await get('/entities/component/default/noisy-logs/feedback', userHeader())
      ).json()) as FeedbackResponse;
      expect(list.items.map((f) => f.action)).toEqual(['not-a-risk-ignore-frequency', 'high']);
      expect(list.items[1]!.createdAt).toBe(new Date(given).toISOString());

      // A reload before the next analysis shows the feedback in force on its cluster: who, when, which.
      const reloaded = await healthOf();
      expect(reloaded.current?.periodStart).toBe(noisy.current?.periodStart);
      expect(reloaded.feedback).toEqual([fb]);

      // Next period: the message goes on (now known from the history, and more frequent), but the feedback
      // takes its risk away; the detectors continue from their stored memory.
      now += PERIOD;
      expect((await post('/run', {}, adminHeader())).status).toBe(202);
      const next = await healthOf();
      expect(next.history).toHaveLength(2);
      expect(next.current?.periodStart).toBe(new Date(PERIOD_END).toISOString());
      const same = next.current?.logs?.clusters.find((c) => c.clusterId === cluster.clusterId);
      expect(same?.count).toBe(30);
      expect(same?.risk).toBe(0);
      // The snapshot keeps the feedback it applied, with who gave it and when.
      expect(same?.feedback).toEqual({
        action: 'not-a-risk-ignore-frequency',
        reason: 'pool warm-up after each deploy',
        createdBy: 'user:default/admin',
        createdAt: fb.createdAt,
      });
      expect(next.feedback).toEqual([fb]);
      expect(next.current?.logs?.outcome).toBe('pass');
      expect(next.current?.state).toBe('healthy');
      expect(next.current?.metrics.every((m) => m.points === 30 && !m.reason.includes('learning'))).toBe(
        true,
      );
    });

    it('validates bodies and names the field', async () => {
      const bad = await post(
        '/verifications',
        {
          entityRef: 'component:default/calm',
          verdict: 'maybe',
          score: 120,
          reason: 'x',
          startedAt: 'yesterday',
          finishedAt: '2026-11-20T12:00:00Z',
        },
        serviceHeader(),
      );
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as ServiceGuardErrorBody;
      expect(body.fields!.map((f) => f.path).sort()).toEqual([
        'body.score',
        'body.startedAt',
        'body.verdict',
      ]);
      const fb = await post(
        '/entities/component/default/calm/clusters/L1/feedback',
        { action: 'high', reason: '' },
        adminHeader(),
      );
      expect(fb.status).toBe(400);
      expect(((await fb.json()) as ServiceGuardErrorBody).fields![0]!.path).toBe('body.reason');
      const q = await get('/entities/component/default/calm/health?limit=0', userHeader());
      expect(q.status).toBe(400);
      expect(((await q.json()) as ServiceGuardErrorBody).fields![0]!.path).toBe('query.limit');
    });

    it('stores deployment verifications from a service token and lists them per entity', async () => {
      const input = {
        entityRef: 'Component:default/Calm',
        verdict: 'fail',
        score: 31,
        reason: 'p99 latency 48% higher on the canary',
        startedAt: '2026-11-20T11:00:00Z',
        finishedAt: '2026-11-20T11:15:00Z',
        version: 'v1.2.3',
        runUrl: 'https://github.com/acme/calm/actions/runs/1',
        rollbackRunUrl: 'https://github.com/acme/calm/actions/runs/2',
        metrics: [{ metric: 'latency_p99', outcome: 'fail', risk: 0.9, explanation: '312 ms vs 211 ms' }],
      };
      const res = await post('/verifications', input, serviceHeader());
      expect(res.status).toBe(201);
      const stored = (await res.json()) as DeploymentVerification;
      expect(stored.entityRef).toBe('component:default/calm');
      expect(stored.createdBy).toBe('external:test-service');
      const list = (await (
        await get('/entities/component/default/calm/verifications', userHeader())
      ).json()) as VerificationsResponse;
      expect(list.items).toHaveLength(1);
      expect(list.items[0]).toMatchObject({
        verdict: 'fail',
        score: 31,
        version: 'v1.2.3',
        runUrl: 'https://github.com/acme/calm/actions/runs/1',
        rollbackRunUrl: 'https://github.com/acme/calm/actions/runs/2',
      });
      const script = await post(
        '/verifications',
        { ...input, rollbackRunUrl: 'javascript:alert(1)' },
        serviceHeader(),
      );
      expect(script.status).toBe(400);
      expect(((await script.json()) as ServiceGuardErrorBody).fields!.map((f) => f.path)).toEqual([
        'body.rollbackRunUrl',
      ]);
    });
  });
}
