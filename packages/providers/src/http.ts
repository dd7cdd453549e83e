/**
 * The HTTP behaviour every network provider shares: per-attempt timeouts, retries with exponential backoff
 * and jitter (honouring Retry-After and X-RateLimit-Reset), an overall time budget, a concurrency limit,
 * request accounting, error classification and redaction. Adapters only build requests and read bodies.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { HttpOptions, TlsConfig } from './config.ts';
import { ProviderError, type ProviderErrorKind } from './errors.ts';
import type { ProviderDeps, ProviderType, ProviderUsage } from './provider.ts';
import { redact } from './redact.ts';

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path appended to the base URL (may hold its own query string), or an absolute URL. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON unless a string. */
  body?: unknown;
  /** What the request is for, in errors: e.g. `query_range of "errors"`. */
  what: string;
  /**
   * False for requests with side effects (creating an event): they are retried only when the server
   * certainly did not process them (429, connection refused). Default true.
   */
  idempotent?: boolean;
  /** Overrides the client's retries for this request: a lookup whose failure is harmless gives up sooner. */
  retries?: number;
  /**
   * The answer is not JSON (a webhook answers "ok" or nothing): a 2xx body is returned as its text, never
   * parsed, so a non-JSON answer is a success instead of a malformed response. Default false.
   */
  text?: boolean;
  signal?: AbortSignal | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON body; null for an empty body; the text for a `text` request. */
  body: unknown;
}

/** How an adapter reads the vendor's error bodies. */
export interface ErrorReader {
  /** A short vendor message from an error body (e.g. Prometheus `error`, Datadog `errors[0]`). */
  message?(status: number, body: unknown, text: string): string | undefined;
  /** Overrides the status-based classification. */
  classify?(status: number, body: unknown): ProviderErrorKind | undefined;
}

export interface HttpClientOptions {
  provider: string;
  type: ProviderType;
  baseUrl: string;
  headers?: Record<string, string>;
  secrets: string[];
  http?: HttpOptions;
  tls?: TlsConfig;
  deps?: ProviderDeps;
  errors?: ErrorReader;
}

export const httpDefaults: Required<HttpOptions> = {
  timeoutMs: 30_000,
  budgetMs: 120_000,
  retries: 5,
  backoffMs: 500,
  maxBackoffMs: 30_000,
  concurrency: 4,
};

/** Counts waiters and in-flight requests; FIFO so a busy provider stays fair. */
class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = Math.max(1, n);
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

interface AttemptFailure {
  error: ProviderError;
  retryable: boolean;
  /** Wait the server asked for, ms. */
  waitMs?: number;
}

const retryableNetworkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Codes after which the server cannot have processed the request. */
const notProcessedCodes = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN']);

export class HttpClient {
  readonly provider: string;
  private readonly type: ProviderType;
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly secrets: string[];
  private readonly opts: Required<HttpOptions>;
  private readonly deps: Required<ProviderDeps>;
  private readonly errors: ErrorReader;
  private readonly agent: Agent;
  private readonly limit: Semaphore;
  private readonly counts = { requests: 0, calls: 0, retries: 0, rateLimited: 0, failures: 0, bytes: 0 };

