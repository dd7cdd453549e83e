// Service Guard's tables. Times are epoch milliseconds (bigint) so SQLite and PostgreSQL agree.
// Children reference snapshots by id without a foreign key: SQLite enforces none unless asked per
// connection, so deletion of children is explicit (retention) on both databases alike.

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('sg_snapshots', (t) => {
    t.bigIncrements('id').primary();
    t.string('entity_ref', 255).notNullable();
    t.bigInteger('period_start').notNullable();
    t.bigInteger('period_end').notNullable();
    t.bigInteger('analysed_at').notNullable();
    t.string('profile', 255).nullable();
    t.string('state', 16).notNullable();
    t.integer('score').nullable();
    t.text('reasons').notNullable();
    t.text('logs').nullable();
    // One analysis per entity and period, whichever replica or rerun gets there first.
    t.unique(['entity_ref', 'period_start'], { indexName: 'sg_snapshots_entity_period_uq' });
    t.index(['period_start'], 'sg_snapshots_period_idx');
  });
  await knex.schema.createTable('sg_metric_risks', (t) => {
    t.bigInteger('snapshot_id').notNullable();
    t.string('metric', 255).notNullable();
    t.string('outcome', 16).notNullable();
    t.double('risk').notNullable();
    t.integer('points').notNullable();
    t.integer('alerts').notNullable();
    t.text('detail').notNullable();
    t.primary(['snapshot_id', 'metric']);
  });
  await knex.schema.createTable('sg_log_clusters', (t) => {
    t.bigInteger('snapshot_id').notNullable();
    t.string('cluster_id', 64).notNullable();
    t.text('template').notNullable();
    t.string('class', 32).notNullable();
    t.string('level', 16).notNullable();
    t.integer('count').notNullable();
    t.integer('history_count').notNullable();
    t.double('risk').notNullable();
    t.text('detail').notNullable();
    t.primary(['snapshot_id', 'cluster_id']);
  });
  await knex.schema.createTable('sg_detector_state', (t) => {
    t.string('entity_ref', 255).notNullable();
    t.string('metric', 255).notNullable();
    t.string('instance', 255).notNullable();
    t.bigInteger('last_t').notNullable();
    t.text('state').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['entity_ref', 'metric', 'instance']);
  });
  await knex.schema.createTable('sg_feedback', (t) => {
    t.bigIncrements('id').primary();
    t.string('entity_ref', 255).notNullable();
    t.string('cluster_id', 64).notNullable();
    t.text('template').nullable();
    t.string('action', 64).notNullable();
    t.text('reason').notNullable();
    t.string('created_by', 255).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['entity_ref', 'cluster_id'], 'sg_feedback_entity_idx');
  });
  await knex.schema.createTable('sg_verifications', (t) => {
    t.bigIncrements('id').primary();
    t.string('entity_ref', 255).notNullable();
    t.string('verdict', 16).notNullable();
    t.integer('score').notNullable();
    t.bigInteger('started_at').notNullable();
    t.bigInteger('finished_at').notNullable();
    t.string('created_by', 255).notNullable();
    t.bigInteger('created_at').notNullable();
    t.text('detail').notNullable();
    t.index(['entity_ref', 'finished_at'], 'sg_verifications_entity_idx');
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  for (const table of [
    'sg_verifications',
    'sg_feedback',
    'sg_detector_state',
    'sg_log_clusters',
    'sg_metric_risks',
    'sg_snapshots',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
