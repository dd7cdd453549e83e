/**
 * A local HTTP server (node:http on 127.0.0.1) for vendor fakes, with fault injection and, when given a
 * validator, OpenAPI validation of every request it receives and every normal response it returns.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { OpenApiValidator } from './openapi.ts';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined when empty. */
  body: unknown;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  /** Sent verbatim instead of JSON (malformed bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

/** Faults the server can play instead of the handler's answer. */
export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Accepts the request and never answers (client timeout). */
  | { kind: 'hang' }
  /** Destroys the socket without a response. */
  | { kind: 'reset' }
  /** Answers 200 with a body that is not JSON. */
  | { kind: 'malformed'; raw?: string }
  /** Announces the full length, sends half of the handler's body, then closes. */
  | { kind: 'truncate' }
  /** Lets the handler answer and then rewrites its body. */
  | { kind: 'rewrite'; rewrite: (body: unknown) => unknown };

export type Handler = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakeServer {
  url: string;
  requests: FakeRequest[];
  /** OpenAPI violations seen so far; tests assert it stays empty. */
  violations: string[];
  /** Plays `fault` for the next `times` requests (FIFO with other injected faults). */
  inject(fault: Fault, times?: number): void;
  close(): Promise<void>;
}

export async function startFake(handler: Handler, validator?: OpenApiValidator): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const violations: string[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown;
    if (text.length) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const fr: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    requests.push(fr);
    if (validator) {
      for (const v of validator.request(fr.method, fr.path, fr.query, body))
        violations.push(`request ${fr.method} ${fr.path}: ${v}`);
    }
    const fault = faults.shift();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body === undefined ? '' : JSON.stringify(fault.body));
      return;
    }
    if (fault?.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(fault.raw ?? '{"series": [ {"pointlist": [[1, 2], [3');
      return;
    }
    let reply: FakeReply;
    try {
      reply = await handler(fr);
    } catch (e) {
      reply = { status: 500, body: { errors: [(e as Error).message] } };
    }
    if (fault?.kind === 'rewrite') reply = { ...reply, body: fault.rewrite(reply.body) };
    else if (validator && reply.raw === undefined) {
      for (const v of validator.response(fr.method, fr.path, reply.status, reply.body)) {
        violations.push(`response ${fr.method} ${fr.path}: ${v}`);
      }
    }
    const payload = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    if (fault?.kind === 'truncate') {
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(payload)),
      });
      res.write(payload.slice(0, Math.floor(payload.length / 2)));
      setTimeout(() => req.socket.destroy(), 5);
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(payload);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    inject(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Sleep that returns at once and remembers the waits, for fast deterministic backoff tests. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}

/** A seeded PRNG for deterministic jitter. */
export { seededRandom } from '@vigil/core';