  constructor(o: HttpClientOptions) {
    this.provider = o.provider;
    this.type = o.type;
    this.baseUrl = o.baseUrl.replace(/\/+$/, '');
    this.headers = o.headers ?? {};
    this.secrets = o.secrets;
    this.opts = { ...httpDefaults, ...definedOnly(o.http ?? {}) };
    this.deps = {
      now: o.deps?.now ?? Date.now,
      sleep: o.deps?.sleep ?? ((ms, signal) => delay(ms, undefined, { signal })),
      random: o.deps?.random ?? Math.random,
      log: o.deps?.log ?? (() => {}),
    };
    this.errors = o.errors ?? {};
    this.limit = new Semaphore(this.opts.concurrency);
    let protocol = '';
    try {
      protocol = new URL(this.baseUrl).protocol;
    } catch {}
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw new ProviderError('bad-query', o.provider, `the URL "${this.redact(o.baseUrl)}" is not valid`, {
        hint: 'set url/baseUrl to an absolute http(s) URL such as http://prometheus:9090',
      });
    }
    this.agent = new Agent({ connect: tlsConnectOptions(o.tls, o.provider) });
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }

  usage(): ProviderUsage {
    return { provider: this.provider, type: this.type, ...this.counts };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Sends a request with retries; resolves with a 2xx response or throws a classified ProviderError. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    this.counts.requests++;
    const deadline = this.deps.now() + this.opts.budgetMs;
    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - this.deps.now();
      const result = await this.attempt(req, Math.max(1, Math.min(this.opts.timeoutMs, remaining)));
      if ('status' in result) return result;
      const { error, retryable, waitMs } = result;
      if (!retryable || attempt >= (req.retries ?? this.opts.retries)) {
        this.counts.failures++;
        const after = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
        throw this.rewrap(error, after);
      }
      const wait = waitMs !== undefined ? waitMs * (1 + 0.1 * this.deps.random()) : this.backoff(attempt);
      if (this.deps.now() + wait > deadline) {
        this.counts.failures++;
        throw this.rewrap(
          error,
          ` after ${attempt + 1} attempts; the next wait (${Math.round(wait)} ms) would exceed the ${this.opts.budgetMs} ms budget`,
        );
      }
      this.counts.retries++;
      this.deps.log(
        this.redact(
          `${this.provider}: ${req.what}: ${error.kind}, retry ${attempt + 1} in ${Math.round(wait)} ms`,
        ),
      );
      await this.deps.sleep(wait, req.signal);
    }
  }

  /** Exponential backoff with "equal jitter": half fixed, half random, so waits still grow. */
  private backoff(attempt: number): number {
    const d = Math.min(this.opts.maxBackoffMs, this.opts.backoffMs * 2 ** attempt);
    return d / 2 + this.deps.random() * (d / 2);
  }

  private rewrap(e: ProviderError, suffix: string): ProviderError {
    if (!suffix) return e;
    const detail = e.message.replace(/^[^:]+: [^:]+: /, '').replace(/\. To fix: .*$/s, '');
    return new ProviderError(e.kind, e.provider, this.redact(detail + suffix), {
      status: e.status,
      hint: e.hint,
    });
  }

  private url(req: HttpRequest): URL {
    const url = /^https?:\/\//.test(req.path) ? new URL(req.path) : new URL(this.baseUrl + req.path);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private async attempt(req: HttpRequest, timeoutMs: number): Promise<HttpResponse | AttemptFailure> {
    const url = this.url(req);
    const where = `${req.what} (${req.method} ${url.pathname})`;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
    const headers: Record<string, string> = { accept: 'application/json', ...this.headers, ...req.headers };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }
    await this.limit.acquire();
    this.counts.calls++;
    try {
      const res = await request(url, {
        method: req.method,
        headers,
        body,
        signal,
        dispatcher: this.agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const buf = Buffer.from(await res.body.arrayBuffer());
      this.counts.bytes += buf.length;
      const text = buf.toString('utf8');
      const resHeaders = flatHeaders(res.headers);
      let parsed: unknown = null;
      let parseError: string | undefined;
      if (req.text && res.statusCode >= 200 && res.statusCode < 300) {
        return { status: res.statusCode, headers: resHeaders, body: text };
      }
      if (text.trim().length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          parseError = (e as Error).message;
        }
      }
      if (res.statusCode >= 200 && res.statusCode < 300) {
        if (parseError !== undefined) {
          // A cut-off body is the usual cause, so it is worth another attempt.
          return {
            error: this.error(
              'malformed',
              `${where}: the response is not valid JSON (${parseError})`,
              res.statusCode,
            ),
            retryable: true,
          };
        }
        return { status: res.statusCode, headers: resHeaders, body: parsed };
      }
      return this.statusFailure(req, where, res.statusCode, resHeaders, parsed, text);
    } catch (e) {
      if (req.signal?.aborted) throw e;
      const code = (e as { code?: string }).code ?? '';
      if (timeout.signal.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
        return {
          error: this.error('timeout', `${where}: no complete answer within ${Math.round(timeoutMs)} ms`),
          retryable: req.idempotent !== false,
        };
      }
      const known = retryableNetworkCodes.has(code);
      const tlsProblem = /^(ERR_SSL|ERR_TLS|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/.test(code);
      const hint =
        tlsProblem || (url.protocol === 'https:' && code === 'ECONNRESET')
          ? 'check the tls settings: tls.caFile must sign the server certificate, and a server that ' +
            'requires client certificates needs tls.certFile and tls.keyFile'
          : undefined;
      return {
        error: this.error(
          'unavailable',
          `${where}: ${code || 'network error'}: ${(e as Error).message}`,
          undefined,
          hint,
        ),
        retryable: !tlsProblem && known && (req.idempotent !== false || notProcessedCodes.has(code)),
      };
    } finally {
      clearTimeout(timer);
      this.limit.release();
    }
  }

  private statusFailure(
    req: HttpRequest,
    where: string,
    status: number,
    headers: Record<string, string>,
    body: unknown,
    text: string,
  ): AttemptFailure {
    const vendor = this.errors.message?.(status, body, text) ?? defaultMessage(body, text);
    const detail = `${where}: ${vendor || 'no error message'}`;
    const kind = this.errors.classify?.(status, body) ?? classifyStatus(status);
    if (status === 429) {
      this.counts.rateLimited++;
      const waitMs = rateLimitWait(headers, this.deps.now());
      return {
        error: this.error('rate-limited', detail, status),
        retryable: true,
        ...(waitMs === undefined ? {} : { waitMs }),
      };
    }
    const transient = status === 408 || status === 502 || status === 503 || status === 504 || status === 500;
    const retryable = (transient || status > 500) && req.idempotent !== false;
    const hint =
      status === 404 ? 'check the base URL and the API path: the server has no such endpoint' : undefined;
    const waitMs = status === 503 ? rateLimitWait(headers, this.deps.now()) : undefined;
    return {
      error: this.error(kind, detail, status, hint),
      retryable,
      ...(waitMs === undefined ? {} : { waitMs }),
    };
  }

  private error(kind: ProviderErrorKind, detail: string, status?: number, hint?: string): ProviderError {
    return new ProviderError(kind, this.provider, this.redact(detail), {
      ...(status === undefined ? {} : { status }),
      ...(hint === undefined ? {} : { hint }),
    });
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function classifyStatus(status: number): ProviderErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 429) return 'rate-limited';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  return 'bad-query';
}

