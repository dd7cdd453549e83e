/**
 * Runs of Service Guard. Every replica runs `shards` worker tasks; each worker claims opted-in entities one
 * at a time from the shared schedule table (least recently analysed first, a lease per claim), analyses
 * them for the last complete period and releases them. Replicas therefore share the work whatever the
 * scheduler does, a run that times out leaves the rest at the head of the queue for the next one, and
 * entities the runs could not reach in a period are reported as late. Each run re-reads the config and
 * creates its providers afresh, so rotated credentials are used from the next run on.
 */
import { randomBytes } from 'node:crypto';
import type { AuthService, LoggerService, RootConfigService } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_SERVICE_GUARD, type HealthSnapshot } from '@vigil/backstage-plugin-service-guard-common';
import { createProvider, type Provider } from '@vigil/providers';
import { analyseEntity, noDataSnapshot, type Period } from './analyse.ts';
import { readServiceGuardConfig, type ServiceGuardSettings } from './config.ts';
import { entityTarget } from './entityTargets.ts';
import type { HealthNotifier } from './healthNotifications.ts';
import { lastCompletePeriod } from './shards.ts';
import type { ServiceGuardStore } from './store.ts';
/**
 * An analysis that failed. The message stays generic (an HTTP error body may show it); `detail` has the
 * provider's or the pipeline's words, for callers that scrub secrets before showing them.
 */
export class AnalysisFailedError extends Error {
  override name = 'AnalysisFailedError';
  readonly detail: string | undefined;
  constructor(entityRef: string, detail: string | undefined) {
    super(`the analysis of ${entityRef} failed; see the backend log`);
    this.detail = detail;
  }
}

/** What happened to one entity in a run. */
export type EntityOutcome = 'written' | 'duplicate' | 'skipped' | 'failed';

/** Hooks for tests and metrics. */
export interface RunObserver {
  /** Called once per entity of a run, after its outcome is known. */
  entity?(entityRef: string, period: Period, outcome: EntityOutcome): void;
}

export interface RunStats {
  period: Period;
  /** Opted-in entities in the catalog. */
  entities: number;
  written: number;
  duplicate: number;
  skipped: number;
  failed: number;
  /** Entities still without an analysis of the period when this run ended (others may be on them). */
  pending: number;
  /** How far the least recently analysed entity lags behind the period (ms; 0 when none lags). */
  maxLagMs: number;
}

export interface RunnerOptions {
  store: ServiceGuardStore;
  catalog: CatalogService;
  auth: AuthService;
  config: RootConfigService;
  logger: LoggerService;
  /** Epoch ms; default `Date.now`. */
  clock?: () => number;
  observer?: RunObserver;
  /** Tells owners of health transitions, after each snapshot this replica writes. */
  notifier?: HealthNotifier;
}

/** How long a provider replaced by a config change stays open for runs still using it. */
const RETIRE_AFTER_MS = 10 * 60_000;

/**
 * Providers by app-config name, kept across runs (warm connection pools, a replay file parsed once) and
 * replaced as soon as their config changes: a rotated credential is used from the next analysis on.
 */
class ProviderCache {
  readonly #made = new Map<string, { key: string; provider: Provider }>();

  get(settings: ServiceGuardSettings, name: string): Provider {
    const config = settings.providers.get(name);
    if (!config) throw new Error(`provider "${name}" is not configured in serviceGuard.providers`);
    const key = JSON.stringify(config);
    const cached = this.#made.get(name);
    if (cached?.key === key) return cached.provider;
    if (cached) {
      // Runs that started with the old config may still be using it.
      setTimeout(() => void cached.provider.close().catch(() => {}), RETIRE_AFTER_MS).unref();
    }
    const provider = createProvider(config);
    this.#made.set(name, { key, provider });
    return provider;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#made.values()].map((p) => p.provider.close()));
    this.#made.clear();
  }
}

const FIELDS = ['kind', 'metadata.name', 'metadata.namespace', 'metadata.annotations'];

/** How long one catalog read of the opted-in entities is shared by the workers of a replica (wall clock). */
const CATALOG_TTL_MS = 30_000;

/** Wait between looks at entities another replica holds, while it may still release them. */
const POLL_MS = 1_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

export class ServiceGuardRunner {
  readonly #o: RunnerOptions;
  readonly #clock: () => number;
  readonly #providers = new ProviderCache();
  /** This process among the replicas: the owner written on its claims. */
  readonly replicaId = `${process.pid}-${randomBytes(6).toString('hex')}`;
  #catalog: { at: number; entities: Promise<Map<string, Entity>> } | undefined;
  /** Entities this replica is analysing now, whose leases the heartbeat renews. */
  readonly #held = new Set<string>();
  #heartbeat: NodeJS.Timeout | undefined;
  #period: { at: number; ms: number } | undefined;

