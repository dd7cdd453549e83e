import './support/jestShim.ts';
import { sqliteKnex } from './support/backend.ts';
import { describeProblems } from './support/problemsSuite.ts';

describeProblems('Problems and monitors in alert with each period, on SQLite', async () => {
  const knex = sqliteKnex();
  return { knex, cleanup: () => knex.destroy() };
});
