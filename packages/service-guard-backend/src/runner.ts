/**
 * Runs of Service Guard: a shard run analyses every opted-in entity of its shard for the last complete
 * period, skipping those already stored. Each run re-reads the config and creates its providers afresh, so
 * rotated credentials are used from the next run on.
 */
import type { AuthService, LoggerService, RootConfigService } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_SERVICE_GUARD, type HealthSnapshot } from '@vigil/backstage-plugin-service-guard-common';
import { createProvider, type Provider } from '@vigil/providers';
import { analyseEntity, noDataSnapshot, type Period } from './analyse.ts';
import { readServiceGuardConfig, type ServiceGuardSettings } from './config.ts';
import { entityTarget } from './entityTargets.ts';
import { lastCompletePeriod, shardOf } from './shards.ts';
import type { ServiceGuardStore } from './store.ts';

/** What happened to one entity in a run. */
export type EntityOutcome = 'written' | 'duplicate' | 'skipped' | 'failed';

/** Hooks for tests and metrics. */
export interface RunObserver {
  /** Called once per entity of a run, after its outcome is known. */
  entity?(entityRef: string, period: Period, outcome: EntityOutcome): void;
}

export interface RunStats {
  period: Period;
  entities: number;
  written: number;
  duplicate: number;
  skipped: number;
  failed: number;
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

export class ServiceGuardRunner {
  readonly #o: RunnerOptions;
  readonly #clock: () => number;
  readonly #providers = new ProviderCache();

  constructor(options: RunnerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
  }

  /** Closes the providers (backend shutdown). */
  async close(): Promise<void> {
    await this.#providers.close();
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
  ): Promise<{ entityRef: string; outcome: EntityOutcome }> {
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
      return { entityRef, outcome: await store.writeAnalysis(record, now) };
    } catch (e) {
      this.#o.logger.error(`service-guard: analysis of ${entityRef} failed: ${(e as Error).message}`);
      return { entityRef, outcome: 'failed' };
    }
  }

  /**
   * Analyses the entities of shard `shard` of `shards` (all of them when `shard` is undefined) for the last
   * complete period. The shard count is the one the tasks were scheduled with.
   */
  async runShard(shard: number | undefined, shards = 1, signal?: AbortSignal): Promise<RunStats> {
    const settings = this.settings();
    const period = lastCompletePeriod(this.#clock(), settings.schedule.periodMs);
    const mine = (await this.#entities())
      .map((entity) => ({ entity, ref: stringifyEntityRef(entity).toLocaleLowerCase('en-US') }))
      .filter((e) => shard === undefined || shardOf(e.ref, shards) === shard);
    // One query for the whole shard: on most runs of a period everything is done already.
    const done = await this.#o.store.analysed(
      period.start,
      mine.map((e) => e.ref),
    );
    const entities = mine.filter((e) => !done.has(e.ref)).map((e) => e.entity);
    const stats: RunStats = {
      period,
      entities: mine.length,
      written: 0,
      duplicate: 0,
      skipped: done.size,
      failed: 0,
    };
    for (const e of mine) if (done.has(e.ref)) this.#o.observer?.entity?.(e.ref, period, 'skipped');
    let next = 0;
    const worker = async () => {
      while (next < entities.length && !signal?.aborted) {
        const entity = entities[next++]!;
        const { entityRef, outcome } = await this.#analyse(entity, settings, period, signal);
        stats[outcome]++;
        this.#o.observer?.entity?.(entityRef, period, outcome);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(settings.schedule.concurrency, entities.length) }, worker),
    );
    const busy = stats.written + stats.duplicate + stats.failed > 0;
    this.#o.logger[busy ? 'info' : 'debug'](
      `service-guard: shard ${shard ?? 'all'} period ${new Date(period.start).toISOString()}: ` +
        `${stats.written} analysed, ${stats.skipped} already done, ${stats.duplicate} raced, ${stats.failed} failed of ${stats.entities}`,
    );
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
    const { entityRef: ref, outcome } = await this.#analyse(entity, settings, period);
    this.#o.observer?.entity?.(ref, period, outcome);
    if (outcome === 'failed') throw new Error(`the analysis of ${ref} failed; see the backend log`);
    const snapshot = await this.#o.store.snapshot(ref, period.start);
    if (!snapshot) throw new Error(`the analysis of ${ref} was not stored`);
    return { status: outcome === 'written' ? 'analysed' : 'already-analysed', snapshot };
  }
}
