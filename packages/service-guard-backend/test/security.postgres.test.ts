/**
 * The API as a careless client or an ordinary signed-in user meets it (issue #16, "What was seen"), on a
 * real PostgreSQL: who may post, who may read, and what a malformed request gets.
 */
import './support/jestShim.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Report } from '@vigil/core';
import type {
  DeploymentVerification,
  ServiceGuardErrorBody,
  VerificationsResponse,
} from '@vigil/backstage-plugin-service-guard-common';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminHeader,
  pgKnex,
  serviceHeader,
  type StartedBackend,
  startServiceGuard,
  userHeader,
} from './support/backend.ts';
import { postVerification, verificationInput } from '../../action/src/backstage.ts';
import { startPostgres, type TestPostgres } from './support/postgres.ts';
import {
  component,
  DAY,
  HOUR,
  MINUTE,
  serviceGuardConfig,
  syntheticReplay,
  writeReplay,
} from './support/replay.ts';

const PERIOD_END = Date.UTC(2026, 10, 20, 12, 0);
// 'component:default/' is 18 characters: a 300-character ref.
const LONG = `l${'o'.repeat(279)}ng`;

const verification = (entityRef: string, extra: Record<string, unknown> = {}) => ({
  entityRef,
  verdict: 'pass',
  score: 97,
  reason: 'no metric changed',
  startedAt: '2026-11-20T11:00:00Z',
  finishedAt: '2026-11-20T11:15:00Z',
  version: '1.4.0',
  runUrl: 'https://github.com/acme/calm/actions/runs/9',
  ...extra,
});

