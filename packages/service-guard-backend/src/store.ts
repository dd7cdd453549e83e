/**
 * Service Guard's database: knex over SQLite (better-sqlite3) or PostgreSQL. One entity's analysis of one
 * period is written in one transaction, guarded by the unique key (entity_ref, period_start): a rerun, or a
 * second replica, gets `duplicate` and writes nothing.
 */
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { type DetectorState, Secrets } from '@vigil/core';
import type {
  DeploymentVerification,
  DeploymentVerificationInput,
  DeploymentVerificationSummary,
  EntityHealthSummary,
  HealthHistoryEntry,
  HealthSnapshot,
  LogCluster,
  LogClusterFeedback,
  LogClusterFeedbackInput,
  LogsSummary,
  MetricRisk,
  MetricSeriesPoint,
  ProblemsSummary,
  ServiceProblem,
} from '@vigil/backstage-plugin-service-guard-common';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Applies the plugin's migrations. Replicas starting together on an empty database race to create knex's
 * bookkeeping tables (its lock lives in them, so it cannot guard their creation): the loser fails, waits
 * and tries again, and then finds the work done or waits on the lock.
 */
export async function migrateServiceGuard(knex: Knex, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await knex.migrate.latest({ directory: migrationsDir, tableName: 'sg_knex_migrations' });
      return;
    } catch (e) {
      if (i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 250 * i));
    }
  }
}

/** The health states owners are told about: turning unhealthy, and healthy again (a recovery). */
export type NotifiedHealth = 'unhealthy' | 'healthy';

/** A detector's memory for one instance of one metric. */
export interface StoredDetector {
  metric: string;
  instance: string;
  lastT: number;
  state: DetectorState;
}

/** An entity's latest snapshot without details, and its row id (to read its signals with `signals`). */
export interface LatestEntry extends HealthHistoryEntry {
  snapshotId: number;
}

/** A run-now of one entity as stored (times epoch ms). */
export interface StoredRun {
  entityRef: string;
  runId: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  requestedBy: string;
  requestedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  periodStart: number | null;
  outcome: 'analysed' | 'already-analysed' | null;
  error: string | null;
}

/** Everything one analysis writes. */
export interface AnalysisRecord {
  snapshot: HealthSnapshot;
  detectors: StoredDetector[];
}

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

interface SnapshotRow {
  id: number | string;
  entity_ref: string;
  period_start: number | string;
  period_end: number | string;
  analysed_at: number | string;
  profile: string | null;
  state: HealthSnapshot['state'];
  score: number | null;
  reasons: string;
  logs: string | null;
  problems?: string | null;
}

/** Rows per insert statement: keeps SQLite under its bound-variable limit. */
const CHUNK = 200;

/** Where a page of a list ends: the last row's sort time and id (older rows follow). */
export interface PageCursor {
  t: number;
  id: number;
}

/** One page of a list, newest first, and where the next page starts. */
export interface Page<T> {
  items: T[];
  next?: PageCursor;
}

