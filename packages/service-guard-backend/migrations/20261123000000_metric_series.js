// The points of each metric's period (MetricRisk.series), as JSON in a column of their own: the risk's
// `detail` stays small for the readers that need only the numbers, and rows written before this migration
// simply have no series (null).

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('sg_metric_risks', (t) => {
    t.text('series').nullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('sg_metric_risks', (t) => {
    t.dropColumn('series');
  });
}
