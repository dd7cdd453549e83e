/**
 * The HTTP side of `vigil serve` (routes in docs/serve.md). Every /v1 route needs the bearer token; bodies are
 * read up to limits.maxBodyBytes; every answer is JSON (a 2xx body that is not JSON would read as a success to
 * Argo Rollouts' web provider). The access log names method, path, status and time: never headers or bodies.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  FLAGGER_HOOKS,
  type FlaggerHook,
  flaggerStatus,
  parseFlaggerRequest,
  parseStartRequest,
  RequestError,
  type ServeConfig,
} from '@vigil/core';
import type { Registry } from './registry.ts';

export interface ServerOptions {
  config: ServeConfig;
  registry: Registry;
  token: string;
  log: (line: string) => void;
}

/** Seconds a caller refused at the concurrency limit is told to wait (Retry-After). */
const RETRY_AFTER_SECONDS = 30;

export function createServeServer(options: ServerOptions): Server {
  const { config, registry, log } = options;
  const expected = digest(options.token);
  const authorized = (token: string | undefined) =>
    token !== undefined && timingSafeEqual(digest(token), expected);

  return createServer((req, res) => {
    const started = Date.now();
    const path = (req.url ?? '/').split('?')[0]!;
    res.on('finish', () => log(`${req.method} ${path} ${res.statusCode} ${Date.now() - started}ms`));
    handle(req, res, path).catch((e: unknown) => {
      if (e instanceof RequestError) {
        const headers: Record<string, string> = {};
        if (e.status === 429) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
        if (e.status === 401) headers['www-authenticate'] = 'Bearer realm="vigil"';
        if (e.status === 413) headers.connection = 'close';
        send(res, e.status, { error: e.message, ...(e.field ? { field: e.field } : {}) }, headers);
      } else {
        log(`internal error on ${req.method} ${path}: ${(e as Error).message}`);
        send(res, 500, { error: 'internal error; the server log has the details' });
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const query = new URL(req.url ?? '/', 'http://vigil').searchParams;
    if (path === '/healthz' && req.method === 'GET') return send(res, 200, { ok: true });
    if (!path.startsWith('/v1/')) throw new RequestError(404, `no route ${path}; see docs/serve.md`);

    const flagger = /^\/v1\/flagger\/([a-z-]+)$/.exec(path);
    if (flagger) {
      const hook = flagger[1] as FlaggerHook;
      if (!FLAGGER_HOOKS.includes(hook))
        throw new RequestError(404, `no Flagger hook "${hook}" (${FLAGGER_HOOKS.join(', ')})`);
      allow(req, 'POST');
      // Flagger cannot send headers: its token comes in the payload's metadata, so the body is read first.
      const body = await readJson(req, config.limits.maxBodyBytes);
      const meta = (body as { metadata?: { token?: unknown } } | null)?.metadata;
      const fromBody = typeof meta?.token === 'string' ? meta.token : undefined;
      if (!authorized(bearer(req)) && !authorized(fromBody)) throw unauthorized();
      const { request } = parseFlaggerRequest(body, config);
      const { id } = registry.startOrJoin(request);
      await registry.wait(id, request.waitMs);
      const state = registry.state(id)!;
      return send(res, flaggerStatus(hook, state), state);
    }

    if (!authorized(bearer(req))) throw unauthorized();
    if (path === '/v1/verifications') {
      allow(req, 'POST');
      const request = parseStartRequest(await readJson(req, config.limits.maxBodyBytes), config);
      const { id, created } = registry.startOrJoin(request);
      await registry.wait(id, request.waitMs);
      return send(res, created ? 201 : 200, registry.state(id)!, { location: `/v1/verifications/${id}` });
    }
    const one = /^\/v1\/verifications\/([0-9a-f-]{36})(\/report)?$/.exec(path);
    if (one) {
      const id = one[1]!;
      if (req.method === 'DELETE' && !one[2]) {
        const state = await registry.forget(id);
        if (!state) throw new RequestError(404, `no verification ${id} on this server`);
        return send(res, 200, state);
      }
      allow(req, 'GET');
      if (!registry.state(id))
        throw new RequestError(
          404,
          `no verification ${id} on this server (it may have expired, or the server restarted)`,
        );
      if (one[2]) {
        const report = registry.report(id);
        if (!report) return send(res, 409, registry.state(id)!);
        return send(res, 200, report);
      }
      const wait = query.get('wait');
      if (wait !== null) {
        const seconds = Number(wait);
        if (!Number.isFinite(seconds) || seconds < 0)
          throw new RequestError(400, 'must be a number of seconds, 0 or more', 'wait');
        await registry.wait(id, Math.min(seconds * 1000, config.limits.maxWaitMs));
      }
      return send(res, 200, registry.state(id)!);
    }
    throw new RequestError(404, `no route ${path}; see docs/serve.md`);
  }
}

/** Reads a JSON body of at most `max` bytes: 413 beyond it, 400 when it is not JSON. */
async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw tooLarge(max);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new RequestError(400, 'the body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RequestError(400, `the body is not JSON: ${(e as Error).message}`);
  }
}

function tooLarge(max: number): RequestError {
  return new RequestError(413, `the body is larger than ${max} bytes (limits.maxBodyBytes)`);
}

function unauthorized(): RequestError {
  return new RequestError(
    401,
    'missing or wrong token: send "Authorization: Bearer <token>" (Flagger: metadata.token)',
  );
}

function allow(req: IncomingMessage, method: string): void {
  if (req.method !== method) throw new RequestError(405, `use ${method} here`);
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(.+)$/i.exec(h) : null;
  return m ? m[1]!.trim() : undefined;
}

/** Tokens are compared as SHA-256 digests: equal length, so the comparison takes the same time for any input. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}
