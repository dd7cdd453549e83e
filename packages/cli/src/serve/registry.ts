/**
 * The verifications of one `vigil serve` process: started (or joined) by requests, each run by the same
 * `verify` as `vigil verify`, kept until `limits.retention` after they end. A request with the identity of a
 * kept verification (spec, variables, key, window) joins it instead of starting another, so that a deploy tool
 * that asks every interval sees one verification. State lives in this process only.
 */
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import {
  endedState,
  formatDuration,
  identityOf,
  loadSpec,
  type Progress,
  type Report,
  RequestError,
  type ServeConfig,
  type Spec,
  type StartRequest,
  secretsOfSpec,
  type VerificationState,
} from '@vigil/core';
import { parseTimeArg, retrospectiveWindow, verify } from '@vigil/runtime';

/** One verification and what is known about it so far. */
interface Entry {
  id: string;
  identity: string;
  request: StartRequest;
  startedAt: number;
  finishedAt?: number;
  progress?: Progress;
  report?: Report;
  error?: string;
  controller: AbortController;
  /** Settles when the verification has ended (never rejects). */
  done: Promise<void>;
}

export interface RegistryOptions {
  config: ServeConfig;
  /** Spec file texts by spec name, read at start-up, and the path each was read from. */
  specs: Map<string, { text: string; path: string }>;
  env: Record<string, string | undefined>;
  /** Every line the registry logs (starts, ends), already free of secrets. */
  log: (line: string) => void;
  /** Registers the secrets of each spec as it is loaded, so that no output shows them. */
  onSecrets: (values: string[]) => void;
}

export class Registry {
  private readonly entries = new Map<string, Entry>();
  private readonly byIdentity = new Map<string, string>();
  private closing: Error | undefined;
  private readonly options: RegistryOptions;

  constructor(options: RegistryOptions) {
    this.options = options;
  }

  /**
   * The verification a request names: the kept one with its identity, or a new one. Throws a RequestError:
   * 400 for a spec or window the request made invalid, 429 at the concurrency limit, 503 while shutting down.
   */
  startOrJoin(request: StartRequest): { state: VerificationState; created: boolean; id: string } {
    this.expire();
    const identity = identityOf(request);
    const existing = this.byIdentity.get(identity);
    if (existing !== undefined) return { state: this.state(existing)!, created: false, id: existing };
    if (this.closing) throw new RequestError(503, 'the server is shutting down; ask the next instance');
    const running = [...this.entries.values()].filter((e) => e.finishedAt === undefined).length;
    if (running >= this.options.config.limits.maxConcurrent)
      throw new RequestError(
        429,
        `${running} verifications are running, the most this server runs at once (limits.maxConcurrent); retry later`,
      );
    const { spec, startedAt, specDir } = this.prepare(request);
    const id = randomUUID();
    const controller = new AbortController();
    const entry: Entry = {
      id,
      identity,
      request,
      startedAt: Date.now(),
      controller,
      done: Promise.resolve(),
    };
    const limit = this.options.config.limits.timeoutMs;
    const timer = setTimeout(
      () =>
        controller.abort(
          new Error(`timed out: it ran longer than limits.timeout (${formatDuration(limit)})`),
        ),
      limit,
    );
    const secrets = secretsOfSpec(spec);
    entry.done = verify({
      spec,
      specDir,
      id,
      signal: controller.signal,
      ...(startedAt !== undefined ? { startedAt } : {}),
      onProgress: (p) => {
        entry.progress = p;
      },
    })
      .then(({ report }) => {
        entry.report = report;
      })
      .catch((e: unknown) => {
        entry.error = secrets.scrub((e as Error).message ?? String(e));
      })
      .finally(() => {
        clearTimeout(timer);
        entry.finishedAt = Date.now();
        const s = this.state(id)!;
        this.options.log(
          `verification ${id} (${request.spec}${request.key ? ` ${request.key}` : ''}) ended ${s.phase}: ${s.outcome}${s.score !== null ? ` (score ${s.score})` : ''}`,
        );
      });
    this.entries.set(id, entry);
    this.byIdentity.set(identity, id);
    this.options.log(`verification ${id} (${request.spec}${request.key ? ` ${request.key}` : ''}) started`);
    return { state: this.state(id)!, created: true, id };
  }