  constructor(options: RunnerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
  }

  /** Closes the providers (backend shutdown). */
  async close(): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    await this.#providers.close();
  }

  /**
   * Where an entity stands against the schedule: the last complete period, and by how much its latest
   * analysis (period start, epoch ms; null before the first) lags behind more than the one period a run may
   * still be working on.
   */
  freshness(lastPeriodStart: number | null): { expectedPeriodStart: string; lateByMs: number | null } {
    // Read on every health request: the period length is re-read from the config at most once a second.
    const wall = Date.now();
    if (!this.#period || wall - this.#period.at > 1_000) {
      this.#period = { at: wall, ms: this.settings().schedule.periodMs };
    }
    const periodMs = this.#period.ms;
    const expected = lastCompletePeriod(this.#clock(), periodMs).start;
    return {
      expectedPeriodStart: new Date(expected).toISOString(),
      lateByMs: lastPeriodStart === null ? null : Math.max(0, expected - periodMs - lastPeriodStart),
    };
  }

  /**
   * The opted-in entities by ref, read once per `CATALOG_TTL_MS` for all workers of this replica (fields
   * limited to what a run needs), and the schedule table brought in line with them.
   */
  async #optedIn(): Promise<Map<string, Entity>> {
    const now = Date.now();
    if (!this.#catalog || now - this.#catalog.at > CATALOG_TTL_MS) {
      const entities = (async () => {
        const list = await this.#entities();
        const byRef = new Map(list.map((e) => [stringifyEntityRef(e).toLocaleLowerCase('en-US'), e]));
        await this.#o.store.syncSchedule([...byRef.keys()]);
        return byRef;
      })();
      this.#catalog = { at: now, entities };
      entities.catch(() => {
        if (this.#catalog?.entities === entities) this.#catalog = undefined;
      });
    }
    return this.#catalog.entities;
  }

  #hold(ref: string, leaseMs: number): void {
    this.#held.add(ref);
    if (this.#heartbeat) return;
    // Renew the leases of everything held a few times per lease, so that only a dead replica loses them.
    this.#heartbeat = setInterval(
      () => {
        if (this.#held.size === 0) return;
        this.#o.store
          .renewClaims(this.replicaId, [...this.#held], Date.now() + leaseMs)
          .catch((e: Error) => this.#o.logger.warn(`service-guard: renewing claims failed: ${e.message}`));
      },
      Math.max(250, Math.floor(leaseMs / 3)),
    );
    this.#heartbeat.unref();
  }

  /** Current settings; throws a `ServiceGuardConfigError` naming the key when the config is wrong. */
  settings(): ServiceGuardSettings {
    return readServiceGuardConfig(this.#o.config);
  }

  async #entities(filter?: Record<string, string>): Promise<Entity[]> {
    const credentials = await this.#o.auth.getOwnServiceCredentials();
    const { items } = await this.#o.catalog.getEntities(
      {
        filter: { [`metadata.annotations.${ANNOTATION_SERVICE_GUARD}`]: CATALOG_FILTER_EXISTS, ...filter },
        fields: FIELDS,
      },
      { credentials },
    );
    return items.filter((e) => e.metadata.annotations?.[ANNOTATION_SERVICE_GUARD] !== undefined);
  }

  async #analyse(
    entity: Entity,
    settings: ServiceGuardSettings,
    period: Period,
    signal?: AbortSignal,
  ): Promise<{ entityRef: string; outcome: EntityOutcome; error?: string }> {
    const { store } = this.#o;
    const target = entityTarget(entity, settings.profiles, (n) => settings.providers.get(n)?.type);
    const entityRef = target.entityRef;
    try {
      if (await store.hasSnapshot(entityRef, period.start)) return { entityRef, outcome: 'skipped' };
      const now = this.#clock();
      let record: Awaited<ReturnType<typeof analyseEntity>>;
      if (target.ok) {
        const [detectors, feedback] = await Promise.all([
          store.detectors(entityRef),
          store.feedback(entityRef),
        ]);
        record = await analyseEntity(target, {
          period,
          historyMs: settings.schedule.historyMs,
          provider: (n) => this.#providers.get(settings, n),
          detectors,
          feedback,
          now,
          ...(signal ? { signal } : {}),
        });
      } else {
        this.#o.logger.warn(`service-guard: ${entityRef}: ${target.reason}`);
        record = noDataSnapshot(target, period, now);
      }
      // Cut short by the run's timeout: its gaps are the timeout's, not the data's; nothing is stored and the
      // entity stays at the head of the queue.
      if (signal?.aborted) return { entityRef, outcome: 'failed' };
      const outcome = await store.writeAnalysis(record, now);
      // Only the replica that wrote the period tells the owners (a duplicate was told by the writer).
      if (outcome === 'written' && this.#o.notifier) await this.#o.notifier.onSnapshot(record.snapshot, now);
      return { entityRef, outcome };
    } catch (e) {
      this.#o.logger.error(`service-guard: analysis of ${entityRef} failed: ${(e as Error).message}`);
      return { entityRef, outcome: 'failed', error: (e as Error).message };
    }
  }

  /**
   * One worker run: claims entities not yet analysed for the last complete period, least recently analysed
   * first, and analyses them with `concurrency` lanes until none is left or `signal` aborts (the task's
   * timeout). Entities another replica holds are waited for while their leases may still be released.
   */
  async runWorker(signal?: AbortSignal): Promise<RunStats> {
    const settings = this.settings();
    const { periodMs, concurrency, leaseMs } = settings.schedule;
    const period = lastCompletePeriod(this.#clock(), periodMs);
    const entities = await this.#optedIn();
    const { store } = this.#o;
    const stats: RunStats = {
      period,
      entities: entities.size,
      written: 0,
      duplicate: 0,
      skipped: 0,
      failed: 0,
      pending: 0,
      maxLagMs: 0,
    };
    const lane = async () => {
      while (!signal?.aborted) {
        const [ref] = await store.claim(this.replicaId, period.start, 1, Date.now(), leaseMs);
        if (ref === undefined) {
          if (!(await store.heldElsewhere(this.replicaId, period.start, Date.now()))) return;
          await sleep(POLL_MS, signal);
          continue;
        }
        this.#hold(ref, leaseMs);
        let outcome: EntityOutcome = 'skipped';
        try {
          const entity = entities.get(ref);
          // Gone from the catalog since the last read: nothing to analyse; the next sync drops its row.
          if (entity) outcome = (await this.#analyse(entity, settings, period, signal)).outcome;
        } finally {
          this.#held.delete(ref);
          // A failed analysis counts as the period's attempt too: it is logged, and retried next period
          // instead of over and over within this one. One cut short by the timeout does not count.
          await store.release(this.replicaId, ref, signal?.aborted ? null : period.start);
        }
        stats[outcome]++;
        this.#o.observer?.entity?.(ref, period, outcome);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    const backlog = await store.backlog(period.start);
    stats.pending = backlog.pending;
    stats.maxLagMs = backlog.oldest === null ? 0 : period.start - backlog.oldest;
    const busy = stats.written + stats.duplicate + stats.failed > 0;
    const summary =
      `service-guard: period ${new Date(period.start).toISOString()}: ${stats.written} analysed, ` +
      `${stats.skipped} already done, ${stats.duplicate} raced, ${stats.failed} failed by replica ${this.replicaId}`;
    if (signal?.aborted && stats.pending > 0) {
      this.#o.logger.warn(
        `${summary}; the run timed out with ${stats.pending} of ${stats.entities} entities not analysed for ` +
          `this period, the most overdue last analysed ${Math.round(stats.maxLagMs / 60_000)} min before it; ` +
          'the next run starts with them (raise schedule.timeout, concurrency or the number of replicas)',
      );
    } else {
      this.#o.logger[busy ? 'info' : 'debug'](summary);
    }
    return stats;
  }

  /**
   * Analyses one entity now for the last complete period. `not-found` when the entity does not exist or
   * has not opted in.
   */
  async runEntity(entityRef: {
    kind: string;
    namespace: string;
    name: string;
  }): Promise<
    { status: 'not-found' } | { status: 'analysed' | 'already-analysed'; snapshot: HealthSnapshot }
  > {
    const settings = this.settings();
    const period = lastCompletePeriod(this.#clock(), settings.schedule.periodMs);
    const [entity] = await this.#entities({
      kind: entityRef.kind,
      'metadata.namespace': entityRef.namespace,
      'metadata.name': entityRef.name,
    });
    if (!entity) return { status: 'not-found' };
    const { entityRef: ref, outcome, error } = await this.#analyse(entity, settings, period);
    if (outcome !== 'failed') await this.#o.store.markAnalysed(ref, period.start);
    this.#o.observer?.entity?.(ref, period, outcome);
    if (outcome === 'failed') throw new AnalysisFailedError(ref, error);
    const snapshot = await this.#o.store.snapshot(ref, period.start);
    if (!snapshot) throw new Error(`the analysis of ${ref} was not stored`);
    return { status: outcome === 'written' ? 'analysed' : 'already-analysed', snapshot };
  }
}
