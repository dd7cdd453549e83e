// The alerts the monitoring raised on an entity during each analysed period (Dynatrace problems, Datadog
// monitors in alert): what was read and what it did (`sg_snapshots.problems`, JSON without the items), and
// one row per alert in `sg_problems`, written in the snapshot's transaction so that a period is stored with
// all of its alerts or not at all. Snapshots stored before this migration have neither (null, no rows).

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('sg_snapshots', (t) => {
    t.text('problems').nullable();
  });
  await knex.schema.createTable('sg_problems', (t) => {
    t.bigInteger('snapshot_id').notNullable();
    // Order of the alert in the snapshot (newest first); the vendor's ids are free text of any length.
    t.integer('seq').notNullable();
    t.string('provider', 255).notNullable();
    // problem | monitor
    t.string('kind', 16).notNullable();
    t.text('problem_id').notNullable();
    t.text('title').notNullable();
    // open | closed
    t.string('status', 16).notNullable();
    t.bigInteger('start_at').notNullable();
    t.bigInteger('end_at').nullable();
    // The whole ServiceProblem as JSON (severity, impact, entities).
    t.text('detail').notNullable();
    t.primary(['snapshot_id', 'seq']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('sg_problems');
  await knex.schema.alterTable('sg_snapshots', (t) => {
    t.dropColumn('problems');
  });
}