  /** The state of a verification, or undefined when this server does not know it (or no longer). */
  state(id: string): VerificationState | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    const ended =
      e.finishedAt === undefined
        ? undefined
        : endedState(e.report ? { report: e.report } : { error: e.error ?? 'ended without a report' });
    const p = e.progress;
    return {
      id,
      spec: e.request.spec,
      key: e.request.key,
      vars: e.request.vars,
      phase: ended?.phase ?? 'running',
      done: ended?.done ?? false,
      outcome: ended?.outcome ?? null,
      passed: ended?.passed ?? false,
      failed: ended?.failed ?? false,
      inconclusive: ended?.inconclusive ?? false,
      verdict: e.report?.verdict ?? null,
      score: e.report ? Math.round(e.report.score) : null,
      reason:
        e.report?.reason ??
        (e.error !== undefined ? `could not verify: ${e.error}` : (p?.message ?? 'starting')),
      progress:
        ended || !p
          ? null
          : { poll: p.poll, polls: p.polls, remainingSeconds: Math.round(p.remaining / 1000) },
      fractionJudged: e.report?.window.fractionJudged ?? null,
      startedAt: new Date(e.startedAt).toISOString(),
      finishedAt: e.finishedAt !== undefined ? new Date(e.finishedAt).toISOString() : null,
      links: { self: `/v1/verifications/${id}`, report: `/v1/verifications/${id}/report` },
    };
  }

  /** The report of an ended verification. */
  report(id: string): Report | undefined {
    return this.entries.get(id)?.report;
  }

  /** Resolves when the verification has ended or `ms` have passed, whichever is first. */
  async wait(id: string, ms: number): Promise<void> {
    const e = this.entries.get(id);
    if (!e || e.finishedAt !== undefined || ms <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([e.done, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  }

  /**
   * Cancels a verification if it runs (it ends `cancelled`) and forgets it, so that the next request with its
   * identity starts a new one (a retried rollout of the same revision). Its final state, or undefined.
   */
  async forget(id: string): Promise<VerificationState | undefined> {
    const e = this.entries.get(id);
    if (!e) return undefined;
    if (e.finishedAt === undefined) e.controller.abort(new Error('cancelled by a DELETE request'));
    await e.done;
    const state = this.state(id);
    this.entries.delete(id);
    if (this.byIdentity.get(e.identity) === id) this.byIdentity.delete(e.identity);
    return state;
  }

  /** Cancels every running verification (each ends `cancelled`, never passed) and waits for them to end. */
  async close(reason: Error): Promise<void> {
    this.closing = reason;
    const running = [...this.entries.values()].filter((e) => e.finishedAt === undefined);
    for (const e of running) e.controller.abort(reason);
    await Promise.all(running.map((e) => e.done));
  }

  /** The spec a request runs: its file with the request's variables, and its window when it gave one. */
  private prepare(request: StartRequest): { spec: Spec; startedAt?: number; specDir: string } {
    const file = this.options.specs.get(request.spec)!;
    let spec: Spec;
    try {
      // Named by its config name: the server's file paths are none of the caller's business.
      spec = loadSpec(file.text, {
        source: `spec "${request.spec}"`,
        env: this.options.env,
        vars: request.vars,
      });
    } catch (e) {
      // The spec loaded at start-up with stand-in values, so this is the request's values (a bad pattern...).
      throw new RequestError(400, (e as Error).message, 'vars');
    }
    this.options.onSecrets(secretsOfSpec(spec).values());
    const specDir = dirname(file.path);
    if (request.start === undefined && request.end === undefined) return { spec, specDir };
    if (request.start === undefined)
      throw new RequestError(400, 'needs start (when the deployment to verify happened)', 'end');
    const now = Date.now();
    try {
      const window = {
        start: parseTimeArg(request.start, now, 'start'),
        ...(request.end !== undefined ? { end: parseTimeArg(request.end, now, 'end') } : {}),
      };
      const r = retrospectiveWindow(spec, window, now);
      return { spec: r.spec, ...(r.startedAt !== undefined ? { startedAt: r.startedAt } : {}), specDir };
    } catch (e) {
      const message = (e as Error).message.replaceAll('--start', 'start').replaceAll('--end', 'end');
      throw new RequestError(400, message, /^end\b/.test(message) ? 'end' : 'start');
    }
  }

  /** Forgets verifications that ended longer than `limits.retention` ago, and the oldest beyond `maxKept`. */
  private expire(): void {
    const { retentionMs, maxKept } = this.options.config.limits;
    const now = Date.now();
    const ended = [...this.entries.values()]
      .filter((e) => e.finishedAt !== undefined)
      .sort((a, b) => a.finishedAt! - b.finishedAt!);
    ended.forEach((e, i) => {
      if (now - e.finishedAt! > retentionMs || ended.length - i > maxKept) {
        this.entries.delete(e.id);
        this.byIdentity.delete(e.identity);
      }
    });
  }
}
