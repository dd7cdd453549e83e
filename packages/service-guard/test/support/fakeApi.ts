/**
 * An in-memory Service Guard backend behind the `ServiceGuardApi` interface: it stores what the
 * components post, so tests check what was sent and what the page shows afterwards.
 */
import {
  type DeploymentVerification,
  type DeploymentVerificationInput,
  type EntitiesHealthResponse,
  type EntityHealthState,
  type EntityHealthSummary,
  type EntityRefLike,
  type EntityRun,
  type EntityRunResponse,
  entityPath,
  type FeedbackResponse,
  type HealthResponse,
  type LogClusterFeedback,
  type ListEntitiesOptions,
  type LogClusterFeedbackInput,
  type RunNowResponse,
  type ServiceGuardApi,
  ServiceGuardApiError,
  type VerificationsResponse,
} from '@vigil/backstage-plugin-service-guard-common';

export class InMemoryServiceGuard implements ServiceGuardApi {
  health = new Map<string, HealthResponse>();
  verifications = new Map<string, DeploymentVerification[]>();
  feedback: LogClusterFeedback[] = [];
  /** Fails the next `n` reads with this status. */
  failReads: { n: number; status: number; message: string } = { n: 0, status: 500, message: '' };
  /** Fails the next `n` feedback posts with this status and message (as the client words them). */
  failWrites: { n: number; status: number; message: string } = { n: 0, status: 500, message: '' };
  /** Reads that never settle (to show the loading state). */
  hang = false;
  user = 'user:default/guest';

  static key(ref: EntityRefLike): string {
    return entityPath(ref);
  }

