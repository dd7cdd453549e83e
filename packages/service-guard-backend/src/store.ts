/**
 * Service Guard's database: knex over SQLite (better-sqlite3) or PostgreSQL. One entity's analysis of one
 * period is written in one transaction, guarded by the unique key (entity_ref, period_start): a rerun, or a
 * second replica, gets `duplicate` and writes nothing.
 */
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import type { DetectorState } from '@vigil/core';
import type {
  DeploymentVerification,
  DeploymentVerificationInput,
  HealthHistoryEntry,
  HealthSnapshot,
  LogCluster,
  LogClusterFeedback,
  LogClusterFeedbackInput,
  LogsSummary,
  MetricRisk,
  MetricSeriesPoint,
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

/** A detector's memory for one instance of one metric. */
export interface StoredDetector {
  metric: string;
  instance: string;
  lastT: number;
  state: DetectorState;
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
}

/** Rows per insert statement: keeps SQLite under its bound-variable limit. */
const CHUNK = 200;

export class ServiceGuardStore {
  readonly #db: Knex;

  constructor(db: Knex) {
    this.#db = db;
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
    const s = record.snapshot;
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
    const [risks, clusters] = await Promise.all([
      this.#db('sg_metric_risks').where({ snapshot_id: id }).orderBy('metric'),
      this.#db('sg_log_clusters')
        .where({ snapshot_id: id })
        .orderBy([{ column: 'risk', order: 'desc' }, 'cluster_id']),
    ]);
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

  /** Feedback of an entity, newest first. */
  async feedback(entityRef: string): Promise<LogClusterFeedback[]> {
    const rows = await this.#db('sg_feedback')
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    return rows.map((r) => ({
      id: String(r.id),
      entityRef: r.entity_ref,
      clusterId: r.cluster_id,
      action: r.action,
      reason: r.reason,
      ...(r.template !== null ? { template: r.template } : {}),
      createdBy: r.created_by,
      createdAt: iso(r.created_at),
    }));
  }

  async addVerification(
    input: DeploymentVerificationInput,
    createdBy: string,
    now: number,
  ): Promise<DeploymentVerification> {
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

  /** Verifications of an entity, newest first. */
  async verifications(entityRef: string, limit: number): Promise<DeploymentVerification[]> {
    const rows = await this.#db('sg_verifications')
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'finished_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map((r) => ({
      ...(JSON.parse(r.detail) as DeploymentVerificationInput),
      id: String(r.id),
      createdBy: r.created_by,
      createdAt: iso(r.created_at),
    }));
  }

  /** Deletes snapshots (and their details) and verifications older than the cutoffs. */
  async prune(
    snapshotsBefore: number,
    verificationsBefore: number,
  ): Promise<{ snapshots: number; verifications: number }> {
    return this.#db.transaction(async (tx) => {
      const old = tx('sg_snapshots').where('period_end', '<', snapshotsBefore).select('id');
      await tx('sg_metric_risks').whereIn('snapshot_id', old.clone()).delete();
      await tx('sg_log_clusters').whereIn('snapshot_id', old.clone()).delete();
      const snapshots = await tx('sg_snapshots').where('period_end', '<', snapshotsBefore).delete();
      const verifications = await tx('sg_verifications')
        .where('finished_at', '<', verificationsBefore)
        .delete();
      return { snapshots, verifications };
    });
  }
}