describe('Service Guard API, as a careless client or an ordinary user meets it (PostgreSQL)', () => {
  let pg: TestPostgres;
  let knex: Knex;
  let dir: string;
  let backend: StartedBackend;
  const send = (method: string, path: string, auth: string | undefined, body?: string, headers = {}) =>
    fetch(`${backend.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(auth ? { authorization: auth } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body } : {}),
    });
  const post = (path: string, body: unknown, auth?: string) => send('POST', path, auth, JSON.stringify(body));
  const get = (path: string, auth?: string) => send('GET', path, auth);

  beforeAll(async () => {
    pg = await startPostgres();
    knex = pgKnex(await pg.createDatabase('service_guard_security'));
    dir = mkdtempSync(join(tmpdir(), 'sg-security-'));
    const file = writeReplay(
      dir,
      syntheticReplay([{ service: 'calm' }], { metrics: 1, from: PERIOD_END - DAY, to: PERIOD_END + HOUR }),
    );
    backend = await startServiceGuard({
      entities: [
        component('calm'),
        component('secret'),
        component(LONG),
        { ...component('bystander'), metadata: { name: 'bystander', namespace: 'default' } },
      ] as never,
      config: {
        serviceGuard: serviceGuardConfig({
          replayFile: file,
          metrics: 1,
          periodMs: 30 * MINUTE,
          historyMs: DAY,
        }),
      },
      knex,
      clock: () => PERIOD_END + 30_000,
      // The catalog's policy: only the admin may read component:default/secret.
      canRead: (user, ref) => ref !== 'component:default/secret' || user === 'user:default/admin',
    });
  }, 60_000);
  afterAll(async () => {
    await backend?.stop();
    await knex?.destroy();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a verification from any user, even one the permission policy allows everything', async () => {
    for (const auth of [userHeader(), adminHeader()]) {
      const res = await post(
        '/verifications',
        verification('component:default/calm', { runUrl: 'https://evil.example/phish' }),
        auth,
      );
      expect(res.status).toBe(403);
      expect(((await res.json()) as ServiceGuardErrorBody).error.name).toBe('NotAllowedError');
    }
    const list = (await (
      await get('/entities/component/default/calm/verifications', userHeader())
    ).json()) as VerificationsResponse;
    expect(list.items).toEqual([]);
  });

  it('takes verifications from a service principal only for entities in the catalog that opted in', async () => {
    const ghost = await post('/verifications', verification('component:default/ghost'), serviceHeader());
    expect(ghost.status).toBe(404);
    expect(((await ghost.json()) as ServiceGuardErrorBody).error.message).toContain(
      'component:default/ghost is not in the catalog',
    );
    const bystander = await post(
      '/verifications',
      verification('component:default/bystander'),
      serviceHeader(),
    );
    expect(bystander.status).toBe(400);
    expect(((await bystander.json()) as ServiceGuardErrorBody).fields).toEqual([
      {
        path: 'body.entityRef',
        message:
          'component:default/bystander has not opted in to Service Guard (annotation vigil.dev/service-guard)',
      },
    ]);
    const ok = await post('/verifications', verification('component:default/calm'), serviceHeader());
    expect(ok.status).toBe(201);
    const list = (await (
      await get('/entities/component/default/calm/verifications', userHeader())
    ).json()) as VerificationsResponse;
    expect(list.items.map((v) => [v.version, v.createdBy])).toEqual([['1.4.0', 'external:test-service']]);
  });

  it('answers reads only for entities the caller may read in the catalog; unknown entities are 404', async () => {
    for (const what of ['health', 'verifications', 'feedback']) {
      const hidden = await get(`/entities/component/default/secret/${what}`, userHeader());
      expect(hidden.status, what).toBe(404);
      expect((await get(`/entities/component/default/secret/${what}`, adminHeader())).status, what).toBe(200);
      expect((await get(`/entities/component/default/ghost/${what}`, adminHeader())).status, what).toBe(404);
    }
  });

  it('takes feedback only on a log cluster an analysis of the entity found', async () => {
    const res = await post(
      '/entities/component/default/calm/clusters/L0123/feedback',
      { action: 'not-a-risk-ignore-frequency', reason: 'looks harmless' },
      adminHeader(),
    );
    expect(res.status).toBe(404);
    expect(((await res.json()) as ServiceGuardErrorBody).error.message).toBe(
      'no analysis of component:default/calm found a log cluster L0123',
    );
  });

  it('answers a malformed request with a 4xx, never a 500', async () => {
    const big = await send(
      'POST',
      '/verifications',
      serviceHeader(),
      JSON.stringify(verification('component:default/calm', { reason: 'x'.repeat(3 * 1024 * 1024) })),
    );
    expect(big.status).toBe(413);
    const gzip = await send(
      'POST',
      '/verifications',
      serviceHeader(),
      JSON.stringify(verification('component:default/calm')),
      {
        'content-encoding': 'gzip',
      },
    );
    expect(gzip.status).toBe(400);
    const badEscape = await get('/entities/component/default/%E0%A4%A/health', userHeader());
    expect(badEscape.status).toBe(400);
    const json = await send('POST', '/verifications', serviceHeader(), '{"entityRef": ');
    expect(json.status).toBe(400);
    const cursor = await get('/entities/component/default/calm/verifications?cursor=%%%', userHeader());
    expect(cursor.status).toBe(400);
    expect(((await cursor.json()) as ServiceGuardErrorBody).fields?.[0]?.path).toBe('query.cursor');
  });

  it('stores a 300-character entity ref (the validator and the columns agree)', async () => {
    const ref = `component:default/${LONG}`;
    expect(ref).toHaveLength(300);
    const res = await post('/verifications', verification(ref), serviceHeader());
    expect(res.status).toBe(201);
    const list = (await (
      await get(`/entities/component/default/${LONG}/verifications`, userHeader())
    ).json()) as VerificationsResponse;
    expect(list.items).toHaveLength(1);
  });

  it('refuses an 830 KB verification, and lists verifications a page at a time without their details', async () => {
    const huge = verification('component:default/calm', {
      metrics: Array.from({ length: 200 }, (_, i) => ({
        metric: `m${i}`,
        outcome: 'pass',
        risk: 0,
        explanation: 'y'.repeat(4000),
      })),
    });
    expect(JSON.stringify(huge).length).toBeGreaterThan(800_000);
    expect((await post('/verifications', huge, serviceHeader())).status).toBe(413);

    // The largest verification the validator accepts fits the body limit.
    const largest = verification('component:default/calm', {
      reason: 'r'.repeat(4000),
      metrics: Array.from({ length: 100 }, (_, i) => ({
        metric: `m${i}`,
        outcome: 'pass',
        risk: 0,
        explanation: 'y'.repeat(1000),
      })),
      logs: { outcome: 'pass', risk: 0, explanation: 'z'.repeat(4000) },
    });
    const stored = await post('/verifications', largest, serviceHeader());
    expect(stored.status).toBe(201);
    const id = ((await stored.json()) as DeploymentVerification).id;

    for (let i = 0; i < 23; i++) {
      const minute = String(16 + i).padStart(2, '0');
      const res = await post(
        '/verifications',
        verification('component:default/calm', {
          version: `2.0.${i}`,
          finishedAt: `2026-11-20T11:${minute}:00Z`,
        }),
        serviceHeader(),
      );
      expect(res.status).toBe(201);
    }
    // 25 in all: the first verification, the largest, and 23 newer ones.
    const first = (await (
      await get('/entities/component/default/calm/verifications', userHeader())
    ).json()) as VerificationsResponse;
    expect(first.items).toHaveLength(20);
    expect(first.items[0]?.version).toBe('2.0.22');
    expect(first.items.every((v) => !('metrics' in v) && !('logs' in v))).toBe(true);
    expect(first.nextCursor).toBeTypeOf('string');
    const second = (await (
      await get(`/entities/component/default/calm/verifications?cursor=${first.nextCursor}`, userHeader())
    ).json()) as VerificationsResponse;
    expect(second.items).toHaveLength(5);
    expect(second.nextCursor).toBeUndefined();
    const ids = [...first.items, ...second.items].map((v) => v.id);
    expect(new Set(ids).size).toBe(25);
    expect(ids).toContain(id);

    const detail = (await (
      await get(`/entities/component/default/calm/verifications/${id}`, userHeader())
    ).json()) as DeploymentVerification;
    expect(detail.metrics).toHaveLength(100);
    expect((await get('/entities/component/default/calm/verifications/999999', userHeader())).status).toBe(
      404,
    );
    expect((await get(`/entities/component/default/secret/verifications/${id}`, userHeader())).status).toBe(
      404,
    );
  });

  it("takes the GitHub Action's largest verification through the Action's own client", async () => {
    const report = {
      verdict: 'fail',
      score: 12,
      reason: 'r'.repeat(9000),
      startedAt: '2026-11-20T11:00:00Z',
      finishedAt: '2026-11-20T11:40:00Z',
      version: '3.0.0',
      strategy: { type: 'canary' },
      metrics: Array.from({ length: 300 }, (_, i) => ({
        metric: `metric_${i}`,
        outcome: 'fail',
        risk: 0.9,
        explanation: `p99 ${'é'.repeat(5000)}`,
      })),
      logs: { outcome: 'fail', risk: 0.8, explanation: 'l'.repeat(9000) },
    } as unknown as Report;
    const body = verificationInput(report, {
      entityRef: 'component:default/calm',
      runUrl: 'https://github.com/acme/calm/actions/runs/77',
    });
    const base = backend.baseUrl.replace(/\/api\/service-guard$/, '');
    const id = await postVerification(base, mockCredentials.service.token(), body);
    const stored = (await (
      await get(`/entities/component/default/calm/verifications/${id}`, userHeader())
    ).json()) as DeploymentVerification;
    expect(stored.metrics).toHaveLength(100);
    expect(stored.createdBy).toBe('external:test-service');
    // A user's token gets the Action's hint, not a stored verification.
    const refused = await postVerification(
      base,
      mockCredentials.user.token('user:default/admin'),
      body,
    ).catch((e: Error) => e);
    expect((refused as Error).message).toMatch(/Backstage answered 403 .*a user token is refused/);
  });

  it("takes a static external-access token as the Action's service principal, with Backstage's real auth", async () => {
    const token = 'vigil-action-token-0123456789abcdef';
    const real = await startServiceGuard({
      entities: [component('calm')] as never,
      config: {
        backend: {
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token, subject: 'github-action' },
                accessRestrictions: [{ plugin: 'service-guard' }],
              },
            ],
          },
        },
        serviceGuard: serviceGuardConfig({
          replayFile: join(dir, 'none.json'),
          metrics: 1,
          periodMs: 30 * MINUTE,
          historyMs: DAY,
        }),
      } as never,
      knex: pgKnex(await pg.createDatabase('service_guard_real_auth')),
      clock: () => PERIOD_END + 30_000,
      realAuth: true,
    });
    try {
      const at = (auth: string) =>
        fetch(`${real.baseUrl}/verifications`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body: JSON.stringify(verification('component:default/calm')),
        });
      const ok = await at(`Bearer ${token}`);
      expect(ok.status).toBe(201);
      expect(((await ok.json()) as DeploymentVerification).createdBy).toBe('github-action');
      const wrong = await at('Bearer not-the-token-0123456789abcdef');
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).not.toContain(token);
    } finally {
      await real.stop();
    }
  });
});
