import './jestShim.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  EntitiesHealthResponse,
  EntityRunResponse,
  HealthResponse,
  ServiceGuardErrorBody,
} from '@vigil/backstage-plugin-service-guard-common';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeader, type StartedBackend, startServiceGuard, userHeader } from './backend.ts';
import { component, DAY, HOUR, MINUTE, serviceGuardConfig, syntheticReplay, writeReplay } from './replay.ts';

const PERIOD_END = Date.UTC(2026, 10, 20, 12, 0);
const PERIOD = 30 * MINUTE;

/** An opted-in component owned by `owner` (a group), with the relation the catalog would add. */
function owned(name: string, owner: string, annotations: Record<string, string> = {}) {
  const c = component(name, annotations);
  return {
    ...c,
    spec: { ...c.spec, owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  };
}

/**
 * Policy: `user:default/admin` may do anything; `user:default/owner-a` may trigger runs of
 * `component:default/calm` only (a per-entity decision, as a conditional policy on the entity's owner
 * gives); everyone else nothing.
 */
const policy: PermissionsService = {
  authorize: async (requests, options) =>
    requests.map((r) => {
      const user = (options.credentials as BackstageCredentials<{ userEntityRef?: string }>).principal
        .userEntityRef;
      const ref = (r as { resourceRef?: string }).resourceRef;
      const allow =
        user === 'user:default/admin' ||
        (user === 'user:default/owner-a' && ref === 'component:default/calm');
      return { result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }) as never,
  authorizeConditional: async (requests, options) =>
    requests.map(() => {
      const user = (options.credentials as BackstageCredentials<{ userEntityRef?: string }>).principal
        .userEntityRef;
      if (user === 'user:default/admin') return { result: AuthorizeResult.ALLOW };
      if (user === 'user:default/owner-a')
        return {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'catalog',
          resourceType: 'catalog-entity',
          conditions: { rule: 'IS_ENTITY_OWNER', resourceType: 'catalog-entity', params: { claims: [] } },
        };
      return { result: AuthorizeResult.DENY };
    }) as never,
};

/**
 * Run-now of one entity and the catalog-wide health list, against one database (`database` gives a fresh
 * knex and its cleanup).
 */
export function describeRunAndList(
  title: string,
  database: () => Promise<{ knex: Knex; cleanup: () => Promise<void> }>,
): void {
  describe(title, () => {
    const clock = () => PERIOD_END + 30_000;
    let dir: string;
    let backend: StartedBackend;
    let db: { knex: Knex; cleanup: () => Promise<void> };
    const analysed: string[] = [];
    const user = (ref: string) => `Bearer mock-user-token:${JSON.stringify({ sub: ref })}`;
    const send = (method: string, path: string, auth?: string) =>
      fetch(`${backend.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
    const json = async <T>(res: Response) => (await res.json()) as T;

    /** Polls the run until it is done or failed (the run itself is the backend's; the test only waits). */
    const finished = async (name: string, runId: string) => {
      for (;;) {
        const r = await json<EntityRunResponse>(
          await send('GET', `/entities/component/default/${name}/run`, userHeader()),
        );
        expect(r.run?.runId).toBe(runId);
        if (r.run!.status === 'done' || r.run!.status === 'failed') return r.run!;
        await new Promise((ok) => setTimeout(ok, 50));
      }
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sg-run-'));
      db = await database();
      const replay = syntheticReplay(
        [
          { service: 'calm' },
          { service: 'broken', anomaly: { start: PERIOD_END - 10 * MINUTE, end: PERIOD_END, factor: 6 } },
          { service: 'slow' },
          { service: 'secret' },
        ],
        { metrics: 2, from: PERIOD_END - 2 * DAY, to: PERIOD_END + HOUR },
      );
      const file = writeReplay(dir, replay);
      const sg = serviceGuardConfig({ replayFile: file, metrics: 2, periodMs: PERIOD, historyMs: DAY });
      backend = await startServiceGuard({
        entities: [
          owned('calm', 'team-a'),
          owned('broken', 'team-b'),
          owned('slow', 'team-a'),
          owned('secret', 'team-secret'),
          owned('fresh', 'team-a'),
          owned('doomed', 'team-b'),
          { ...owned('bystander', 'team-a'), metadata: { name: 'bystander', namespace: 'default' } },
        ] as never,
        config: { serviceGuard: sg },
        knex: db.knex,
        clock,
        permissions: policy,
        canRead: (u, ref) => ref !== 'component:default/secret' || u === 'user:default/admin',
        observer: { entity: (ref) => analysed.push(ref) },
      });
    });
    afterAll(async () => {
      await backend?.stop();
      await db?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses run-now without credentials (401) and without the permission (403, in words)', async () => {
      expect((await send('POST', '/entities/component/default/calm/run')).status).toBe(401);
      expect((await send('GET', '/entities/component/default/calm/run')).status).toBe(401);
      expect((await send('GET', '/entities')).status).toBe(401);
      const res = await send('POST', '/entities/component/default/calm/run', userHeader());
      expect(res.status).toBe(403);
      expect((await json<ServiceGuardErrorBody>(res)).error.message).toBe(
        'not allowed: service-guard.run.trigger on component:default/calm',
      );
      // Nothing was queued.
      expect(
        await json<EntityRunResponse>(
          await send('GET', '/entities/component/default/calm/run', userHeader()),
        ),
      ).toEqual({
        entityRef: 'component:default/calm',
        run: null,
      });
    });

    it('runs one entity in the background and answers its new health', async () => {
      const res = await send('POST', '/entities/component/default/broken/run', adminHeader());
      expect(res.status).toBe(202);
      const started = await json<EntityRunResponse>(res);
      expect(started.entityRef).toBe('component:default/broken');
      expect(['queued', 'running', 'done']).toContain(started.run!.status);
      expect(started.run!.requestedBy).toBe('user:default/admin');
      const run = await finished('broken', started.run!.runId);
      expect(run.status).toBe('done');
      expect(run.outcome).toBe('analysed');
      expect(run.health?.state).toBe('unhealthy');
      expect(run.health?.periodStart).toBe(new Date(PERIOD_END - PERIOD).toISOString());
      const health = await json<HealthResponse>(
        await send('GET', '/entities/component/default/broken/health', userHeader()),
      );
      expect(health.current?.state).toBe('unhealthy');
      expect(run.health?.score).toBe(health.current?.score);
      expect(analysed.filter((r) => r === 'component:default/broken')).toHaveLength(1);

      // A second run of the same period finds it stored.
      const again = await json<EntityRunResponse>(
        await send('POST', '/entities/component/default/broken/run', adminHeader()),
      );
      expect(again.run!.runId).not.toBe(started.run!.runId);
      const second = await finished('broken', again.run!.runId);
      expect(second.outcome).toBe('already-analysed');
      expect(second.health?.state).toBe('unhealthy');
    });

    it('joins a run in progress on any replica instead of starting another', async () => {
      // Another replica is running `slow` (its lease is live).
      await db.knex('sg_runs').insert({
        entity_ref: 'component:default/slow',
        run_id: 'other-replica-run',
        status: 'running',
        requested_by: 'user:default/someone',
        requested_at: Date.now(),
        started_at: Date.now(),
        lease_until: Date.now() + HOUR,
      });
      const res = await send('POST', '/entities/component/default/slow/run', adminHeader());
      expect(res.status).toBe(202);
      const joined = await json<EntityRunResponse>(res);
      expect(joined.run).toMatchObject({
        runId: 'other-replica-run',
        status: 'running',
        requestedBy: 'user:default/someone',
      });
      expect(analysed).not.toContain('component:default/slow');

      // That replica died: once its lease is over the run reads as failed, and a new request starts anew.
      await db
        .knex('sg_runs')
        .where({ entity_ref: 'component:default/slow' })
        .update({ lease_until: Date.now() - 1 });
      const lost = await json<EntityRunResponse>(
        await send('GET', '/entities/component/default/slow/run', userHeader()),
      );
      expect(lost.run).toMatchObject({ runId: 'other-replica-run', status: 'failed' });
      expect(lost.run!.error).toMatch(/replica running it stopped/);
      const fresh = await json<EntityRunResponse>(
        await send('POST', '/entities/component/default/slow/run', adminHeader()),
      );
      expect(fresh.run!.runId).not.toBe('other-replica-run');
      expect((await finished('slow', fresh.run!.runId)).health?.state).toBe('healthy');
    });

    it('says in words why a run failed', async () => {
      // The detectors' stored memory of `doomed` is corrupt: reading it throws, so its analysis fails.
      await db.knex('sg_detector_state').insert({
        entity_ref: 'component:default/doomed',
        metric: 'm0',
        instance: 'doomed-0',
        last_t: PERIOD_END - DAY,
        state: '{"truncated":',
        updated_at: PERIOD_END - DAY,
      });
      const started = await json<EntityRunResponse>(
        await send('POST', '/entities/component/default/doomed/run', adminHeader()),
      );
      const run = await finished('doomed', started.run!.runId);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/^the analysis failed: .*JSON/);
      expect(run.health).toBeUndefined();
    });

    it('decides per entity: a policy may allow some entities and not others, and never all at once', async () => {
      const owner = user('user:default/owner-a');
      expect((await send('POST', '/entities/component/default/broken/run', owner)).status).toBe(403);
      const calm = await send('POST', '/entities/component/default/calm/run', owner);
      expect(calm.status).toBe(202);
      const run = await finished('calm', (await json<EntityRunResponse>(calm)).run!.runId);
      expect(run.health?.state).toBe('healthy');
      const all = await send('POST', '/run', owner);
      expect(all.status).toBe(403);
      expect((await json<ServiceGuardErrorBody>(all)).error.message).toMatch(/for every entity/);
    });

    it('answers 404 for an entity the caller may not read and 409 for one not opted in', async () => {
      for (const method of ['GET', 'POST']) {
        const res = await send(method, '/entities/component/default/secret/run', userHeader());
        expect(res.status, method).toBe(404);
      }
      const bystander = await send('POST', '/entities/component/default/bystander/run', adminHeader());
      expect(bystander.status).toBe(409);
      expect((await json<ServiceGuardErrorBody>(bystander)).error.message).toMatch(/has not opted in/);
    });

    it('lists the readable opted-in entities worst first, with counts and owners', async () => {
      const list = await json<EntitiesHealthResponse>(
        await send('GET', '/entities?include=signals', userHeader()),
      );
      expect(list.items.map((i) => [i.entityRef, i.state])).toEqual([
        ['component:default/broken', 'unhealthy'],
        ['component:default/doomed', 'not-analysed'],
        ['component:default/fresh', 'not-analysed'],
        [expect.any(String), 'healthy'],
        [expect.any(String), 'healthy'],
      ]);
      // Lower score first among equals.
      const healthy = list.items.slice(3);
      expect(healthy.map((i) => i.entityRef).sort()).toEqual([
        'component:default/calm',
        'component:default/slow',
      ]);
      expect(healthy[0]!.score!).toBeLessThanOrEqual(healthy[1]!.score!);
      // The hidden entity is nowhere: not listed, not counted, its owner not offered.
      expect(list.total).toBe(5);
      expect(list.counts).toEqual({ unhealthy: 1, degraded: 0, 'no-data': 0, 'not-analysed': 2, healthy: 2 });
      expect(list.owners).toEqual(['group:default/team-a', 'group:default/team-b']);
      const broken = list.items[0]!;
      expect(broken.owners).toEqual(['group:default/team-b']);
      expect(broken.reason).toMatch(/^m0: \d+ of 30 points anomalous/);
      expect(broken.periodEnd).toBe(new Date(PERIOD_END).toISOString());
      // The structured fields the page phrases the reason from, as the tab does (no series on a list).
      const m0 = broken.signals!.metrics.find((m) => m.metric === 'm0')!;
      expect(broken.signals!.metrics.map((m) => m.metric)).toEqual(['m0', 'm1']);
      expect(m0.outcome).toBe('fail');
      expect(m0.threshold).toBeGreaterThan(0);
      expect(m0.anomalous!.points).toBeGreaterThan(0);
      expect(Date.parse(m0.anomalous!.first)).toBeGreaterThanOrEqual(PERIOD_END - 10 * MINUTE);
      expect(m0.worst!.value).toBeGreaterThan(m0.worst!.upper!);
      expect(m0.series).toBeUndefined();
      expect(list.items.find((i) => i.state === 'not-analysed')!.signals).toBeUndefined();
      expect(healthy[0]!.signals!.metrics.every((m) => m.outcome === 'pass')).toBe(true);
      // Without include=signals (the catalog table's column): the same list, without them.
      const plain = await json<EntitiesHealthResponse>(await send('GET', '/entities', userHeader()));
      expect(plain.items.map((i) => i.entityRef)).toEqual(list.items.map((i) => i.entityRef));
      expect(plain.items.map((i) => i.reason)).toEqual(list.items.map((i) => i.reason));
      expect(plain.items.filter((i) => 'signals' in i)).toEqual([]);

      const admin = await json<EntitiesHealthResponse>(await send('GET', '/entities', adminHeader()));
      expect(admin.items.map((i) => i.entityRef)).toContain('component:default/secret');
      expect(admin.owners).toContain('group:default/team-secret');
    });

    it('filters by owner, state and refs, and pages', async () => {
      const list = await json<EntitiesHealthResponse>(await send('GET', '/entities', userHeader()));
      const byOwner = await json<EntitiesHealthResponse>(
        await send('GET', '/entities?owner=team-a', userHeader()),
      );
      expect(byOwner.items.map((i) => i.entityRef)).toEqual([
        'component:default/fresh',
        ...list.items.slice(3).map((i) => i.entityRef),
      ]);
      expect(byOwner.owners).toEqual(['group:default/team-a', 'group:default/team-b']);
      const two = await json<EntitiesHealthResponse>(
        await send(
          'GET',
          '/entities?owner=group:default/team-a&owner=group:default/team-b&state=healthy&state=unhealthy',
          userHeader(),
        ),
      );
      expect(two.items.map((i) => i.entityRef)).toEqual([
        'component:default/broken',
        ...list.items.slice(3).map((i) => i.entityRef),
      ]);
      const refs = await json<EntitiesHealthResponse>(
        await send(
          'GET',
          '/entities?entityRef=component:default/calm&entityRef=component:default/secret&entityRef=component:default/bystander',
          userHeader(),
        ),
      );
      expect(refs.items.map((i) => i.entityRef)).toEqual(['component:default/calm']);
      const first = await json<EntitiesHealthResponse>(await send('GET', '/entities?limit=2', userHeader()));
      expect(first.items).toHaveLength(2);
      expect(first.nextOffset).toBe(2);
      const last = await json<EntitiesHealthResponse>(
        await send('GET', '/entities?limit=2&offset=4', userHeader()),
      );
      expect(last.items.map((i) => i.entityRef)).toEqual([list.items[4]!.entityRef]);
      expect(last.nextOffset).toBeUndefined();
    });

    it('names the bad query field', async () => {
      const res = await send(
        'GET',
        '/entities?state=sad&limit=0&owner=no%20spaces&include=series',
        userHeader(),
      );
      expect(res.status).toBe(400);
      expect((await json<ServiceGuardErrorBody>(res)).fields!.map((f) => f.path).sort()).toEqual([
        'query.include.0',
        'query.limit',
        'query.owner.0',
        'query.state.0',
      ]);
    });
  });
}