/**
 * The wait a 429/503 asks for, ms: `Retry-After` (seconds or an HTTP date), else `X-RateLimit-Reset`
 * (seconds until reset, as Datadog sends it; values that look like epoch seconds are read as such).
 */
export function rateLimitWait(headers: Record<string, string>, now: number): number | undefined {
  const ra = headers['retry-after'];
  if (ra !== undefined && ra.trim() !== '') {
    const secs = Number(ra);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const date = Date.parse(ra);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = headers['x-ratelimit-reset'];
  if (reset !== undefined && reset.trim() !== '') {
    const v = Number(reset);
    if (Number.isFinite(v)) return Math.max(0, v > 1e9 ? v * 1000 - now : v * 1000);
  }
  return undefined;
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function defaultMessage(body: unknown, text: string): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    for (const k of ['error', 'message', 'errors']) {
      const v = b[k];
      if (typeof v === 'string') return v;
      if (Array.isArray(v)) return v.map(String).join('; ');
      if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') {
        return (v as { message: string }).message;
      }
    }
  }
  return text.slice(0, 300);
}

function tlsConnectOptions(tls: TlsConfig | undefined, provider: string): Record<string, unknown> {
  if (!tls) return {};
  const read = (path: string | undefined, field: string) => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (e) {
      throw new ProviderError(
        'bad-query',
        provider,
        `cannot read tls.${field} "${path}": ${(e as Error).message}`,
        {
          hint: `point tls.${field} at a readable PEM file`,
        },
      );
    }
  };
  const out: Record<string, unknown> = {};
  const ca = read(tls.caFile, 'caFile');
  const cert = read(tls.certFile, 'certFile');
  const key = read(tls.keyFile, 'keyFile');
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  if (tls.serverName) out.servername = tls.serverName;
  if (tls.insecureSkipVerify) out.rejectUnauthorized = false;
  return out;
}
