/**
 * Run-now of one entity from the entity page: the request is recorded in `sg_runs` (queued), answered at
 * once, and analysed in the background by the same `ServiceGuardRunner.runEntity` the schedule's
 * single-entity path uses. While a run of an entity is queued or running (its replica renews a lease), a
 * second request from any replica joins it instead of starting another. Each replica analyses at most
 * `schedule.concurrency` run-now requests at a time; the others wait as `queued`.
 */
import { randomBytes } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EntityRun, HealthHistoryEntry } from '@vigil/backstage-plugin-service-guard-common';
import { AnalysisFailedError, type ServiceGuardRunner } from './runner.ts';
import type { ServiceGuardStore, StoredRun } from './store.ts';

export interface RunNowOptions {
  store: ServiceGuardStore;
  runner: ServiceGuardRunner;
  logger: LoggerService;
  /** Wall clock for leases and the run's times (epoch ms); default `Date.now`. */
  wallClock?: () => number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The API's view of a stored run, with the health of the analysed period once it is done. */
export function runView(run: StoredRun, health: HealthHistoryEntry | null): EntityRun {
  return {
    runId: run.runId,
    entityRef: run.entityRef,
    status: run.status,
    requestedBy: run.requestedBy,
    requestedAt: iso(run.requestedAt),
    ...(run.startedAt !== null ? { startedAt: iso(run.startedAt) } : {}),
    ...(run.finishedAt !== null ? { finishedAt: iso(run.finishedAt) } : {}),
    ...(run.status === 'done' && run.outcome ? { outcome: run.outcome } : {}),
    ...(run.status === 'done' && health ? { health } : {}),
    ...(run.status === 'failed' ? { error: run.error ?? 'the run failed' } : {}),
  };
}

export class RunNow {
  readonly #o: RunNowOptions;
  readonly #wall: () => number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  /** Runs of this replica still in flight (tests and shutdown wait for them). */
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: RunNowOptions) {
    this.#o = options;
    this.#wall = options.wallClock ?? Date.now;
  }

  /**
   * Starts a run of the entity (`ref` normalised, opted in) or joins the one in progress. `started` says
   * whether this request started it.
   */
  async request(
    ref: { ref: string; kind: string; namespace: string; name: string },
    requestedBy: string,
  ): Promise<{ run: StoredRun; started: boolean }> {
    const { leaseMs } = this.#o.runner.settings().schedule;
    const runId = randomBytes(12).toString('hex');
    const result = await this.#o.store.startRun(ref.ref, runId, requestedBy, this.#wall(), leaseMs);
    if (result.started) {
      const p = this.#execute(ref, runId, leaseMs).finally(() => this.#inFlight.delete(p));
      this.#inFlight.add(p);
    }
    return result;
  }

  /** The entity's latest run with the health of its period when it is done; null before the first. */
  async status(entityRef: string): Promise<EntityRun | null> {
    const run = await this.#o.store.run(entityRef, this.#wall());
    if (!run) return null;
    const health =
      run.status === 'done' && run.periodStart !== null
        ? ((await this.#o.store.periodEntry(entityRef, run.periodStart)) ?? null)
        : null;
    return runView(run, health);
  }

  /** Waits for this replica's runs in flight. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async #slot(): Promise<() => void> {
    const limit = Math.max(1, this.#o.runner.settings().schedule.concurrency);
    if (this.#active >= limit) await new Promise<void>((ok) => this.#waiting.push(ok));
    this.#active++;
    return () => {
      this.#active--;
      this.#waiting.shift()?.();
    };
  }

  async #execute(
    ref: { ref: string; kind: string; namespace: string; name: string },
    runId: string,
    leaseMs: number,
  ): Promise<void> {
    const { store, runner, logger } = this.#o;
    // Renew the lease while queued and running, so that other replicas see the run alive.
    const heartbeat = setInterval(
      () => {
        store
          .updateRun(ref.ref, runId, { leaseUntil: this.#wall() + leaseMs })
          .catch((e: Error) => logger.warn(`service-guard: run-now lease of ${ref.ref}: ${e.message}`));
      },
      Math.max(250, Math.floor(leaseMs / 3)),
    );
    heartbeat.unref();
    const release = await this.#slot();
    try {
      await store.updateRun(ref.ref, runId, {
        status: 'running',
        startedAt: this.#wall(),
        leaseUntil: this.#wall() + leaseMs,
      });
      const r = await runner.runEntity(ref);
      if (r.status === 'not-found') {
        throw new Error(`${ref.ref} is no longer in the catalog or has opted out of Service Guard`);
      }
      await store.updateRun(ref.ref, runId, {
        status: 'done',
        finishedAt: this.#wall(),
        leaseUntil: null,
        periodStart: Date.parse(r.snapshot.periodStart),
        outcome: r.status,
      });
    } catch (e) {
      const error =
        e instanceof AnalysisFailedError
          ? `the analysis failed: ${e.detail ?? 'see the backend log'}`
          : (e as Error).message;
      logger.warn(`service-guard: run-now of ${ref.ref} failed: ${(e as Error).message}`);
      await store
        .updateRun(ref.ref, runId, { status: 'failed', finishedAt: this.#wall(), leaseUntil: null, error })
        .catch((u: Error) => logger.error(`service-guard: recording the run of ${ref.ref}: ${u.message}`));
    } finally {
      clearInterval(heartbeat);
      release();
    }
  }
}
