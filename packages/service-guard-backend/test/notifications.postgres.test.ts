/**
 * Owners hear once per health transition: the transition logic (HealthNotifier over the plugin's store) on
 * SQLite and PostgreSQL, with a recording notifications service implementing Backstage's interface; two
 * replicas racing for one transition; and the plugin in Backstage's test backend telling the owners of an
 * entity that turns unhealthy and then recovers.
 */
import './support/jestShim.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NotificationSendOptions, NotificationService } from '@backstage/plugin-notifications-node';
import type { HealthSnapshot, HealthResponse } from '@vigil/backstage-plugin-service-guard-common';
import { Secrets } from '@vigil/core';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthNotifier } from '../src/healthNotifications.ts';
import { migrateServiceGuard, ServiceGuardStore } from '../src/store.ts';
import { adminHeader, pgKnex, sqliteKnex, startServiceGuard, userHeader } from './support/backend.ts';
import { recordingLogger } from './support/logger.ts';
import { startPostgres, type TestPostgres } from './support/postgres.ts';
import {
  component,
  DAY,
  HOUR,
  MINUTE,
  serviceGuardConfig,
  syntheticReplay,
  writeReplay,
} from './support/replay.ts';

const PERIOD = 30 * MINUTE;
const T0 = Date.UTC(2026, 10, 20, 12, 0);

/** A notifications service that keeps what it was asked to send, and fails while `failing` is set. */
class RecordingNotifications implements NotificationService {
  readonly sent: NotificationSendOptions[] = [];
  failing = false;
  async send(options: NotificationSendOptions): Promise<void> {
    if (this.failing) throw new Error('Failed to send notifications: Error: Request failed with status 503');
    this.sent.push(options);
  }
}

function snapshot(
  entityRef: string,
  period: number,
  state: HealthSnapshot['state'],
  reasons: string[] = [],
): HealthSnapshot {
  const start = T0 + period * PERIOD;
  return {
    entityRef,
    profile: 'web',
    periodStart: new Date(start).toISOString(),
    periodEnd: new Date(start + PERIOD).toISOString(),
    analysedAt: new Date(start + PERIOD + 1000).toISOString(),
    state,
    score: state === 'healthy' ? 96 : state === 'unhealthy' ? 31 : null,
    reasons,
    metrics: [],
    logs: null,
  };
}