  async #read<T>(value: () => T): Promise<T> {
    if (this.hang) return new Promise<T>(() => {});
    if (this.failReads.n > 0) {
      this.failReads.n--;
      throw new ServiceGuardApiError(this.failReads.status, this.failReads.message);
    }
    return value();
  }

  getHealth(entity: EntityRefLike, options: { limit?: number } = {}): Promise<HealthResponse> {
    return this.#read(() => {
      const h = this.health.get(InMemoryServiceGuard.key(entity));
      const entityRef =
        typeof entity === 'string' ? entity : `${entity.kind}:${entity.namespace}/${entity.name}`;
      if (!h) return { entityRef, current: null, history: [], freshness: null, feedback: [] };
      // The newest feedback per cluster of the current snapshot, as the backend answers.
      const key = InMemoryServiceGuard.key(entity);
      const feedback = (h.current?.logs?.clusters ?? []).flatMap(
        (c) =>
          this.feedback.find(
            (f) => f.clusterId === c.clusterId && InMemoryServiceGuard.key(f.entityRef) === key,
          ) ?? [],
      );
      return { ...h, history: h.history.slice(0, options.limit ?? 50), feedback };
    });
  }

  /** Pages like the backend: newest first, `cursor` the offset of the next page. */
  getVerifications(
    entity: EntityRefLike,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<VerificationsResponse> {
    return this.#read(() => {
      const all = this.verifications.get(InMemoryServiceGuard.key(entity)) ?? [];
      const from = Number(options.cursor ?? 0);
      const to = from + (options.limit ?? 20);
      return {
        entityRef: String(entity),
        items: all.slice(from, to).map(({ metrics: _m, logs: _l, ...summary }) => summary),
        ...(to < all.length ? { nextCursor: String(to) } : {}),
      };
    });
  }

  getVerification(entity: EntityRefLike, id: string): Promise<DeploymentVerification> {
    return this.#read(() => {
      const v = (this.verifications.get(InMemoryServiceGuard.key(entity)) ?? []).find((x) => x.id === id);
      if (!v) throw new ServiceGuardApiError(404, `no verification ${id}`);
      return v;
    });
  }

  async postVerification(input: DeploymentVerificationInput): Promise<DeploymentVerification> {
    throw new Error(`not used by the frontend (${input.entityRef})`);
  }

  getFeedback(entity: EntityRefLike): Promise<FeedbackResponse> {
    const key = InMemoryServiceGuard.key(entity);
    return this.#read(() => ({
      entityRef: String(entity),
      items: this.feedback.filter((f) => InMemoryServiceGuard.key(f.entityRef) === key),
    }));
  }

  async postFeedback(
    entity: EntityRefLike,
    clusterId: string,
    input: LogClusterFeedbackInput,
  ): Promise<LogClusterFeedback> {
    if (input.reason.trim() === '') throw new ServiceGuardApiError(400, 'body.reason: must say why');
    if (this.failWrites.n > 0) {
      this.failWrites.n--;
      throw new ServiceGuardApiError(this.failWrites.status, this.failWrites.message);
    }
    const stored: LogClusterFeedback = {
      ...input,
      id: String(this.feedback.length + 1),
      entityRef: String(entity),
      clusterId,
      createdBy: this.user,
      createdAt: '2026-11-20T12:05:00.000Z',
    };
    this.feedback.unshift(stored);
    return stored;
  }

  async runNow(): Promise<RunNowResponse> {
    return { status: 'triggered', tasks: [] };
  }

  /** Run-now per entity (key: entityPath), as the backend keeps it; tests move it along with `setRun`. */
  runs = new Map<string, EntityRun>();
  /** Fails the next run-now request with this status and message. */
  failRun: { n: number; status: number; message: string } = { n: 0, status: 500, message: '' };
  runRequests = 0;

  static refOf(entity: EntityRefLike): string {
    return InMemoryServiceGuard.key(entity).replace(/^([^/]+)\/([^/]+)\//, '$1:$2/');
  }

  async startEntityRun(entity: EntityRefLike): Promise<EntityRunResponse> {
    this.runRequests++;
    if (this.failRun.n > 0) {
      this.failRun.n--;
      throw new ServiceGuardApiError(this.failRun.status, this.failRun.message);
    }
    const key = InMemoryServiceGuard.key(entity);
    const current = this.runs.get(key);
    // Joins a run in progress, as the backend does.
    if (current && (current.status === 'queued' || current.status === 'running')) {
      return { entityRef: current.entityRef, run: current };
    }
    const run: EntityRun = {
      runId: `run-${this.runRequests}`,
      entityRef: InMemoryServiceGuard.refOf(entity),
      status: 'queued',
      requestedBy: this.user,
      requestedAt: '2026-11-20T12:04:00.000Z',
    };
    this.runs.set(key, run);
    return { entityRef: run.entityRef, run };
  }

  setRun(entity: EntityRefLike, patch: Partial<EntityRun>): void {
    const key = InMemoryServiceGuard.key(entity);
    this.runs.set(key, { ...this.runs.get(key)!, ...patch });
  }

  /** Not subject to `failReads` and `hang`, which stand for the tab's own reads. */
  async getEntityRun(entity: EntityRefLike): Promise<EntityRunResponse> {
    return {
      entityRef: InMemoryServiceGuard.refOf(entity),
      run: this.runs.get(InMemoryServiceGuard.key(entity)) ?? null,
    };
  }

  /** The catalog-wide list: what the backend would answer for this user (already permission-filtered). */
  entities: EntityHealthSummary[] = [];
  listRequests: ListEntitiesOptions[] = [];

  listEntities(options: ListEntitiesOptions = {}): Promise<EntitiesHealthResponse> {
    this.listRequests.push(options);
    return this.#read(() => {
      const rank: EntityHealthState[] = ['unhealthy', 'degraded', 'no-data', 'not-analysed', 'healthy'];
      const refs = new Set(options.entityRef ?? []);
      const byRef = refs.size ? this.entities.filter((e) => refs.has(e.entityRef)) : this.entities;
      const owners = new Set(options.owner ?? []);
      const owned = owners.size ? byRef.filter((e) => e.owners.some((o) => owners.has(o))) : byRef;
      const counts = Object.fromEntries(rank.map((s) => [s, 0])) as Record<EntityHealthState, number>;
      for (const e of owned) counts[e.state]++;
      const states = new Set(options.state ?? []);
      const items = owned
        .filter((e) => states.size === 0 || states.has(e.state))
        .sort((a, b) => rank.indexOf(a.state) - rank.indexOf(b.state) || (a.score ?? -1) - (b.score ?? -1));
      const offset = options.offset ?? 0;
      // Signals only when asked for, as the backend answers.
      const page = items
        .slice(offset, offset + (options.limit ?? 100))
        .map(({ signals, ...e }) =>
          signals && options.include?.includes('signals') ? { ...e, signals } : e,
        );
      return {
        items: page,
        total: items.length,
        counts,
        owners: [...new Set(byRef.flatMap((e) => e.owners))].sort(),
        ...(offset + page.length < items.length ? { nextOffset: offset + page.length } : {}),
      };
    });
  }
}
