/**
 * A local stand-in for a Dynatrace environment's API v2, answering from a recording (the replay format's
 * `logs` and `problems` of provider `dynatrace`), so that the portal reads logs and problems through the
 * real Dynatrace provider: its requests, paging, scoping and the links to Dynatrace's problem pages. It
 * serves only what the provider asks of it: `GET /api/v2/logs/search` and `GET /api/v2/problems`, behind
 * `Api-Token` authentication, on 127.0.0.1. The wire format is that of Dynatrace's API documentation; the
 * recorded entries are the same `LogEvent`s and `Problem`s the replay provider answers with.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReplayFile } from '@vigil/providers';

export interface FakeDynatraceOptions {
  /** The API token requests must carry (`Authorization: Api-Token <token>`). */
  token: string;
  recording: ReplayFile;
  /** Dynatrace entity id -> the entity's name, for `entityId("...")` scopes; problems name their entities. */
  entities: Record<string, string>;
  /** Environment path before `/api/v2` (a managed environment's `/e/<id>`); default none. */
  basePath?: string;
}

export interface FakeDynatrace {
  /** The environment URL to configure as the provider's `url`. */
  url: string;
  /** Requests answered, by path (for tests). */
  requests: Map<string, number>;
  close(): Promise<void>;
}

/** A Dynatrace error body: `{ error: { code, message } }`, which the provider turns into its message. */
function fail(res: ServerResponse, code: number, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code, message } }));
}

function send(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** `from`/`to` as the provider sends them: epoch ms. */
function epochMs(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  return v !== null && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** The entity names an entity selector picks: `entityId("...")` or `type("SERVICE"),entityName.equals("...")`. */
function selectedNames(selector: string, entities: Record<string, string>): Set<string> | undefined {
  const unTilde = (v: string) => v.replace(/~(.)/g, '$1');
  const byId = /^entityId\("((?:~.|[^"~])*)"\)$/.exec(selector);
  if (byId) {
    const name = entities[unTilde(byId[1]!)];
    return new Set(name === undefined ? [] : [name]);
  }
  const byName = /^type\("SERVICE"\),entityName\.equals\("((?:~.|[^"~])*)"\)$/.exec(selector);
  if (byName) return new Set([unTilde(byName[1]!)]);
  return undefined;
}

export function serveFakeDynatrace(options: FakeDynatraceOptions): Promise<FakeDynatrace> {
  const base = `${options.basePath ?? ''}/api/v2`;
  const logs = (options.recording.logs ?? []).filter((l) => l.provider === 'dynatrace');
  const problems = (options.recording.problems ?? [])
    .filter((p) => p.provider === 'dynatrace')
    .flatMap((p) => p.problems);
  const idOf = new Map(Object.entries(options.entities).map(([id, name]) => [name, id]));
  const requests = new Map<string, number>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : undefined;
    if (req.headers.authorization !== `Api-Token ${options.token}`)
      return fail(res, 401, 'Missing or invalid authorization token');
    if (req.method !== 'GET' || (path !== '/logs/search' && path !== '/problems'))
      return fail(res, 404, `${req.method} ${url.pathname} is not served by the portal's Dynatrace`);
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const q = url.searchParams;
    const from = epochMs(q, 'from');
    const to = epochMs(q, 'to');
    if (from === undefined || to === undefined) return fail(res, 400, 'from and to must be epoch ms');

    if (path === '/logs/search') {
      const limit = Number(q.get('limit') ?? 1000);
      const entry = logs.find((l) => l.query === q.get('query'));
      const results = (entry?.events ?? [])
        .filter((e) => e.t >= from && e.t < to)
        .sort((a, b) => a.t - b.t)
        .slice(0, Math.max(0, Math.min(limit, 1000)))
        .map((e) => ({ timestamp: e.t, content: e.message, status: (e.level ?? 'info').toUpperCase() }));
      return send(res, { results, sliceSize: results.length, nextSliceKey: null });
    }

    const selector = q.get('entitySelector');
    const names = selector === null ? undefined : selectedNames(selector, options.entities);
    if (selector !== null && names === undefined)
      return fail(res, 400, `entitySelector ${selector} is not understood by the portal's Dynatrace`);
    const found = problems
      .filter((p) => p.start < to && (p.end === undefined || p.end > from))
      .filter((p) => !names || p.entities.some((e) => names.has(e)))
      .map((p) => ({
        problemId: p.id,
        displayId: p.displayId,
        title: p.title,
        impactLevel: p.impact,
        severityLevel: p.severity,
        status: p.status === 'open' ? 'OPEN' : 'CLOSED',
        affectedEntities: p.entities.map((name) => ({
          entityId: { id: idOf.get(name) ?? name, type: 'SERVICE' },
          name,
        })),
        startTime: p.start,
        // Dynatrace answers -1 for a problem still open.
        endTime: p.end ?? -1,
      }));
    return send(res, { totalCount: found.length, pageSize: found.length, problems: found });
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      fail(res, 500, (e as Error).message);
    }
  });
  return new Promise((ok, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      ok({
        url: `http://127.0.0.1:${port}${options.basePath ?? ''}`,
        requests,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
