import './support/jestShim.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityOutcome } from '../src/index.ts';
import { type StartedBackend, startServiceGuard } from './support/backend.ts';
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
const PERIOD = 30 * MINUTE;
const ENTITIES = 40;
// One worker with one lane per replica: each claims one entity at a time.
const SHARDS = 1;
// Each analysis holds its replica for at least this long, as a real one waiting on a provider does. On an idle
// machine the replayed analyses of a light period took less than a scheduler tick, so the replica that woke
// first took all 40 ([[22,18],[40,0]]); 40 x 50 ms spans both replicas' 1-second ticks whatever the machine.
const ANALYSIS_MS = 50;
const pause = new Int32Array(new SharedArrayBuffer(4));

describe('two backend replicas sharing one PostgreSQL', () => {
  let pgServer: TestPostgres;
  let dir: string;
  const knexes: Knex[] = [];
  const backends: StartedBackend[] = [];
  // Outcomes seen per period and entity, with the replica that saw each.
  const seen = new Map<string, { replica: number; outcome: EntityOutcome }[]>();
  let now = PERIOD_END + 30_000;

  beforeAll(async () => {
    pgServer = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'sg-replicas-'));
    const names = Array.from({ length: ENTITIES }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    const file = writeReplay(
      dir,
      syntheticReplay(
        names.map((service) => ({ service })),
        { metrics: 3, from: PERIOD_END - DAY, to: PERIOD_END + 2 * HOUR },
      ),
    );
    const connection = await pgServer.createDatabase('service_guard_replicas');
    const config = {
      serviceGuard: serviceGuardConfig({
        replayFile: file,
        metrics: 3,
        periodMs: PERIOD,
        historyMs: DAY,
        shards: SHARDS,
        // Every second: each shard task is offered many times to both replicas within the test.
        frequency: { seconds: 1 },
        concurrency: 1,
      }),
    };
    const start = (replica: number) => {
      const knex = knexFactory({ client: 'pg', connection, pool: { min: 0, max: 8 } });
      knexes.push(knex);
      return startServiceGuard({
        entities: names.map((n) => component(n)) as never,
        config,
        knex,
        realScheduler: true,
        clock: () => now,
        observer: {
          entity(ref, period, outcome) {
            // Both replicas share this process's event loop: blocking here lets the other replica's due tick
            // run at the next await, as it would on another machine.
            Atomics.wait(pause, 0, 0, ANALYSIS_MS);
            const key = `${period.start} ${ref}`;
            const list = seen.get(key) ?? [];
            list.push({ replica, outcome });
            seen.set(key, list);
          },
        },
      });
    };
    // One after the other: Backstage's scheduler (not this plugin) races on its own migrations when two
    // processes start at the same instant on an empty database. From the second period on both compete.
    backends.push(await start(0));
    backends.push(await start(1));
  });

  afterAll(async () => {
    for (const b of backends) await b.stop();
    for (const k of knexes) await k.destroy();
    await pgServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until every entity of the period is stored, then lets the tasks come round a few more times. */
  async function settle(periodStart: number) {
    const analysed = () =>
      [...seen.entries()].filter(
        ([k, l]) => k.startsWith(`${periodStart} `) && l.some((x) => x.outcome === 'written'),
      ).length;
    const deadline = Date.now() + 90_000;
    while (analysed() < ENTITIES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    // Reruns of the shard tasks must find the period done.
    await new Promise((r) => setTimeout(r, 4_000));
    return [...seen.entries()].filter(([k]) => k.startsWith(`${periodStart} `)).map(([, l]) => l);
  }

  it('analyses every entity exactly once per period, none twice, none skipped', async () => {
    const periods = [PERIOD_END - PERIOD, PERIOD_END];
    const byReplica: number[][] = [];
    for (const [i, periodStart] of periods.entries()) {
      // The second period starts while both replicas are up and polling: they compete for every shard.
      if (i === 1) now += PERIOD;
      const lists = await settle(periodStart);
      expect(lists).toHaveLength(ENTITIES);
      expect(lists.map((l) => l.filter((x) => x.outcome === 'written').length)).toEqual(
        Array(ENTITIES).fill(1),
      );
      // No entity analysed by two runs at once (a race lost at the unique key), none failed.
      const outcomes = lists.flat().map((x) => x.outcome);
      expect(outcomes.filter((o) => o === 'duplicate' || o === 'failed')).toEqual([]);
      byReplica.push(
        [0, 1].map((r) => lists.flat().filter((x) => x.replica === r && x.outcome === 'written').length),
      );
    }

    const db = knexes[0]!;
    const rows = await db('sg_snapshots').count({ n: '*' }).countDistinct({ entities: 'entity_ref' });
    expect(Number(rows[0]!.n)).toBe(2 * ENTITIES);
    expect(Number(rows[0]!.entities)).toBe(ENTITIES);
    const risks = await db('sg_metric_risks').count({ n: '*' });
    expect(Number(risks[0]!.n)).toBe(2 * ENTITIES * 3);
    console.log(`entities analysed per replica (period 1, period 2): ${JSON.stringify(byReplica)}`);
    // Together they analysed each entity once per period; in the second period, with both up, each did a
    // share (entities are claimed one at a time from the shared queue, whichever replica the scheduler wakes).
    expect(byReplica.map(([a, b]) => a! + b!)).toEqual([ENTITIES, ENTITIES]);
    expect(byReplica[1]![0]).toBeGreaterThan(0);
    expect(byReplica[1]![1]).toBeGreaterThan(0);
  }, 180_000);
});
