// sg_runs: the latest run-now of each entity (POST /entities/:kind/:namespace/:name/run), so that every
// replica answers the same status while it is queued or running, a second request joins the run in
// progress instead of starting another, and a run whose replica died is seen as lost once its lease ends.

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('sg_runs', (t) => {
    t.string('entity_ref', 512).primary();
    // Random id of the run: a client polls for it and knows when a newer run replaced it.
    t.string('run_id', 32).notNullable();
    // queued | running | done | failed
    t.string('status', 16).notNullable();
    t.string('requested_by', 512).notNullable();
    t.bigInteger('requested_at').notNullable();
    t.bigInteger('started_at').nullable();
    t.bigInteger('finished_at').nullable();
    // While queued or running: until when the replica that owns it vouches for it (wall clock, ms).
    t.bigInteger('lease_until').nullable();
    // When done: the analysed period and whether this run wrote it ('analysed') or found it stored.
    t.bigInteger('period_start').nullable();
    t.string('outcome', 32).nullable();
    // When failed: why, in words (scrubbed of the providers' secrets).
    t.text('error').nullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('sg_runs');
}
