import './support/jestShim.ts';
import { sqliteKnex } from './support/backend.ts';
import { describeRunAndList } from './support/runAndListSuite.ts';

describeRunAndList('Run-now and the catalog-wide list on SQLite', async () => {
  const knex = sqliteKnex();
  return { knex, cleanup: () => knex.destroy() };
});
