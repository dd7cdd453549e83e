/**
 * Fair at scale (issue #16): every opted-in entity gets its turn although a run has room for only a third
 * of them, lateness is reported, schedule changes apply without a restart, the workers of a replica share
 * one catalog read, and retention is indexed and batched. On a real PostgreSQL (claims use SKIP LOCKED).
 */
import './support/jestShim.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntityOutcome, ServiceGuardRunner } from '../src/runner.ts';
import { migrateServiceGuard, ServiceGuardStore } from '../src/store.ts';
import { adminHeader, pgKnex, startServiceGuard } from './support/backend.ts';
import { recordingLogger } from './support/logger.ts';
import { startPostgres, type TestPostgres } from './support/postgres.ts';
import {
  component,
  DAY,
  MINUTE,
  serviceGuardConfig,
  syntheticReplay,
  writeReplay,
} from './support/replay.ts';

const PERIOD = 30 * MINUTE;
const PERIOD_END = Date.UTC(2026, 10, 20, 12, 0);
const ENTITIES = 60;
const ROOM = 20;

describe('Service Guard is fair at scale (PostgreSQL)', () => {
  let pg: TestPostgres;
  let dir: string;
  let replayFile: string;
  const knexes: Knex[] = [];
  const names = Array.from({ length: ENTITIES }, (_, i) => `svc-${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    pg = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'sg-fair-'));
    replayFile = writeReplay(
      dir,
      syntheticReplay(
        names.map((service) => ({ service })),
        { metrics: 1, from: PERIOD_END - DAY, to: PERIOD_END + 4 * PERIOD },
      ),
    );
  }, 60_000);
  afterAll(async () => {
    for (const k of knexes) await k.destroy();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const database = async (name: string) => {
    const knex = pgKnex(await pg.createDatabase(name));
    knexes.push(knex);
    await migrateServiceGuard(knex);
    return knex;
  };

  it('gives every entity its turn when a run has room for a third of them, and reports the late ones', async () => {
    const knex = await database('sg_fair_starvation');
    const store = new ServiceGuardStore(knex);
    let now = PERIOD_END + 30_000;
    const lines: string[] = [];
    let controller = new AbortController();
    let written = 0;
    const analysed = new Map<number, string[]>();
    const runner = new ServiceGuardRunner({
      store,
      catalog: catalogServiceMock({ entities: names.map((n) => component(n)) as never }),
      auth: mockServices.auth(),
      config: mockServices.rootConfig({
        data: {
          serviceGuard: serviceGuardConfig({
            replayFile,
            metrics: 1,
            periodMs: PERIOD,
            historyMs: DAY,
            concurrency: 1,
          }) as never,
        },
      }),
      logger: recordingLogger(lines),
      clock: () => now,
      observer: {
        entity(ref, period, outcome: EntityOutcome) {
          if (outcome !== 'written') return;
          analysed.set(period.start, [...(analysed.get(period.start) ?? []), ref]);
          // The run's timeout, after ROOM entities.
          if (++written % ROOM === 0) controller.abort();
        },
      },
    });
    const periods = [PERIOD_END - PERIOD, PERIOD_END, PERIOD_END + PERIOD];
    const stats = [];
    for (const [i, start] of periods.entries()) {
      now = start + PERIOD + 30_000;
      controller = new AbortController();
      stats.push(await runner.runWorker(controller.signal));
      expect(analysed.get(start), `period ${i}`).toHaveLength(ROOM);
    }
    // Three periods, three disjoint thirds: every entity analysed once, none twice.
    const all = periods.flatMap((p) => analysed.get(p)!);
    expect(new Set(all).size).toBe(ENTITIES);
    expect(stats.map((s) => s.pending)).toEqual([ENTITIES - ROOM, ENTITIES - ROOM, ENTITIES - ROOM]);
    // The run that timed out says so, with how many are left and how late the most overdue is.
    expect(lines.filter((l) => l.startsWith('warn'))[0]).toContain(
      `the run timed out with ${ENTITIES - ROOM} of ${ENTITIES} entities not analysed for this period`,
    );
    // In the third period the first third was last analysed two periods back: late by one period.
    expect(stats[2]!.maxLagMs).toBe(2 * PERIOD);
    expect(runner.freshness(periods[0]!).lateByMs).toBe(PERIOD);
    expect(runner.freshness(periods[2]!).lateByMs).toBe(0);
    expect(runner.freshness(null)).toEqual({
      expectedPeriodStart: new Date(periods[2]!).toISOString(),
      lateByMs: null,
    });
    await runner.close();
  }, 120_000);

  it('applies a new shard count and frequency without a restart, and its workers share one catalog read', async () => {
    const knex = await database('sg_fair_reschedule');
    const scheduled: { id: string; frequency: unknown }[] = [];
    const catalogReads: string[] = [];
    const config = mockServices.rootConfig({
      data: {
        serviceGuard: serviceGuardConfig({
          replayFile,
          metrics: 1,
          periodMs: PERIOD,
          historyMs: DAY,
          shards: 1,
        }) as never,
      },
    });
    const backend = await startServiceGuard({
      entities: names.slice(0, 6).map((n) => component(n)) as never,
      config,
      knex,
      clock: () => PERIOD_END + 30_000,
      onScheduleTask: (t) => scheduled.push(t),
      onCatalogCall: (method, principal) => {
        if (method === 'getEntities' && principal === 'service') catalogReads.push(method);
      },
    });
    try {
      config.update({
        data: {
          serviceGuard: serviceGuardConfig({
            replayFile,
            metrics: 1,
            periodMs: PERIOD,
            historyMs: DAY,
            shards: 3,
            frequency: { minutes: 10 },
          }) as never,
        },
      });
      const deadline = Date.now() + 10_000;
      while (!scheduled.some((t) => t.id === 'service-guard:worker-2') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const workers = scheduled.filter((t) => t.id.startsWith('service-guard:worker-'));
      expect(workers.map((t) => t.id)).toEqual([
        'service-guard:worker-0',
        'service-guard:worker-0',
        'service-guard:worker-1',
        'service-guard:worker-2',
      ]);
      expect(workers.slice(1).map((t) => t.frequency)).toEqual(Array(3).fill({ minutes: 10 }));

      const run = await fetch(`${backend.baseUrl}/run`, {
        method: 'POST',
        headers: { authorization: adminHeader(), 'content-type': 'application/json' },
        body: '{}',
      });
      expect(await run.json()).toEqual({
        status: 'triggered',
        tasks: ['service-guard:worker-0', 'service-guard:worker-1', 'service-guard:worker-2'],
      });
      // Three workers ran; the catalog was read once for all of them.
      expect(catalogReads).toHaveLength(1);
      const stored = await knex('sg_snapshots').count({ n: '*' });
      expect(Number(stored[0]!.n)).toBe(6);

      // A broken change is refused with the key named in the log, and the running schedule stays.
      const before = scheduled.length;
      config.update({ data: { serviceGuard: { schedule: { shards: 0 } } } });
      await new Promise((r) => setTimeout(r, 200));
      expect(scheduled).toHaveLength(before);
      const again = await fetch(`${backend.baseUrl}/run`, {
        method: 'POST',
        headers: { authorization: adminHeader(), 'content-type': 'application/json' },
        body: '{}',
      });
      expect(((await again.json()) as { tasks: string[] }).tasks).toHaveLength(3);
    } finally {
      await backend.stop();
    }
  }, 60_000);

  it('prunes through indexes, in batches', async () => {
    const knex = await database('sg_fair_prune');
    const indexes = (
      await knex.raw(
        "SELECT tablename, indexdef FROM pg_indexes WHERE tablename IN ('sg_snapshots', 'sg_verifications')",
      )
    ).rows as { tablename: string; indexdef: string }[];
    expect(indexes.some((i) => i.tablename === 'sg_snapshots' && /\(period_end\)/.test(i.indexdef))).toBe(
      true,
    );
    expect(
      indexes.some((i) => i.tablename === 'sg_verifications' && /\(finished_at\)/.test(i.indexdef)),
    ).toBe(true);

    const rows = Array.from({ length: 2_500 }, (_, i) => ({
      entity_ref: `component:default/svc-${i % 50}`,
      period_start: i * 1000,
      period_end: i * 1000 + 1000,
      analysed_at: i * 1000 + 1000,
      state: 'healthy',
      score: 100,
      reasons: '[]',
    }));
    for (let i = 0; i < rows.length; i += 500) await knex('sg_snapshots').insert(rows.slice(i, i + 500));
    const ids = (await knex('sg_snapshots').select('id')).map((r) => Number(r.id));
    const risks = ids.map((id) => ({
      snapshot_id: id,
      metric: 'm0',
      outcome: 'pass',
      risk: 0,
      points: 1,
      alerts: 0,
      detail: '{}',
    }));
    for (let i = 0; i < risks.length; i += 500) await knex('sg_metric_risks').insert(risks.slice(i, i + 500));

    const store = new ServiceGuardStore(knex);
    // Everything that ended before 2,000 s (the first 1,999), in batches of 700.
    expect(await store.prune(2_000_000, 0, 700)).toEqual({ snapshots: 1_999, verifications: 0 });
    expect(Number((await knex('sg_snapshots').count({ n: '*' }))[0]!.n)).toBe(501);
    expect(Number((await knex('sg_metric_risks').count({ n: '*' }))[0]!.n)).toBe(501);
  }, 60_000);
});
