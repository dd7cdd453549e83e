/**
 * An in-memory Service Guard backend behind the `ServiceGuardApi` interface: it stores what the
 * components post, so tests check what was sent and what the page shows afterwards.
 */
import {
  type DeploymentVerification,
  type DeploymentVerificationInput,
  type EntityRefLike,
  entityPath,
  type FeedbackResponse,
  type HealthResponse,
  type LogClusterFeedback,
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
      if (!h) return { entityRef, current: null, history: [], freshness: null };
      return { ...h, history: h.history.slice(0, options.limit ?? 50) };
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
}
