import './support/jestShim.ts';
import knexFactory from 'knex';
import { afterAll } from 'vitest';
import { describeServiceGuardApi } from './support/apiSuite.ts';
import { startPostgres, type TestPostgres } from './support/postgres.ts';

let server: TestPostgres | undefined;
afterAll(async () => {
  await server?.stop();
});

describeServiceGuardApi('Service Guard on PostgreSQL', async () => {
  server = await startPostgres();
  const knex = knexFactory({ client: 'pg', connection: await server.createDatabase('service_guard_api') });
  return { knex, cleanup: () => knex.destroy() };
});
