import './support/jestShim.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import {
  type HealthResponse,
  ServiceGuardApiError,
  ServiceGuardClient,
} from '@vigil/backstage-plugin-service-guard-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeader, type StartedBackend, sqliteKnex, startServiceGuard } from './support/backend.ts';
import { component, MINUTE } from './support/replay.ts';

const PERIOD_END = Date.UTC(2026, 10, 20, 12, 0);
const PERIOD = 30 * MINUTE;

/** A Prometheus stand-in on loopback that answers query_range only for the bearer token it currently accepts. */
function fakePrometheus(accept: () => string, seen: string[]): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(req.headers.authorization ?? '');
    if (req.headers.authorization !== `Bearer ${accept()}`) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    const start = Number(url.searchParams.get('start'));
    const end = Number(url.searchParams.get('end'));
    const step = Number(url.searchParams.get('step'));
    const values: [number, string][] = [];
    for (let t = start; t <= end; t += step)
      values.push([t, String(100 + 10 * Math.sin((2 * Math.PI * t) / 86400))]);
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'matrix', result: [{ metric: { instance: 'web-0' }, values }] },
      }),
    );
  });
}

describe('credentials rotated in app-config', () => {
  let prom: Server;
  let backend: StartedBackend;
  const knex = sqliteKnex();
  const accepted = 'token-two';
  const seen: string[] = [];
  let now = PERIOD_END + 30_000;
  const configFor = (token: string, port: number) => ({
    serviceGuard: {
      providers: {
        prom: {
          type: 'prometheus',
          url: `http://127.0.0.1:${port}`,
          auth: { type: 'bearer', token },
          http: { retries: 0 },
        },
      },
      profiles: {
        web: {
          provider: 'prom',
          metrics: [
            {
              name: 'rps',
              query: 'sum by (instance) (rate(http_requests_total{service="{{service}}"}[1m]))',
              direction: 'lower-is-worse',
            },
          ],
        },
      },
      schedule: { frequency: { minutes: 30 }, period: { minutes: 30 }, history: { days: 1 } },
    },
  });
  let config: ReturnType<typeof mockServices.rootConfig>;
  let client: ServiceGuardClient;

  beforeAll(async () => {
    prom = fakePrometheus(() => accepted, seen);
    await new Promise<void>((r) => prom.listen(0, '127.0.0.1', r));
    const port = (prom.address() as AddressInfo).port;
    config = mockServices.rootConfig({ data: configFor('token-one', port) });
    backend = await startServiceGuard({
      entities: [component('web')] as never,
      config,
      knex,
      clock: () => now,
    });
    client = new ServiceGuardClient({
      discoveryApi: { getBaseUrl: async () => backend.baseUrl },
      fetchApi: {
        fetch: (url, init) =>
          fetch(url, { ...init, headers: { ...init?.headers, authorization: adminHeader() } }),
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await knex.destroy();
    await new Promise((r) => prom.close(r));
  });

  it('uses the new token from the next run on, without a restart, and never shows a token', async () => {
    expect(await client.runNow()).toEqual({ status: 'triggered', tasks: ['service-guard:worker-0'] });
    let health: HealthResponse = await client.getHealth('component:default/web');
    expect(health.current?.state).toBe('no-data');
    expect(health.current?.metrics[0]?.reason).toMatch(/401/);
    expect(JSON.stringify(health)).not.toContain('token-one');
    expect(seen.at(-1)).toBe('Bearer token-one');

    config.update({ data: configFor('token-two', (prom.address() as AddressInfo).port) });
    now += PERIOD;
    const run = await client.runNow({ entityRef: 'component:default/web' });
    expect(run.status).toBe('analysed');
    expect(seen.at(-1)).toBe('Bearer token-two');
    health = await client.getHealth({ kind: 'Component', name: 'web' }, { limit: 10 });
    expect(health.history.map((h) => h.state)).toEqual(['healthy', 'no-data']);
    expect(health.current?.metrics[0]).toMatchObject({ outcome: 'pass', points: 30 });
  });

  it('gives the client typed errors with the fields at fault', async () => {
    const err = await client
      .postFeedback('component:default/web', 'L1', { action: 'high', reason: ' ' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceGuardApiError);
    expect((err as ServiceGuardApiError).status).toBe(400);
    expect((err as ServiceGuardApiError).fields.map((f) => f.path)).toEqual(['body.reason']);
  });
});
