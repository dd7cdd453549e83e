/**
 * A backend process for the crash test: starts Service Guard on the given PostgreSQL database, runs every
 * shard once at startup and prints one line per stored entity, so the parent can kill it mid-run.
 * Env: SG_PG (connection string), SG_REPLAY (replay file), SG_ENTITIES (count), SG_NOW (epoch ms).
 */
import knexFactory from 'knex';
import { startServiceGuard } from './backend.ts';
import { component, HOUR, MINUTE, serviceGuardConfig } from './replay.ts';

const env = (k: string) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const count = Number(env('SG_ENTITIES'));
const now = Number(env('SG_NOW'));
const knex = knexFactory({ client: 'pg', connection: env('SG_PG'), pool: { min: 0, max: 10 } });
const backend = await startServiceGuard({
  entities: Array.from({ length: count }, (_, i) => component(`svc-${i}`)) as never,
  config: {
    serviceGuard: serviceGuardConfig({
      replayFile: env('SG_REPLAY'),
      metrics: 10,
      periodMs: 30 * MINUTE,
      historyMs: 24 * HOUR,
      shards: 2,
      concurrency: 4,
      // The killed process's claims are taken over after this long (it renews them while alive).
      leaseMs: 3_000,
    }),
  },
  knex,
  clock: () => now,
  runOnStartup: true,
  observer: {
    entity(ref, _period, outcome) {
      process.stdout.write(`${outcome} ${ref}\n`);
    },
  },
});
process.stdout.write('done\n');
await backend.stop();
await knex.destroy();
