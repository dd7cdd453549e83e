/**
 * One Service Guard replica for `pnpm bench service-guard`: a backend process with Backstage's real
 * scheduler on a shared PostgreSQL database. Its clock stands still until the parent writes "advance" on
 * stdin (one period on); it prints "written <ref> <periodStart>" per stored entity, and "cpu <µs>" (its
 * process CPU time so far) when asked with "cpu".
 * Env: SG_PG, SG_REPLAY, SG_ENTITIES, SG_METRICS, SG_NOW, SG_PERIOD_MS, SG_HISTORY_MS, SG_SHARDS,
 * SG_CONCURRENCY.
 */
import { createInterface } from 'node:readline';
import { pgKnex, startServiceGuard } from '../../packages/service-guard-backend/test/support/backend.ts';
import { component, serviceGuardConfig } from '../../packages/service-guard-backend/test/support/replay.ts';

const env = (k: string) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const period = Number(env('SG_PERIOD_MS'));
let now = Number(env('SG_NOW'));
const knex = pgKnex(env('SG_PG'), 20);
const backend = await startServiceGuard({
  entities: Array.from({ length: Number(env('SG_ENTITIES')) }, (_, i) => component(`svc-${i}`)) as never,
  config: {
    serviceGuard: serviceGuardConfig({
      replayFile: env('SG_REPLAY'),
      metrics: Number(env('SG_METRICS')),
      periodMs: period,
      historyMs: Number(env('SG_HISTORY_MS')),
      shards: Number(env('SG_SHARDS')),
      // Each replica's workers look for work every 5 s; the claims, not the scheduler, split it.
      frequency: { seconds: 5 },
      timeout: { minutes: 5 },
      concurrency: Number(env('SG_CONCURRENCY')),
    }),
  },
  knex,
  realScheduler: true,
  clock: () => now,
  observer: {
    entity(ref, p, outcome) {
      if (outcome !== 'skipped') process.stdout.write(`${outcome} ${ref} ${p.start}\n`);
    },
  },
});
process.stdout.write(`ready ${backend.baseUrl}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'advance') now += period;
  if (line === 'cpu') {
    const c = process.cpuUsage();
    process.stdout.write(`cpu ${c.user + c.system}\n`);
  }
  if (line === 'stop') break;
}
await backend.stop();
await knex.destroy();
process.exit(0);
