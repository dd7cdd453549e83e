import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import {
  buildReport,
  type Clock,
  type FeedbackRule,
  loadSpec,
  parseDuration,
  parseFeedback,
  planVerification,
  type Progress,
  type Report,
  runVerification,
  secretsOfSpec,
  type Spec,
  type VerificationResult,
  virtualClock,
} from '@vigil/core';
import type { Provider, ProviderDeps } from '@vigil/providers';
import { type BaselineStore, FileBaselineStore } from './baselineStore.ts';
import { wallClock } from './clock.ts';
import { checkOutputFile, checkWritableDir, readInputFile, writeFileAtomic } from './files.ts';
import { checkRecordings, recordedRange } from './replayRange.ts';
import { catchUpClock, checkRetention } from './retrospective.ts';
import { type NotifyOptions, type NotifyResult, sendNotifications } from './notify.ts';
import { type ReportFiles, writeReports } from './reports.ts';
import { openSources } from './sources.ts';

export interface VerifyOptions {
  spec: Spec;
  /** Folder that relative paths in the spec resolve against. */
  specDir: string;
  /** Where report.json, report.md and report.html go; nothing is written when absent. */
  reportDir?: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Default: a virtual clock for specs whose providers are all replays (they run at once), else the wall clock. */
  clock?: Clock;
  /**
   * When the run is taken to start; default the replay's recorded start, else now. A time in the past makes a
   * retrospective run: the polls whose time has passed run at once (see retrospective.ts), and a window
   * older than a provider keeps data is refused (InputError).
   */
  startedAt?: number;
  /** Default: a file store in `strategy.baselineStore`, when set. */
  baselineStore?: BaselineStore;
  /** Report id; default a random UUID. */
  id?: string;
  links?: Report['links'];
  providerDeps?: ProviderDeps;
  /** Write everything the providers returned to this file, in the replay format (`vigil record`). */
  record?: string;
  /**
   * Send the spec's `notify` targets their notification once the reports are written (the report link
   * defaults to the HTML report written). Absent: nothing is sent (a replay of an old run stays quiet).
   */
  notify?: NotifyOptions;
}

export interface VerifyOutcome {
  result: VerificationResult;
  report: Report;
  files?: ReportFiles;
  /** Present when notifications were asked for: who was told, and a warning per target that was not. */
  notifications?: NotifyResult;
}

/**
 * Reads and validates a spec file; `${env:NAME}` comes from `env`. With `replay`, every provider is answered
 * from that recording and needs none of its variables (see LoadSpecOptions.replay).
 */
export async function loadSpecFile(
  path: string,
  env: Record<string, string | undefined>,
  replay?: string,
  vars?: Record<string, string>,
): Promise<Spec> {
  const text = await readInputFile(path, 'cannot read the spec');
  return loadSpec(text, {
    source: path,
    env,
    ...(replay !== undefined ? { replay } : {}),
    ...(vars !== undefined ? { vars } : {}),
  });
}

