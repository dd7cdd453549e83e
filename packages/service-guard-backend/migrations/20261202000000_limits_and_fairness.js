// Limits that match the API's validation, indexes for retention, and the per-entity schedule.
// - Entity refs (up to 512 characters in the API) and principals (JWKS subjects can be long) widen to
//   varchar(512) on PostgreSQL; SQLite does not enforce a varchar length, so it needs no change.
// - Retention deletes by snapshots' period_end and verifications' finished_at: both get an index.
// - sg_entity_schedule: one row per opted-in entity, the period it was last analysed for and who is
//   analysing it now (a lease), so replicas share the work and the least recently analysed go first.

const WIDEN = [
  ['sg_snapshots', 'entity_ref'],
  ['sg_detector_state', 'entity_ref'],
  ['sg_feedback', 'entity_ref'],
  ['sg_feedback', 'created_by'],
  ['sg_verifications', 'entity_ref'],
  ['sg_verifications', 'created_by'],
];

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  if (knex.client.config.client === 'pg') {
    for (const [table, column] of WIDEN) {
      await knex.raw('ALTER TABLE ?? ALTER COLUMN ?? TYPE varchar(512)', [table, column]);
    }
  }
  await knex.schema.alterTable('sg_snapshots', (t) => {
    t.index(['period_end'], 'sg_snapshots_period_end_idx');
  });
  await knex.schema.alterTable('sg_verifications', (t) => {
    t.index(['finished_at'], 'sg_verifications_finished_idx');
  });
  await knex.schema.createTable('sg_entity_schedule', (t) => {
    t.string('entity_ref', 512).primary();
    // Start of the last period analysed (or attempted) for the entity, epoch ms; 0 before the first.
    t.bigInteger('last_period_start').notNullable().defaultTo(0);
    // Replica (random id per process) analysing it now, and until when its lease holds (wall clock, ms).
    t.string('claimed_by', 64).nullable();
    t.bigInteger('claimed_until').nullable();
    t.index(['last_period_start'], 'sg_entity_schedule_last_idx');
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('sg_entity_schedule');
  await knex.schema.alterTable('sg_verifications', (t) => {
    t.dropIndex(['finished_at'], 'sg_verifications_finished_idx');
  });
  await knex.schema.alterTable('sg_snapshots', (t) => {
    t.dropIndex(['period_end'], 'sg_snapshots_period_end_idx');
  });
}
