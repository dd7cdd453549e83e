import './support/jestShim.ts';
import type { HealthSnapshot } from '@vigil/backstage-plugin-service-guard-common';
import { createDetector, Secrets, secretsOfProvider } from '@vigil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateServiceGuard, ServiceGuardStore } from '../src/store.ts';
import { sqliteKnex } from './support/backend.ts';

const DAY = 86_400_000;
const knex = sqliteKnex();
const store = new ServiceGuardStore(knex);

function snapshot(ref: string, periodStart: number): HealthSnapshot {
  return {
    entityRef: ref,
    profile: 'web',
    periodStart: new Date(periodStart).toISOString(),
    periodEnd: new Date(periodStart + 1800_000).toISOString(),
    analysedAt: new Date(periodStart + 1830_000).toISOString(),
    state: 'healthy',
    score: 97,
    reasons: ['1 metric normal'],
    metrics: [
      {
        metric: 'm0',
        kind: 'error',
        direction: 'higher-is-worse',
        outcome: 'pass',
        risk: 0.03,
        points: 30,
        alerts: 0,
        reason: 'ok',
      },
    ],
    logs: {
      outcome: 'pass',
      risk: 0,
      explanation: 'nothing new',
      totals: { period: 1, history: 2 },
      clusters: [
        {
          clusterId: 'L1',
          template: 'GET <*>',
          class: 'known',
          level: 'info',
          count: 1,
          historyCount: 2,
          risk: 0,
          samples: ['GET /'],
          explanation: 'known',
        },
      ],
    },
  };
}

describe('store', () => {
  beforeAll(async () => {
    await migrateServiceGuard(knex);
    // A second migration run (another replica, a restart) changes nothing.
    await migrateServiceGuard(knex);
  });
  afterAll(async () => {
    await knex.destroy();
  });

  it('writes a period once; a second write of the same period is a duplicate and writes nothing', async () => {
    const d = createDetector();
    d.update(1000, 1);
    const state = d.snapshot();
    const t0 = Date.UTC(2026, 10, 1);
    const record = {
      snapshot: snapshot('component:default/a', t0),
      detectors: [{ metric: 'm0', instance: 'a-0', lastT: 1000, state }],
    };
    expect(await store.writeAnalysis(record, t0)).toBe('written');
    const again = { ...record, detectors: [{ metric: 'm0', instance: 'a-0', lastT: 5000, state }] };
    expect(await store.writeAnalysis(again, t0)).toBe('duplicate');
    expect((await store.detectors('component:default/a')).get('m0\u0000a-0')?.lastT).toBe(1000);
    expect(await store.snapshot('component:default/a', t0)).toEqual(record.snapshot);
  });

  it('keeps the series in its own column; a risk stored without one reads back without one', async () => {
    const t = Date.UTC(2026, 10, 5);
    const withSeries = snapshot('component:default/s', t);
    const series = [
      { t, instance: 's-0', value: 1.5, expected: null, lower: null, upper: null, alert: false },
      { t: t + 60_000, instance: 's-0', value: 9, expected: 1.5, lower: 1, upper: 2, alert: true },
    ];
    withSeries.metrics[0]!.series = series;
    await store.writeAnalysis({ snapshot: withSeries, detectors: [] }, t);
    expect(await store.snapshot('component:default/s', t)).toEqual(withSeries);
    const id = (await knex('sg_snapshots').where({ entity_ref: 'component:default/s' }).first('id'))!.id;
    const row = await knex('sg_metric_risks').where({ snapshot_id: id }).first();
    expect(JSON.parse(row.series)).toEqual(series);
    expect(JSON.parse(row.detail)).not.toHaveProperty('series');
    // As a row written before the series migration: the column is null.
    await knex('sg_metric_risks').where({ snapshot_id: id }).update({ series: null });
    const older = await store.snapshot('component:default/s', t);
    expect(older?.metrics[0]).not.toHaveProperty('series');
    expect(older?.metrics).toEqual(snapshot('component:default/s', t).metrics);
  });

  it('never moves a detector back in time', async () => {
    const state = createDetector().snapshot();
    const t1 = Date.UTC(2026, 10, 3);
    await store.writeAnalysis(
      {
        snapshot: snapshot('component:default/b', t1),
        detectors: [{ metric: 'm0', instance: 'b', lastT: 9000, state }],
      },
      t1,
    );
    // A late rerun of an older period arrives afterwards.
    await store.writeAnalysis(
      {
        snapshot: snapshot('component:default/b', t1 - DAY),
        detectors: [{ metric: 'm0', instance: 'b', lastT: 4000, state }],
      },
      t1,
    );
    expect((await store.detectors('component:default/b')).get('m0\u0000b')?.lastT).toBe(9000);
  });

  it('prunes old snapshots with their details, and old verifications', async () => {
    const old = Date.UTC(2026, 9, 1);
    const recent = Date.UTC(2026, 10, 10);
    for (const t of [old, recent])
      await store.writeAnalysis({ snapshot: snapshot('component:default/c', t), detectors: [] }, t);
    await store.addVerification(
      {
        entityRef: 'component:default/c',
        verdict: 'pass',
        score: 90,
        reason: 'fine',
        startedAt: new Date(old).toISOString(),
        finishedAt: new Date(old + 60_000).toISOString(),
      },
      'external:ci',
      old,
    );
    const before = Number((await knex('sg_metric_risks').count({ n: '*' }))[0]!.n);
    const pruned = await store.prune(Date.UTC(2026, 10, 2), Date.UTC(2026, 10, 2));
    expect(pruned).toEqual({ snapshots: 2, verifications: 1 }); // c's old one and a's (1 Nov)
    expect(Number((await knex('sg_metric_risks').count({ n: '*' }))[0]!.n)).toBe(before - 2);
    const h = await store.health('component:default/c', 10);
    expect(h.history.map((x) => x.periodStart)).toEqual([new Date(recent).toISOString()]);
    expect(
      await knex('sg_log_clusters').whereNotIn('snapshot_id', knex('sg_snapshots').select('id')),
    ).toEqual([]);
  });
});