/** Runs one verification end to end: providers, engine, baseline store, reports. */
export async function verify(options: VerifyOptions): Promise<VerifyOutcome> {
  const { spec } = options;
  // Outputs are checked before the run, so a run is never spent to be lost at the end.
  if (options.reportDir) await checkWritableDir(options.reportDir, 'report folder');
  if (options.record) await checkOutputFile(options.record, 'recording');
  await checkRecordings(spec, options.specDir);
  // Every output of the run (progress, reports, recording) is scrubbed of every secret the spec holds.
  const secrets = secretsOfSpec(spec);
  const onProgress = options.onProgress;
  const sources = openSources(spec, {
    specDir: options.specDir,
    ...(options.providerDeps ? { deps: options.providerDeps } : {}),
    record: options.record !== undefined,
  });
  const markerErrors: { t: number; message: string }[] = [];
  try {
    const replayOnly = [...sources.providers.values()].every((p) => p.type === 'replay');
    const startedAt =
      options.startedAt ?? (replayOnly ? await replayStartOf(spec, options.specDir) : undefined);
    const past = !replayOnly && startedAt !== undefined && startedAt < Date.now();
    const clock =
      options.clock ??
      (replayOnly ? virtualClock(startedAt ?? Date.now()) : past ? catchUpClock(startedAt) : wallClock);
    const store =
      options.baselineStore ??
      (spec.strategy.baselineStore
        ? new FileBaselineStore(resolve(options.specDir, spec.strategy.baselineStore))
        : undefined);
    const usesStore = spec.strategy.type === 'previous' || spec.strategy.type === 'auto';
    const storedBaseline =
      store && usesStore ? await store.load(spec.service, spec.strategy.pinned) : undefined;
    // A run on a clock of the caller's (a test, a simulation) is not a retrospective run on the live providers.
    if (past && !options.clock)
      await checkRetention(
        spec,
        planVerification(spec, { startedAt, hasStoredBaseline: storedBaseline !== undefined }),
        sources.providers,
        Date.now(),
        options.signal,
      );
    const feedback = spec.logs?.feedback
      ? await loadFeedback(resolve(options.specDir, spec.logs.feedback))
      : [];
    const id = options.id ?? randomUUID();
    await mark(spec, sources.providers, 'started', undefined, markerErrors, clock.now());
    const result = await runVerification({
      spec,
      source: sources.source,
      clock,
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(storedBaseline ? { storedBaseline } : {}),
      feedback,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(onProgress
        ? { onProgress: (p: Progress) => onProgress({ ...p, message: secrets.scrub(p.message) }) }
        : {}),
    });
    if (store && result.judgment.verdict === 'pass' && result.status === 'completed') {
      await store.save(spec.service, {
        id,
        analysisStart: result.plan.analysisStart,
        metrics: Object.fromEntries(result.data.map((d) => [d.metric, d.canary])),
      });
    }
    const built = buildReport(result, {
      id,
      service: spec.service,
      ...(spec.environment ? { environment: spec.environment } : {}),
      ...(spec.version ? { version: spec.version } : {}),
      sensitivity: spec.sensitivity,
      judge: spec.policy.judge,
      usage: sources.usage(),
      ...(options.links ? { links: options.links } : {}),
    });
    const report = secrets.scrubDeep(built);
    await mark(
      spec,
      sources.providers,
      'ended',
      `${report.verdict} (score ${Math.round(report.score)}): ${report.reason}`,
      markerErrors,
      clock.now(),
    );
    report.errors.push(
      ...markerErrors.map((e) => ({ t: new Date(e.t).toISOString(), message: secrets.scrub(e.message) })),
    );
    const recording = sources.recording();
    if (options.record && recording) {
      // The recording says how much of its run it holds, so that a replay cannot pass on what it lacks.
      const coveredEnd = result.timeline.at(-1)?.t ?? result.plan.analysisStart;
      recording.completeness = {
        planned: { start: result.plan.analysisStart, end: result.plan.analysisEnd },
        covered: { start: result.plan.analysisStart, end: coveredEnd },
        status: result.status,
        cancelled: result.status === 'cancelled',
        fractionJudged: result.fractionJudged,
        ...(result.stopReason ? { stopReason: result.stopReason } : {}),
      };
      await writeFileAtomic(options.record, secrets.scrub(`${JSON.stringify(recording)}\n`));
    }
    const files = options.reportDir ? await writeReports(options.reportDir, report, secrets) : undefined;
    // After the reports, so that the notification can point at them; it never changes the run's outcome.
    const notifications =
      options.notify && spec.notify && spec.notify.length > 0
        ? await sendNotifications(spec, report, {
            ...options.notify,
            links: {
              ...(report.links?.run ? { run: report.links.run } : {}),
              ...(files ? { report: files.html } : {}),
              ...options.notify.links,
            },
            secrets,
          })
        : undefined;
    return { result, report, ...(files ? { files } : {}), ...(notifications ? { notifications } : {}) };
  } finally {
    await sources.close();
  }
}

/** Posts a deployment event on each provider named in `markers`; a failure is reported, never fatal. */
async function mark(
  spec: Spec,
  providers: Map<string, Provider>,
  phase: 'started' | 'ended',
  verdict: string | undefined,
  errors: { t: number; message: string }[],
  t: number,
): Promise<void> {
  for (const name of spec.markers ?? []) {
    const provider = providers.get(name);
    if (!provider?.markDeployment) {
      errors.push({
        t,
        message: `markers: provider "${name}" (${provider?.type ?? 'unknown'}) cannot record deployment events`,
      });
      continue;
    }
    try {
      await provider.markDeployment({
        service: spec.service,
        env: spec.environment ?? '',
        version: spec.version ?? '',
        title: `Vigil: ${spec.service} ${spec.version ?? ''} verification ${phase}`.replace(/\s+/g, ' '),
        text:
          phase === 'started'
            ? `Verification of ${spec.service} started (${spec.duration} every ${spec.interval}).`
            : 'Verification ended.',
        ...(verdict ? { verdict } : {}),
      });
    } catch (e) {
      errors.push({ t, message: `markers: ${name}: ${(e as Error).message}` });
    }
  }
}

/** The spec's `logs.feedback` file: one missing, unreadable or malformed is a user error naming it (exit 3). */
async function loadFeedback(path: string): Promise<FeedbackRule[]> {
  return parseFeedback(await readInputFile(path, 'logs.feedback'), path);
}

/**
 * Where a replayed run starts: at the first recorded canary point, less the initial delay, so that the replay
 * judges exactly the windows the recording covered.
 */
async function replayStartOf(spec: Spec, specDir: string): Promise<number | undefined> {
  const range = await recordedRange(spec, specDir);
  return range ? range.firstCanary - parseDuration(spec.initialDelay) : undefined;
}