/** Rows of a newest-first list (`timeColumn` desc, id desc) strictly after `cursor`; one extra row tells whether more follow. */
async function pageOf<R extends { id: number | string }>(
  q: Knex.QueryBuilder,
  timeColumn: string,
  limit: number,
  cursor: PageCursor | undefined,
  timeOf: (row: R) => number,
): Promise<{ rows: R[]; next?: PageCursor }> {
  if (cursor) {
    q = q.andWhere((w) =>
      w
        .where(timeColumn, '<', cursor.t)
        .orWhere((x) => x.where(timeColumn, '=', cursor.t).andWhere('id', '<', cursor.id)),
    );
  }
  const rows = (await q
    .orderBy([
      { column: timeColumn, order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit + 1)) as R[];
  if (rows.length <= limit) return { rows };
  rows.length = limit;
  const last = rows[limit - 1]!;
  return { rows, next: { t: timeOf(last), id: Number(last.id) } };
}

export class ServiceGuardStore {
  readonly #db: Knex;
  readonly #secrets: Secrets;

  /**
   * `secrets`: the secret values of the configured providers (see core's secrets.ts); every snapshot and
   * verification is scrubbed of them before it is stored, so a credential a provider echoed into a reason,
   * a log sample or an explanation never reaches the database. The registry may grow after construction.
   */
  constructor(db: Knex, options: { secrets?: Secrets } = {}) {
    this.#db = db;
    this.#secrets = options.secrets ?? new Secrets();
  }

  get knex(): Knex {
    return this.#db;
  }

  /** Whether the entity's period has been analysed already (a cheap check before fetching data). */
  async hasSnapshot(entityRef: string, periodStart: number): Promise<boolean> {
    const row = await this.#db('sg_snapshots')
      .where({ entity_ref: entityRef, period_start: periodStart })
      .first('id');
    return row !== undefined;
  }

  /** Which of `entityRefs` have the period stored already (one query per chunk, for a whole shard). */
  async analysed(periodStart: number, entityRefs: readonly string[]): Promise<Set<string>> {
    const done = new Set<string>();
    for (let i = 0; i < entityRefs.length; i += 500) {
      const rows = await this.#db('sg_snapshots')
        .where({ period_start: periodStart })
        .whereIn('entity_ref', entityRefs.slice(i, i + 500))
        .select('entity_ref');
      for (const r of rows) done.add(r.entity_ref as string);
    }
    return done;
  }

  /** Detector states of an entity, keyed by `metric\u0000instance`. */
  async detectors(entityRef: string): Promise<Map<string, StoredDetector>> {
    const rows = await this.#db('sg_detector_state').where({ entity_ref: entityRef });
    const out = new Map<string, StoredDetector>();
    for (const r of rows) {
      out.set(`${r.metric}\u0000${r.instance}`, {
        metric: r.metric,
        instance: r.instance,
        lastT: Number(r.last_t),
        state: JSON.parse(r.state) as DetectorState,
      });
    }
    return out;
  }

  /**
   * Writes a snapshot, its metric risks and log clusters, and the detectors' new memory, all or nothing.
   * Returns `duplicate` (and writes nothing) when the period was stored meanwhile.
   */
  async writeAnalysis(record: AnalysisRecord, now: number): Promise<'written' | 'duplicate'> {
    const s = this.#secrets.scrubDeep(record.snapshot);
    try {
      await this.#db.transaction(async (tx) => {
        const logs = s.logs ? { ...s.logs, clusters: [] } : null;
        const inserted = await tx('sg_snapshots').insert(
          {
            entity_ref: s.entityRef,
            period_start: Date.parse(s.periodStart),
            period_end: Date.parse(s.periodEnd),
            analysed_at: Date.parse(s.analysedAt),
            profile: s.profile,
            state: s.state,
            score: s.score,
            reasons: JSON.stringify(s.reasons),
            logs: logs ? JSON.stringify(logs) : null,
            problems: s.problems ? JSON.stringify({ ...s.problems, items: [] }) : null,
          },
          ['id'],
        );
        const first = inserted[0] as { id: number | string } | number;
        const id = typeof first === 'object' ? Number(first.id) : Number(first);
        const risks = s.metrics.map(({ series, ...m }) => ({
          snapshot_id: id,
          metric: m.metric,
          outcome: m.outcome,
          risk: m.risk,
          points: m.points,
          alerts: m.alerts,
          detail: JSON.stringify(m),
          series: series ? JSON.stringify(series) : null,
        }));
        for (let i = 0; i < risks.length; i += CHUNK)
          await tx('sg_metric_risks').insert(risks.slice(i, i + CHUNK));
        const clusters = (s.logs?.clusters ?? []).map((c) => ({
          snapshot_id: id,
          cluster_id: c.clusterId,
          template: c.template,
          class: c.class,
          level: c.level,
          count: c.count,
          history_count: c.historyCount,
          risk: c.risk,
          detail: JSON.stringify(c),
        }));
        for (let i = 0; i < clusters.length; i += CHUNK) {
          await tx('sg_log_clusters').insert(clusters.slice(i, i + CHUNK));
        }
        const problems = (s.problems?.items ?? []).map((p, seq) => ({
          snapshot_id: id,
          seq,
          provider: p.provider,
          kind: p.kind,
          problem_id: p.id,
          title: p.title,
          status: p.status,
          start_at: Date.parse(p.start),
          end_at: p.end === undefined ? null : Date.parse(p.end),
          detail: JSON.stringify(p),
        }));
        for (let i = 0; i < problems.length; i += CHUNK)
          await tx('sg_problems').insert(problems.slice(i, i + CHUNK));
        const states = record.detectors.map((d) => ({
          entity_ref: s.entityRef,
          metric: d.metric,
          instance: d.instance,
          last_t: d.lastT,
          state: JSON.stringify(d.state),
          updated_at: now,
        }));
        for (let i = 0; i < states.length; i += CHUNK) {
          // Never move a detector back in time (a late rerun of an older period).
          await tx('sg_detector_state')
            .insert(states.slice(i, i + CHUNK))
            .onConflict(['entity_ref', 'metric', 'instance'])
            .merge(['last_t', 'state', 'updated_at'])
            .where('sg_detector_state.last_t', '<', tx.raw('excluded.last_t'));
        }
      });
      return 'written';
    } catch (e) {
      if (isUniqueViolation(e)) return 'duplicate';
      throw e;
    }
  }

  async #children(row: SnapshotRow): Promise<HealthSnapshot> {
    const id = Number(row.id);
    const [risks, clusters, problemRows] = await Promise.all([
      this.#db('sg_metric_risks').where({ snapshot_id: id }).orderBy('metric'),
      this.#db('sg_log_clusters')
        .where({ snapshot_id: id })
        .orderBy([{ column: 'risk', order: 'desc' }, 'cluster_id']),
      row.problems ? this.#db('sg_problems').where({ snapshot_id: id }).orderBy('seq') : [],
    ]);
    let problems: ProblemsSummary | undefined;
    if (row.problems) {
      problems = JSON.parse(row.problems) as ProblemsSummary;
      problems.items = (problemRows as { detail: string }[]).map(
        (p) => JSON.parse(p.detail) as ServiceProblem,
      );
    }
    let logs: LogsSummary | null = null;
    if (row.logs) {
      logs = JSON.parse(row.logs) as LogsSummary;
      logs.clusters = clusters.map((c) => JSON.parse(c.detail) as LogCluster);
    }
    return {
      ...this.#entry(row),
      entityRef: row.entity_ref,
      profile: row.profile,
      metrics: risks.map((r) => {
        const m = JSON.parse(r.detail) as MetricRisk;
        if (r.series) m.series = JSON.parse(r.series) as MetricSeriesPoint[];
        return m;
      }),
      logs,
      ...(problems ? { problems } : {}),
    };
  }

  #entry(row: SnapshotRow): HealthHistoryEntry {
    return {
      periodStart: iso(row.period_start),
      periodEnd: iso(row.period_end),
      analysedAt: iso(row.analysed_at),
      state: row.state,
      score: row.score === null ? null : Number(row.score),
      reasons: JSON.parse(row.reasons) as string[],
    };
  }

  /** The snapshot of one period, with its details. */
  async snapshot(entityRef: string, periodStart: number): Promise<HealthSnapshot | null> {
    const row = (await this.#db('sg_snapshots')
      .where({ entity_ref: entityRef, period_start: periodStart })
      .first()) as SnapshotRow | undefined;
    return row ? this.#children(row) : null;
  }

  /** The snapshot of one period without its details. */
  async periodEntry(entityRef: string, periodStart: number): Promise<HealthHistoryEntry | null> {
    const row = (await this.#db('sg_snapshots')
      .where({ entity_ref: entityRef, period_start: periodStart })
      .first()) as SnapshotRow | undefined;
    return row ? this.#entry(row) : null;
  }

  /** The latest snapshot with details, and the newest `limit` history entries (since `since`, epoch ms). */
  async health(
    entityRef: string,
    limit: number,
    since?: number,
  ): Promise<{ current: HealthSnapshot | null; history: HealthHistoryEntry[] }> {
    let q = this.#db('sg_snapshots').where({ entity_ref: entityRef });
    if (since !== undefined) q = q.andWhere('period_start', '>=', since);
    const rows = (await q.orderBy('period_start', 'desc').limit(limit)) as SnapshotRow[];
    const latest = rows[0];
    return {
      current: latest ? await this.#children(latest) : null,
      history: rows.map((r) => this.#entry(r)),
    };
  }

  async addFeedback(
    entityRef: string,
    clusterId: string,
    input: LogClusterFeedbackInput,
    createdBy: string,
    now: number,
  ): Promise<LogClusterFeedback> {
    const [row] = await this.#db('sg_feedback').insert(
      {
        entity_ref: entityRef,
        cluster_id: clusterId,
        template: input.template ?? null,
        action: input.action,
        reason: input.reason,
        created_by: createdBy,
        created_at: now,
      },
      ['id'],
    );
    const id = typeof row === 'object' ? (row as { id: number | string }).id : row;
    return {
      id: String(id),
      entityRef,
      clusterId,
      action: input.action,
      reason: input.reason,
      ...(input.template !== undefined ? { template: input.template } : {}),
      createdBy,
      createdAt: iso(now),
    };
  }

  /** Feedback of an entity, newest first (all of it: the analysis applies the newest per cluster). */
  async feedback(entityRef: string): Promise<LogClusterFeedback[]> {
    const rows = await this.#db('sg_feedback')
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    return rows.map(feedbackOf);
  }

  /**
   * The feedback in force on each of `clusterIds`: the newest entry per cluster (the one the next analysis
   * applies), in the order of `clusterIds`; clusters without feedback are left out.
   */
  async feedbackInForce(entityRef: string, clusterIds: readonly string[]): Promise<LogClusterFeedback[]> {
    if (clusterIds.length === 0) return [];
    const newest = new Map<string, LogClusterFeedback>();
    for (let i = 0; i < clusterIds.length; i += 500) {
      const rows = (await this.#db('sg_feedback')
        .where({ entity_ref: entityRef })
        .whereIn('cluster_id', clusterIds.slice(i, i + 500))
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])) as FeedbackRow[];
      for (const r of rows) if (!newest.has(r.cluster_id)) newest.set(r.cluster_id, feedbackOf(r));
    }
    return clusterIds.flatMap((id) => newest.get(id) ?? []);
  }

  /** One page of an entity's feedback, newest first. */
  async feedbackPage(
    entityRef: string,
    limit: number,
    cursor?: PageCursor,
  ): Promise<Page<LogClusterFeedback>> {
    const { rows, next } = await pageOf<FeedbackRow>(
      this.#db('sg_feedback').where({ entity_ref: entityRef }),
      'created_at',
      limit,
      cursor,
      (r) => Number(r.created_at),
    );
    return { items: rows.map(feedbackOf), ...(next ? { next } : {}) };
  }

  /** Whether any stored analysis of the entity found the log cluster (feedback is only taken on those). */
  async hasCluster(entityRef: string, clusterId: string): Promise<boolean> {
    const row = await this.#db('sg_log_clusters')
      .whereIn('snapshot_id', this.#db('sg_snapshots').where({ entity_ref: entityRef }).select('id'))
      .andWhere({ cluster_id: clusterId })
      .first('snapshot_id');
    return row !== undefined;
  }

  async addVerification(
    input: DeploymentVerificationInput,
    createdBy: string,
    now: number,
  ): Promise<DeploymentVerification> {
    // Posted by the Action, which scrubs its own secrets; the backend's are scrubbed here as well.
    input = this.#secrets.scrubDeep(input);
    const [row] = await this.#db('sg_verifications').insert(
      {
        entity_ref: input.entityRef,
        verdict: input.verdict,
        score: Math.round(input.score),
        started_at: Date.parse(input.startedAt),
        finished_at: Date.parse(input.finishedAt),
        created_by: createdBy,
        created_at: now,
        detail: JSON.stringify(input),
      },
      ['id'],
    );
    const id = typeof row === 'object' ? (row as { id: number | string }).id : row;
    return { ...input, id: String(id), createdBy, createdAt: iso(now) };
  }

  /** One page of an entity's verifications, newest first, without their metric and log details. */
  async verifications(
    entityRef: string,
    limit: number,
    cursor?: PageCursor,
  ): Promise<Page<DeploymentVerificationSummary>> {
    const { rows, next } = await pageOf<VerificationRow>(
      this.#db('sg_verifications').where({ entity_ref: entityRef }),
      'finished_at',
      limit,
      cursor,
      (r) => Number(r.finished_at),
    );
    const items = rows.map((r) => {
      const { metrics: _m, logs: _l, ...summary } = verificationOf(r);
      return summary;
    });
    return { items, ...(next ? { next } : {}) };
  }

  /** One verification of an entity with all its details; null when there is none with that id. */
  async verification(entityRef: string, id: number): Promise<DeploymentVerification | null> {
    const row = (await this.#db('sg_verifications').where({ entity_ref: entityRef, id }).first()) as
      | VerificationRow
      | undefined;
    return row ? verificationOf(row) : null;
  }

  /**
   * Brings the schedule in line with the opted-in entities: new ones join (never analysed, so at the head of
   * the queue), ones that left the catalog or opted out leave. Safe to run on several replicas at once.
   */
  async syncSchedule(entityRefs: readonly string[]): Promise<void> {
    const wanted = new Set(entityRefs);
    const present = new Set(
      (await this.#db('sg_entity_schedule').select('entity_ref')).map((r) => r.entity_ref as string),
    );
    const add = [...wanted]
      .filter((r) => !present.has(r))
      .map((entity_ref) => ({ entity_ref, last_period_start: 0 }));
    for (let i = 0; i < add.length; i += CHUNK) {
      await this.#db('sg_entity_schedule')
        .insert(add.slice(i, i + CHUNK))
        .onConflict('entity_ref')
        .ignore();
    }
    const gone = [...present].filter((r) => !wanted.has(r));
    for (let i = 0; i < gone.length; i += CHUNK) {
      await this.#db('sg_entity_schedule')
        .whereIn('entity_ref', gone.slice(i, i + CHUNK))
        .delete();
    }
  }

  /**
   * Claims up to `n` entities not yet analysed for the period and not held under a live lease, least
   * recently analysed first, for `owner` until `now + leaseMs`. On PostgreSQL `SKIP LOCKED` lets replicas
   * claim at the same time without waiting on each other; SQLite serialises writers anyway.
   */
  async claim(
    owner: string,
    periodStart: number,
    n: number,
    now: number,
    leaseMs: number,
  ): Promise<string[]> {
    const pg = this.#db.client.config.client === 'pg';
    const free = 'last_period_start < ? AND (claimed_until IS NULL OR claimed_until < ?)';
    const result = await this.#db.raw(
      `UPDATE sg_entity_schedule SET claimed_by = ?, claimed_until = ? WHERE ${free} AND entity_ref IN (` +
        `SELECT entity_ref FROM sg_entity_schedule WHERE ${free} ORDER BY last_period_start, entity_ref LIMIT ?` +
        `${pg ? ' FOR UPDATE SKIP LOCKED' : ''}) RETURNING entity_ref`,
      [owner, now + leaseMs, periodStart, now, periodStart, now, n],
    );
    const rows = (pg ? result.rows : result) as { entity_ref: string }[];
    return rows.map((r) => r.entity_ref);
  }

  /** Whether another replica holds, under a live lease, an entity still to be analysed for the period. */
  async heldElsewhere(owner: string, periodStart: number, now: number): Promise<boolean> {
    const row = await this.#db('sg_entity_schedule')
      .where('last_period_start', '<', periodStart)
      .andWhere('claimed_until', '>=', now)
      .andWhereNot('claimed_by', owner)
      .first('entity_ref');
    return row !== undefined;
  }

  /**
   * Ends `owner`'s claim of an entity, recording the period as its latest unless `periodStart` is null (not
   * done; it stays at the head of the queue). A lost lease changes nothing.
   */
  async release(owner: string, entityRef: string, periodStart: number | null): Promise<void> {
    await this.#db('sg_entity_schedule')
      .where({ entity_ref: entityRef, claimed_by: owner })
      .update({
        ...(periodStart === null
          ? {}
          : {
              last_period_start: this.#db.raw(
                'CASE WHEN last_period_start < ? THEN ? ELSE last_period_start END',
                [periodStart, periodStart],
              ),
            }),
        claimed_by: null,
        claimed_until: null,
      });
  }

  /** Records an analysis made outside a claim (run-now). */
  async markAnalysed(entityRef: string, periodStart: number): Promise<void> {
    await this.#db('sg_entity_schedule')
      .where({ entity_ref: entityRef })
      .andWhere('last_period_start', '<', periodStart)
      .update({ last_period_start: periodStart });
  }

  /** Extends `owner`'s leases on the entities it is still analysing. */
  async renewClaims(owner: string, entityRefs: readonly string[], until: number): Promise<void> {
    for (let i = 0; i < entityRefs.length; i += CHUNK) {
      await this.#db('sg_entity_schedule')
        .where({ claimed_by: owner })
        .whereIn('entity_ref', entityRefs.slice(i, i + CHUNK))
        .update({ claimed_until: until });
    }
  }

  /**
   * Entities without an analysis of the period, and the oldest period among those analysed before (null
   * when every pending one is new).
   */
  async backlog(periodStart: number): Promise<{ pending: number; oldest: number | null }> {
    const [row] = await this.#db('sg_entity_schedule')
      .where('last_period_start', '<', periodStart)
      .count({ n: '*' })
      .min({ oldest: this.#db.raw('CASE WHEN last_period_start > 0 THEN last_period_start END') });
    const oldest = row?.oldest;
    return {
      pending: Number(row?.n ?? 0),
      oldest: oldest === null || oldest === undefined ? null : Number(oldest),
    };
  }

  /**
   * The latest snapshot (without details) of each of `entityRefs` that has one, read 500 refs per query
   * through the (entity_ref, period_start) unique index.
   */
  async latest(entityRefs: readonly string[]): Promise<Map<string, LatestEntry>> {
    const out = new Map<string, LatestEntry>();
    for (let i = 0; i < entityRefs.length; i += 500) {
      const refs = entityRefs.slice(i, i + 500);
      const newest = this.#db('sg_snapshots')
        .whereIn('entity_ref', refs)
        .groupBy('entity_ref')
        .select('entity_ref')
        .max({ p: 'period_start' })
        .as('m');
      const rows = (await this.#db('sg_snapshots as s')
        .join(newest, (j) => j.on('s.entity_ref', '=', 'm.entity_ref').andOn('s.period_start', '=', 'm.p'))
        .select('s.*')) as SnapshotRow[];
      for (const r of rows) out.set(r.entity_ref, { ...this.#entry(r), snapshotId: Number(r.id) });
    }
    return out;
  }

  /**
   * The signals of the snapshots `ids` (from `latest`), for a list that phrases each one's reason: metrics
   * without series or links, logs with only the new and unexpectedly frequent clusters (the ones a reason
   * names), the alerts' summary without the alerts. Read 500 snapshots per query.
   */
  async signals(ids: readonly number[]): Promise<Map<number, NonNullable<EntityHealthSummary['signals']>>> {
    const out = new Map<number, NonNullable<EntityHealthSummary['signals']>>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const [snapshots, risks, clusters] = await Promise.all([
        this.#db('sg_snapshots').whereIn('id', chunk).select('id', 'logs', 'problems') as Promise<
          { id: number | string; logs: string | null; problems: string | null }[]
        >,
        this.#db('sg_metric_risks')
          .whereIn('snapshot_id', chunk)
          .orderBy(['snapshot_id', 'metric'])
          .select('snapshot_id', 'detail') as Promise<{ snapshot_id: number | string; detail: string }[]>,
        this.#db('sg_log_clusters')
          .whereIn('snapshot_id', chunk)
          .whereIn('class', ['unknown', 'unexpected-frequency'])
          .orderBy(['snapshot_id', { column: 'risk', order: 'desc' }, 'cluster_id'])
          .select('snapshot_id', 'detail') as Promise<{ snapshot_id: number | string; detail: string }[]>,
      ]);
      for (const s of snapshots) {
        const logs = s.logs ? ({ ...JSON.parse(s.logs), clusters: [] } as LogsSummary) : null;
        // The alerts' summary without the alerts: a reason names how many and what they did, not each one.
        const problems = s.problems ? ({ ...JSON.parse(s.problems), items: [] } as ProblemsSummary) : null;
        out.set(Number(s.id), { metrics: [], logs, ...(problems ? { problems } : {}) });
      }
      for (const r of risks) {
        const { series: _s, link: _l, ...m } = JSON.parse(r.detail) as MetricRisk;
        out.get(Number(r.snapshot_id))?.metrics.push(m);
      }
      for (const c of clusters)
        out.get(Number(c.snapshot_id))?.logs?.clusters.push(JSON.parse(c.detail) as LogCluster);
    }
    return out;
  }

  /**
   * Starts a run-now of the entity unless one is queued or running under a live lease: then that one is
   * returned (the request joins it). Atomic across replicas: the upsert only replaces a finished or lost run.
   */
  async startRun(
    entityRef: string,
    runId: string,
    requestedBy: string,
    now: number,
    leaseMs: number,
  ): Promise<{ run: StoredRun; started: boolean }> {
    const row = {
      entity_ref: entityRef,
      run_id: runId,
      status: 'queued',
      requested_by: requestedBy,
      requested_at: now,
      started_at: null,
      finished_at: null,
      lease_until: now + leaseMs,
      period_start: null,
      outcome: null,
      error: null,
    };
    await this.#db('sg_runs')
      .insert(row)
      .onConflict('entity_ref')
      .merge()
      .where((w) =>
        w
          .whereIn('sg_runs.status', ['done', 'failed'])
          .orWhereNull('sg_runs.lease_until')
          .orWhere('sg_runs.lease_until', '<', now),
      );
    const run = (await this.run(entityRef, now))!;
    return { run, started: run.runId === runId };
  }

  /** Updates a run this replica owns (`runId`): its status, lease and, once finished, its result. */
  async updateRun(
    entityRef: string,
    runId: string,
    update: Partial<{
      status: StoredRun['status'];
      startedAt: number;
      finishedAt: number;
      leaseUntil: number | null;
      periodStart: number;
      outcome: string;
      error: string;
    }>,
  ): Promise<void> {
    const row: Record<string, unknown> = {};
    if (update.status !== undefined) row.status = update.status;
    if (update.startedAt !== undefined) row.started_at = update.startedAt;
    if (update.finishedAt !== undefined) row.finished_at = update.finishedAt;
    if (update.leaseUntil !== undefined) row.lease_until = update.leaseUntil;
    if (update.periodStart !== undefined) row.period_start = update.periodStart;
    if (update.outcome !== undefined) row.outcome = update.outcome;
    if (update.error !== undefined) row.error = this.#secrets.scrub(update.error).slice(0, 2000);
    await this.#db('sg_runs').where({ entity_ref: entityRef, run_id: runId }).update(row);
  }

  /**
   * The entity's latest run-now; a queued or running one whose lease ran out (its replica stopped) comes
   * back as failed, saying so.
   */
  async run(entityRef: string, now: number): Promise<StoredRun | null> {
    const r = await this.#db('sg_runs').where({ entity_ref: entityRef }).first();
    if (!r) return null;
    const run: StoredRun = {
      entityRef: r.entity_ref,
      runId: r.run_id,
      status: r.status,
      requestedBy: r.requested_by,
      requestedAt: Number(r.requested_at),
      startedAt: r.started_at === null ? null : Number(r.started_at),
      finishedAt: r.finished_at === null ? null : Number(r.finished_at),
      periodStart: r.period_start === null ? null : Number(r.period_start),
      outcome: r.outcome,
      error: r.error,
    };
    const active = run.status === 'queued' || run.status === 'running';
    if (active && (r.lease_until === null || Number(r.lease_until) < now)) {
      run.status = 'failed';
      run.error = 'the backend replica running it stopped before it finished; run it again';
    }
    return run;
  }

  /**
   * Records that an entity's owners are to be told of `to` (its health turned unhealthy, or healthy again)
   * for the period starting at `periodStart`, when that is a transition: the row's state differs and its
   * period is older. One conditional write decides it, so of two replicas only the one whose write changed
   * the row gets a transition. The first state ever seen is recorded without a previous one (`from` null).
   * Returns null when nothing changed (no transition, or a late analysis of an older period).
   */
  async claimHealthTransition(
    entityRef: string,
    to: NotifiedHealth,
    periodStart: number,
    now: number,
  ): Promise<{ from: NotifiedHealth | null } | null> {
    const inserted = await this.#db('sg_notified_health')
      .insert({ entity_ref: entityRef, state: to, period_start: periodStart, updated_at: now })
      .onConflict('entity_ref')
      .ignore()
      .returning('entity_ref');
    if (inserted.length > 0) return { from: null };
    const changed = await this.#db('sg_notified_health')
      .where('entity_ref', entityRef)
      .andWhere('period_start', '<', periodStart)
      .andWhereNot('state', to)
      .update({ state: to, period_start: periodStart, updated_at: now });
    return changed > 0 ? { from: to === 'unhealthy' ? 'healthy' : 'unhealthy' } : null;
  }

  /**
   * Undoes a transition whose notification could not be sent, so that the next period tries again; only
   * when the row still holds that transition (no later one replaced it). A first state is forgotten.
   */
  async undoHealthTransition(
    entityRef: string,
    transition: { from: NotifiedHealth | null; to: NotifiedHealth; periodStart: number },
    now: number,
  ): Promise<void> {
    const row = this.#db('sg_notified_health')
      .where('entity_ref', entityRef)
      .andWhere('state', transition.to)
      .andWhere('period_start', transition.periodStart);
    if (transition.from === null) await row.delete();
    else await row.update({ state: transition.from, updated_at: now });
  }

  /** The state an entity's owners were last told about (or first seen); null when none. */
  async notifiedHealth(entityRef: string): Promise<NotifiedHealth | null> {
    const row = await this.#db('sg_notified_health').where('entity_ref', entityRef).first('state');
    return row ? (row.state as NotifiedHealth) : null;
  }

  /**
   * Deletes snapshots (and their details) and verifications older than the cutoffs, `batch` rows per
   * transaction (found through the `period_end` and `finished_at` indexes), so that pruning a large
   * backlog never holds one long transaction or lock over the tables the runs write to.
   */
  async prune(
    snapshotsBefore: number,
    verificationsBefore: number,
    batch = 1000,
  ): Promise<{ snapshots: number; verifications: number }> {
    let snapshots = 0;
    for (;;) {
      const ids = (
        await this.#db('sg_snapshots').where('period_end', '<', snapshotsBefore).select('id').limit(batch)
      ).map((r) => Number(r.id));
      if (ids.length === 0) break;
      await this.#db.transaction(async (tx) => {
        await tx('sg_metric_risks').whereIn('snapshot_id', ids).delete();
        await tx('sg_log_clusters').whereIn('snapshot_id', ids).delete();
        await tx('sg_problems').whereIn('snapshot_id', ids).delete();
        snapshots += await tx('sg_snapshots').whereIn('id', ids).delete();
      });
      if (ids.length < batch) break;
    }
    let verifications = 0;
    for (;;) {
      const ids = (
        await this.#db('sg_verifications')
          .where('finished_at', '<', verificationsBefore)
          .select('id')
          .limit(batch)
      ).map((r) => Number(r.id));
      if (ids.length === 0) break;
      verifications += await this.#db('sg_verifications').whereIn('id', ids).delete();
      if (ids.length < batch) break;
    }
    return { snapshots, verifications };
  }
}

interface FeedbackRow {
  id: number | string;
  entity_ref: string;
  cluster_id: string;
  action: LogClusterFeedback['action'];
  reason: string;
  template: string | null;
  created_by: string;
  created_at: number | string;
}

function feedbackOf(r: FeedbackRow): LogClusterFeedback {
  return {
    id: String(r.id),
    entityRef: r.entity_ref,
    clusterId: r.cluster_id,
    action: r.action,
    reason: r.reason,
    ...(r.template !== null ? { template: r.template } : {}),
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
  };
}

interface VerificationRow {
  id: number | string;
  finished_at: number | string;
  created_by: string;
  created_at: number | string;
  detail: string;
}

function verificationOf(r: VerificationRow): DeploymentVerification {
  return {
    ...(JSON.parse(r.detail) as DeploymentVerificationInput),
    id: String(r.id),
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
  };
}
