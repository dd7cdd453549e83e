import './support/jestShim.ts';
import knexFactory from 'knex';
import { afterAll } from 'vitest';
import { describeProblems } from './support/problemsSuite.ts';
import { startPostgres, type TestPostgres } from './support/postgres.ts';

let server: TestPostgres | undefined;
afterAll(async () => {
  await server?.stop();
});

describeProblems('Problems and monitors in alert with each period, on PostgreSQL', async () => {
  server = await startPostgres();
  const knex = knexFactory({
    client: 'pg',
    connection: await server.createDatabase('service_guard_problems'),
  });
  return { knex, cleanup: () => knex.destroy() };
});
