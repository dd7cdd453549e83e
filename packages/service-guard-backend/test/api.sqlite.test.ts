import './support/jestShim.ts';
import { sqliteKnex } from './support/backend.ts';
import { describeServiceGuardApi } from './support/apiSuite.ts';

describeServiceGuardApi('Service Guard on SQLite', async () => {
  const knex = sqliteKnex();
  return { knex, cleanup: () => knex.destroy() };
});
