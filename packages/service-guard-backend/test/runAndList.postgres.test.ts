import './support/jestShim.ts';
import knexFactory from 'knex';
import { afterAll } from 'vitest';
import { describeRunAndList } from './support/runAndListSuite.ts';
import { startPostgres, type TestPostgres } from './support/postgres.ts';

let server: TestPostgres | undefined;
afterAll(async () => {
  await server?.stop();
});

describeRunAndList('Run-now and the catalog-wide list on PostgreSQL', async () => {
  server = await startPostgres();
  const knex = knexFactory({ client: 'pg', connection: await server.createDatabase('service_guard_run') });
  return { knex, cleanup: () => knex.destroy() };
});