function describeTransitions(
  title: string,
  database: () => Promise<{ knexes: [Knex, Knex]; cleanup: () => Promise<void> }>,
) {
  describe(title, () => {
    let db: { knexes: [Knex, Knex]; cleanup: () => Promise<void> };
    beforeAll(async () => {
      db = await database();
      await migrateServiceGuard(db.knexes[0]);
    });
    afterAll(async () => {
      await db?.cleanup();
    });

    const notifierOn = (
      knex: Knex,
      notifications: RecordingNotifications,
      lines: string[] = [],
      secrets?: Secrets,
    ) =>
      new HealthNotifier({
        store: new ServiceGuardStore(knex),
        notifications,
        logger: recordingLogger(lines),
        ...(secrets ? { secrets } : {}),
      });

    it('tells the owners once when an entity turns unhealthy and once when it recovers', async () => {
      const notifications = new RecordingNotifications();
      const notifier = notifierOn(db.knexes[0], notifications);
      const ref = 'component:default/seq';
      const states: HealthSnapshot['state'][] = [
        'healthy', // where it starts: no recovery made up
        'healthy',
        'unhealthy', // turns unhealthy
        'unhealthy',
        'degraded', // neither alarm nor recovery
        'no-data',
        'unhealthy',
        'healthy', // recovers
        'healthy',
        'unhealthy', // again
      ];
      const notices = [];
      for (const [i, state] of states.entries())
        notices.push(
          await notifier.onSnapshot(
            snapshot(ref, i, state, ['m0: 12 of 30 points anomalous']),
            T0 + i * PERIOD,
          ),
        );
      expect(notices).toEqual([
        'none',
        'none',
        'unhealthy',
        'none',
        'none',
        'none',
        'none',
        'recovered',
        'none',
        'unhealthy',
      ]);
      expect(notifications.sent).toHaveLength(3);
      expect(notifications.sent[0]).toEqual({
        recipients: { type: 'entity', entityRef: ref },
        payload: {
          title: `${ref} is unhealthy (score 31)`,
          description: `m0: 12 of 30 points anomalous Period ${new Date(T0 + 2 * PERIOD).toISOString()} to ${new Date(T0 + 3 * PERIOD).toISOString()}.`,
          link: '/catalog/default/component/seq/service-guard',
          severity: 'high',
          topic: 'service-guard',
          scope: `service-guard:${ref}`,
        },
      });
      expect(notifications.sent[1]!.payload).toMatchObject({ title: `${ref} recovered`, severity: 'normal' });
    });

    it('tells of an unhealthy entity seen for the first time, and ignores a late analysis of an older period', async () => {
      const notifications = new RecordingNotifications();
      const notifier = notifierOn(db.knexes[0], notifications);
      const ref = 'component:default/late';
      expect(await notifier.onSnapshot(snapshot(ref, 10, 'unhealthy'), T0)).toBe('unhealthy');
      // Period 9, analysed after period 10 (a rerun): healthy then, but not a recovery from period 10.
      expect(await notifier.onSnapshot(snapshot(ref, 9, 'healthy'), T0)).toBe('none');
      expect(await notifier.onSnapshot(snapshot(ref, 11, 'healthy'), T0)).toBe('recovered');
      expect(notifications.sent.map((n) => n.payload.title)).toEqual([
        `${ref} is unhealthy (score 31)`,
        `${ref} recovered`,
      ]);
    });

    it('undoes a transition whose notification failed, so the next period sends it; the warning holds no secret', async () => {
      const notifications = new RecordingNotifications();
      const lines: string[] = [];
      const secret = 'sg-provider-token-0123456789';
      const notifier = notifierOn(db.knexes[0], notifications, lines, new Secrets().add(secret));
      const ref = 'component:default/flaky';
      await notifier.onSnapshot(snapshot(ref, 0, 'healthy'), T0);
      notifications.failing = true;
      expect(
        await notifier.onSnapshot(snapshot(ref, 1, 'unhealthy', [`query failed with ${secret}`]), T0),
      ).toBe('failed');
      expect(lines.filter((l) => l.startsWith('warn'))).toEqual([
        `warn service-guard: ${ref}: the unhealthy notification was not sent (next period tries again): Failed to send notifications: Error: Request failed with status 503`,
      ]);
      notifications.failing = false;
      expect(
        await notifier.onSnapshot(snapshot(ref, 2, 'unhealthy', [`query failed with ${secret}`]), T0),
      ).toBe('unhealthy');
      expect(notifications.sent).toHaveLength(1);
      expect(JSON.stringify(notifications.sent)).not.toContain(secret);
      expect(notifications.sent[0]!.payload.description).toContain('query failed with ***');
    });

    it('lets only one of two replicas send a transition they both see', async () => {
      const notifications = new RecordingNotifications();
      const [a, b] = [notifierOn(db.knexes[0], notifications), notifierOn(db.knexes[1], notifications)];
      for (let e = 0; e < 8; e++) {
        const ref = `component:default/race-${e}`;
        const healthy = snapshot(ref, 0, 'healthy');
        await a.onSnapshot(healthy, T0);
        // Both replicas analyse period 1 (e.g. a run-now and the schedule) and race to tell the owners.
        const notices = await Promise.all([
          a.onSnapshot(snapshot(ref, 1, 'unhealthy'), T0),
          b.onSnapshot(snapshot(ref, 1, 'unhealthy'), T0),
          a.onSnapshot(snapshot(ref, 1, 'unhealthy'), T0),
          b.onSnapshot(snapshot(ref, 1, 'unhealthy'), T0),
        ]);
        expect(notices.filter((n) => n === 'unhealthy')).toHaveLength(1);
        // A brand-new entity seen unhealthy by both at once: one insert wins.
        const fresh = `component:default/fresh-${e}`;
        const first = await Promise.all([
          a.onSnapshot(snapshot(fresh, 1, 'unhealthy'), T0),
          b.onSnapshot(snapshot(fresh, 1, 'unhealthy'), T0),
        ]);
        expect(first.filter((n) => n === 'unhealthy')).toHaveLength(1);
      }
      expect(notifications.sent).toHaveLength(16);
    });
  });
}

