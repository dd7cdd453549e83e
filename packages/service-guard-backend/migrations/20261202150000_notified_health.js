// sg_notified_health: the last health state each entity's owners were told about (unhealthy or healthy),
// so that they hear once per transition, whichever replica analysed the period. A replica sends only when
// its conditional write changed the row: two replicas cannot both win the same transition.

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('sg_notified_health', (t) => {
    t.string('entity_ref', 512).primary();
    // unhealthy | healthy: the state of the last transition (the first state seen, before any).
    t.string('state', 16).notNullable();
    // Start of the period (epoch ms) that made it: an older period analysed late never moves it back.
    t.bigInteger('period_start').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('sg_notified_health');
}
