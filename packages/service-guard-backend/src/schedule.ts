/**
 * The worker tasks of this replica: `schedule.shards` local tasks on `schedule.frequency`, rescheduled when
 * the config changes (no restart): the old tasks are aborted (a run in progress stops and its entities go
 * back to the queue) and new ones start with the new count, frequency and timeout. Which replica analyses
 * what is decided by the claims in the database, not by the scheduler, so every replica runs the same tasks.
 */
import type { LoggerService, RootConfigService, SchedulerService } from '@backstage/backend-plugin-api';
import type { ServiceGuardRunner } from './runner.ts';
import { workerTaskId } from './shards.ts';

export class WorkerSchedule {
  readonly #scheduler: SchedulerService;
  readonly #runner: ServiceGuardRunner;
  readonly #logger: LoggerService;
  #key: string | undefined;
  #controller: AbortController | undefined;
  #ids: string[] = [];
  #applying: Promise<void> = Promise.resolve();

  constructor(o: { scheduler: SchedulerService; runner: ServiceGuardRunner; logger: LoggerService }) {
    this.#scheduler = o.scheduler;
    this.#runner = o.runner;
    this.#logger = o.logger;
  }

  /** Schedules the tasks now (a broken config throws, naming the key) and follows config changes. */
  async start(config: RootConfigService): Promise<void> {
    await this.#apply();
    config.subscribe?.(() => {
      this.#applying = this.#applying.then(() =>
        this.#apply().catch((e: Error) =>
          this.#logger.error(`service-guard: the new schedule is not applied: ${e.message}`),
        ),
      );
    });
  }

  /** Waits for a reschedule triggered by a config change (tests). */
  settled(): Promise<void> {
    return this.#applying;
  }

  /** Task ids of the current worker tasks. */
  taskIds(): string[] {
    return [...this.#ids];
  }

  /** Starts every worker task of this replica now; a task running already picks the period up anyway. */
  async triggerAll(): Promise<string[]> {
    const started: string[] = [];
    for (const id of this.#ids) {
      try {
        await this.#scheduler.triggerTask(id);
        started.push(id);
      } catch (e) {
        if ((e as Error).name !== 'ConflictError') throw e;
      }
    }
    return started;
  }

  stop(): void {
    this.#controller?.abort();
  }

  async #apply(): Promise<void> {
    const { shards, definition } = this.#runner.settings().schedule;
    const key = JSON.stringify({ shards, definition });
    if (key === this.#key) return;
    const previous = this.#key;
    this.#controller?.abort();
    const controller = new AbortController();
    const ids: string[] = [];
    for (let i = 0; i < shards; i++) {
      const id = workerTaskId(i);
      await this.#scheduler.scheduleTask({
        id,
        ...definition,
        scope: 'local',
        signal: controller.signal,
        fn: async (signal) => {
          await this.#runner.runWorker(signal);
        },
      });
      ids.push(id);
    }
    this.#key = key;
    this.#controller = controller;
    this.#ids = ids;
    if (previous !== undefined) {
      this.#logger.info(`service-guard: schedule changed, now ${shards} worker task(s): ${key}`);
    }
  }
}