describeTransitions('health notifications on SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-notify-'));
  const open = () =>
    knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'sg.sqlite') },
      useNullAsDefault: true,
      pool: { min: 1, max: 1 },
    });
  const knexes: [Knex, Knex] = [open(), open()];
  return {
    knexes,
    cleanup: async () => {
      await Promise.all(knexes.map((k) => k.destroy()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

let pg: TestPostgres | undefined;
describeTransitions('health notifications on PostgreSQL', async () => {
  pg = await startPostgres();
  const connection = await pg.createDatabase('service_guard_notify');
  const knexes: [Knex, Knex] = [pgKnex(connection, 4), pgKnex(connection, 4)];
  return {
    knexes,
    cleanup: async () => {
      await Promise.all(knexes.map((k) => k.destroy()));
      await pg?.stop();
    },
  };
});

describe('Service Guard in the test backend with a notifications service', () => {
  const notifications = new RecordingNotifications();
  const END = Date.UTC(2026, 10, 20, 12, 0);
  let now = END + 30_000;
  let dir: string;
  let knex: Knex;
  let stop: () => Promise<void>;
  let baseUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sg-notify-backend-'));
    const file = writeReplay(
      dir,
      syntheticReplay(
        [
          { service: 'calm' },
          // Six times its usual error rate in the last 10 minutes of the period [11:30, 12:00), normal after.
          { service: 'broken', anomaly: { start: END - 10 * MINUTE, end: END, factor: 6 } },
        ],
        { metrics: 3, from: END - 2 * DAY, to: END + 2 * HOUR },
      ),
    );
    knex = sqliteKnex();
    const backend = await startServiceGuard({
      entities: [component('calm'), component('broken')] as never,
      config: {
        serviceGuard: serviceGuardConfig({ replayFile: file, metrics: 3, periodMs: PERIOD, historyMs: DAY }),
      },
      knex,
      clock: () => now,
      notifications,
    });
    stop = backend.stop;
    baseUrl = backend.baseUrl;
  });
  afterAll(async () => {
    await stop?.();
    await knex?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const runAndWait = async (periodStart: number) => {
    const res = await fetch(`${baseUrl}/run`, { method: 'POST', headers: { authorization: adminHeader() } });
    expect(res.status).toBe(202);
    for (let i = 0; i < 200; i++) {
      const health = (await (
        await fetch(`${baseUrl}/entities/component/default/broken/health`, {
          headers: { authorization: userHeader() },
        })
      ).json()) as HealthResponse;
      if (health.current && Date.parse(health.current.periodStart) === periodStart)
        return health.current.state;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the run did not finish');
  };

  it('tells the owners of the entity that turned unhealthy, then of its recovery, and never of the calm one', async () => {
    expect(await runAndWait(END - PERIOD)).toBe('unhealthy');
    expect(notifications.sent).toEqual([
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: 'component:default/broken' },
        payload: expect.objectContaining({
          title: expect.stringMatching(/^component:default\/broken is unhealthy/),
          severity: 'high',
        }),
      }),
    ]);
    now += PERIOD;
    expect(await runAndWait(END)).toBe('healthy');
    expect(notifications.sent.map((n) => n.payload.title)).toEqual([
      expect.stringMatching(/is unhealthy/),
      'component:default/broken recovered',
    ]);
    now += PERIOD;
    expect(await runAndWait(END + PERIOD)).toBe('healthy');
    expect(notifications.sent).toHaveLength(2);
  });
});
