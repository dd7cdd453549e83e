/**
 * One Service Guard replica for `pnpm bench service-guard`: a backend process with Backstage's real
 * scheduler on a shared PostgreSQL database. Its clock stands still until the parent writes "advance" on
 * stdin (one period on); it prints "written <ref> <periodStart>" per stored entity.
 * Env: SG_PG, SG_REPLAY, SG_ENTITIES, SG_NOW, SG_SHARDS, SG_HISTORY_MS.
 */
import { createInterface } from 'node:readline';
import { pgKnex, startServiceGuard } from '../../packages/service-guard-backend/test/support/backend.ts';
import {
  component,
  MINUTE,
  serviceGuardConfig,
} from '../../packages/service-guard-backend/test/support/replay.ts';

const env = (k: string) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
export const PERIOD = 30 * MINUTE;
let now = Number(env('SG_NOW'));
const knex = pgKnex(env('SG_PG'));
const backend = await startServiceGuard({
  entities: Array.from({ length: Number(env('SG_ENTITIES')) }, (_, i) => component(`svc-${i}`)) as never,
  config: {
    serviceGuard: serviceGuardConfig({
      replayFile: env('SG_REPLAY'),
      metrics: 10,
      periodMs: PERIOD,
      historyMs: Number(env('SG_HISTORY_MS')),
      shards: Number(env('SG_SHARDS')),
      frequency: { seconds: 1 },
      concurrency: 4,
    }),
  },
  knex,
  realScheduler: true,
  clock: () => now,
  observer: {
    entity(ref, period, outcome) {
      if (outcome !== 'skipped') process.stdout.write(`${outcome} ${ref} ${period.start}\n`);
    },
  },
});
process.stdout.write(`ready ${backend.baseUrl}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'advance') now += PERIOD;
  if (line === 'stop') break;
}
await backend.stop();
await knex.destroy();
process.exit(0);