describe('store: secrets', () => {
  it("scrubs the providers' secrets from snapshots and verifications before storing them, in any case", async () => {
    const db = sqliteKnex();
    await migrateServiceGuard(db);
    const secrets = new Secrets();
    const scrubbing = new ServiceGuardStore(db, { secrets });
    // Registered after construction, as the plugin does once the settings are read.
    secrets.addAll(
      secretsOfProvider({ type: 'http', secretHeaders: { Authorization: 'Bearer Tok-SeCrEt-991' } }),
    );
    const s = snapshot('component:default/leaky', Date.UTC(2026, 0, 1));
    s.reasons = ['provider said: bad token tok-secret-991'];
    s.logs!.clusters[0]!.samples = ['GET /?key=Tok-SeCrEt-991'];
    await scrubbing.writeAnalysis({ snapshot: s, detectors: [] }, Date.UTC(2026, 0, 2));
    await scrubbing.addVerification(
      {
        entityRef: 'component:default/leaky',
        verdict: 'fail',
        score: 10,
        reason: `echo ${Buffer.from('Tok-SeCrEt-991').toString('base64')}`,
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:10:00Z',
        metrics: [{ metric: 'm', outcome: 'fail', risk: 1, explanation: 'TOK-SECRET-991 rejected' }],
      },
      'user:default/ci',
      Date.UTC(2026, 0, 2),
    );
    const rows = JSON.stringify([
      await db('sg_snapshots').select(),
      await db('sg_verifications').select(),
      await db('sg_log_clusters')
        .select()
        .catch(() => []),
    ]);
    expect(rows).toContain('***');
    expect(rows.toLowerCase()).not.toContain('tok-secret-991');
    expect(rows).not.toContain(Buffer.from('Tok-SeCrEt-991').toString('base64'));
    await db.destroy();
  });
});
