/**
 * `vigil serve` as Argo Rollouts and Flagger call it: the real server process on 127.0.0.1 port 0, a real
 * Prometheus holding past data (a regressed canary, a healthy one, none at all), requests over HTTP. Only a
 * verification that ended `passed` ever reads as a pass; the token never appears in the server's output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPrometheus } from '../../providers/test/support/prometheus.ts';
import { parseServeConfig, parseStartRequest } from '@vigil/core';
import { Registry } from '../src/serve/registry.ts';
import { iso, startPastCanaryPrometheus, T0 } from './support/pastCanary.ts';
import { root } from './support/vigil.ts';

const bin = join(root, 'packages/cli/src/bin.ts');
const TOKEN = 'tok-7f3a9c1e5b2d8046a1';

const WINDOW = { start: iso(T0 + 10 * 60), end: iso(T0 + 50 * 60) };

const spec = (duration: string) => `apiVersion: vigil/v1
service: "\${var:service}"
version: "\${var:version}"
providers:
  prom: { type: prometheus, url: "\${env:PROM_URL}" }
strategy:
  type: canary
  instanceLabel: pod
  baseline: { pattern: "\${var:service}-stable-.*" }
  canary: { pattern: "\${var:service}-canary-.*" }
duration: ${duration}
interval: 1m
metrics:
  - name: latency
    query: 'avg by (pod) (http_request_duration_seconds{pod=~"{{instances}}"})'
    kind: latency
`;

const config = (maxConcurrent: number) => `apiVersion: vigil/serve-v1
listen: { host: 127.0.0.1, port: 0 }
limits: { maxConcurrent: ${maxConcurrent}, maxBodyBytes: 4096, maxWait: 2m }
specs:
  svc:
    file: svc.yaml
    variables:
      service: { pattern: "[a-z]{2,20}", description: "the service to verify" }
      version: { pattern: "[0-9a-z.]{1,20}", default: "0" }
  live:
    file: live.yaml
    variables:
      service: { pattern: "[a-z]{2,20}" }
      version: { pattern: "[0-9a-z.]{1,20}", default: "0" }
`;

interface Served {
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function serve(dir: string, configFile: string, env: NodeJS.ProcessEnv): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'serve', '-c', join(dir, configFile)], {
    cwd: dir,
    env: { PATH: process.env.PATH, ...env },
  });
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  child.stderr.on('data', (c) => {
    out += c;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`vigil serve did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    child.stderr.on('data', check);
    child.on('exit', () => fail(new Error(`vigil serve exited:\n${out}`)));
  });
  return { url, child, output: () => out, exited };
}

async function call(
  s: Served,
  path: string,
  body?: unknown,
  token: string | null = TOKEN,
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${s.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** Flagger's webhook payload, its metadata as Flagger sends it (strings only, the token among them). */
const flagger = (metadata: Record<string, string>, checksum = 'c1') => ({
  name: 'podinfo',
  namespace: 'test',
  phase: 'Progressing',
  checksum,
  metadata: { token: TOKEN, spec: 'svc', ...WINDOW, wait: '60', ...metadata },
});

/** Starts (or joins) the verification of `service` over WINDOW and waits up to 60 s for its end. */
const verifyWindow = (s: Served, service: string) =>
  call(s, '/v1/verifications', { spec: 'svc', vars: { service }, ...WINDOW, wait: 60 });

/** The status Flagger gets from the webhook `hook` for `service`. */
const flaggerStatus = async (s: Served, hook: string, service: string) =>
  (await call(s, `/v1/flagger/${hook}`, flagger({ service }), null)).status;

let prom: RunningPrometheus;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  prom = await startPastCanaryPrometheus();
  dir = await mkdtemp(join(tmpdir(), 'vigil-serve-'));
  await writeFile(join(dir, 'svc.yaml'), spec('30m'));
  await writeFile(join(dir, 'live.yaml'), spec('10m'));
  await writeFile(join(dir, 'serve.yaml'), config(4));
  await writeFile(join(dir, 'serve-one.yaml'), config(1));
  env = { PROM_URL: prom.url, VIGIL_SERVE_TOKEN: TOKEN };
}, 120_000);

afterAll(async () => {
  await prom?.stop();
});

describe('vigil serve: verdicts for Argo Rollouts and Flagger', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve(dir, 'serve.yaml', env);
  }, 60_000);
  afterAll(async () => {
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.output()).not.toContain(TOKEN);
  });

  it('passes a healthy canary: passed true, and every Flagger hook reads it as a pass', async () => {
    const r = await verifyWindow(s, 'cart');
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      spec: 'svc',
      vars: { service: 'cart', version: '0' },
      phase: 'completed',
      done: true,
      outcome: 'passed',
      passed: true,
      failed: false,
      inconclusive: false,
      verdict: 'pass',
    });
    expect(r.json.score).toBeGreaterThanOrEqual(50);
    expect(r.headers.get('location')).toBe(`/v1/verifications/${r.json.id}`);
    // Asking again (Argo asks every interval) joins the same verification.
    const again = await call(s, '/v1/verifications', { spec: 'svc', vars: { service: 'cart' }, ...WINDOW });
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(r.json.id);
    const got = await call(s, `/v1/verifications/${r.json.id}`);
    expect(got.json.passed).toBe(true);
    const report = await call(s, `/v1/verifications/${r.json.id}/report`);
    // DELETE forgets it: the same request then starts a new verification (a retried rollout).
    const forgotten = await fetch(`${s.url}/v1/verifications/${r.json.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(forgotten.status).toBe(200);
    expect((await call(s, `/v1/verifications/${r.json.id}`)).status).toBe(404);
    expect(report.json).toMatchObject({ schema: expect.any(String), verdict: 'pass', outcome: 'passed' });
    expect(await flaggerStatus(s, 'rollout', 'cart')).toBe(200);
    expect(await flaggerStatus(s, 'confirm-promotion', 'cart')).toBe(200);
    expect(await flaggerStatus(s, 'rollback', 'cart')).toBe(409);
  });

  it('fails a regressed canary: failed true, Flagger told no and to roll back', async () => {
    const r = await verifyWindow(s, 'checkout');
    expect(r.json).toMatchObject({
      phase: 'completed',
      outcome: 'failed',
      passed: false,
      failed: true,
      inconclusive: false,
    });
    expect(r.json.reason).toMatch(/latency/);
    expect(await flaggerStatus(s, 'rollout', 'checkout')).toBe(412);
    expect(await flaggerStatus(s, 'confirm-promotion', 'checkout')).toBe(412);
    expect(await flaggerStatus(s, 'rollback', 'checkout')).toBe(200);
  });

  it('never reads a canary without data as a pass: inconclusive true, Flagger never promotes', async () => {
    const r = await verifyWindow(s, 'ghost');
    expect(r.json).toMatchObject({
      phase: 'completed',
      outcome: 'could-not-verify',
      passed: false,
      failed: false,
      inconclusive: true,
    });
    const promote = await call(s, '/v1/flagger/confirm-promotion', flagger({ service: 'ghost' }), null);
    expect(promote.status).toBe(412);
    expect(promote.json.passed).toBe(false);
    expect(await flaggerStatus(s, 'rollback', 'ghost')).toBe(200);
  });

  it('refuses a missing or wrong token with 401, on every route but /healthz', async () => {
    const body = { spec: 'svc', vars: { service: 'cart' } };
    expect((await call(s, '/v1/verifications', body, null)).status).toBe(401);
    const wrong = await call(s, '/v1/verifications', body, `${TOKEN.slice(0, -1)}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(
      (await call(s, '/v1/verifications/00000000-0000-0000-0000-000000000000', undefined, 'nope')).status,
    ).toBe(401);
    const f = flagger({ service: 'cart' });
    expect(
      (
        await call(
          s,
          '/v1/flagger/confirm-promotion',
          { ...f, metadata: { ...f.metadata, token: 'x' } },
          null,
        )
      ).status,
    ).toBe(401);
    expect((await call(s, '/healthz', undefined, null)).status).toBe(200);
  });

  it('refuses a query, an unknown variable or a value outside its pattern with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ spec: 'svc', vars: { service: 'cart' }, query: 'up' }, 'query'],
      [
        { spec: 'svc', vars: { service: 'cart' }, providers: { p: { type: 'http', url: 'http://evil' } } },
        'providers',
      ],
      [{ spec: 'svc', vars: { service: 'cart"} or vector(1) #' } }, 'vars.service'],
      [{ spec: 'svc', vars: { service: 'cart', url: 'http://evil' } }, 'vars.url'],
      [{ spec: 'svc', vars: { service: 'cart', version: '${env:PROM_URL}' } }, 'vars.version'],
      [{ spec: 'svc', vars: {} }, 'vars.service'],
      [{ spec: '../svc', vars: { service: 'cart' } }, 'spec'],
      [{ spec: 'svc', vars: { service: 'cart' }, start: 'now-5m' }, 'start'],
    ];
    for (const [body, field] of cases) {
      const r = await call(s, '/v1/verifications', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.field, JSON.stringify(body)).toBe(field);
      expect(r.json.error).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
    }
    const flaggerQuery = await call(
      s,
      '/v1/flagger/rollout',
      flagger({ service: 'cart', query: 'up' }),
      null,
    );
    expect(flaggerQuery.status).toBe(400);
    expect(flaggerQuery.json.field).toBe('metadata.query');
  });

  it('refuses a body larger than limits.maxBodyBytes with 413', async () => {
    const r = await call(s, '/v1/verifications', {
      spec: 'svc',
      vars: { service: 'cart' },
      key: 'k',
      pad: 'x'.repeat(5000),
    });
    expect(r.status).toBe(413);
    expect(r.json.error).toMatch(/larger than 4096 bytes \(limits\.maxBodyBytes\)/);
  });
});

describe('vigil serve: limits and shutdown', () => {
  it('answers 429 beyond limits.maxConcurrent, and SIGTERM cancels a running verification (never passed)', async () => {
    const s = await serve(dir, 'serve-one.yaml', env);
    const live = { spec: 'live', vars: { service: 'cart' }, key: 'rollout-a' };
    const first = await call(s, '/v1/verifications', live);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ phase: 'running', done: false, passed: false, outcome: null });
    const second = await call(s, '/v1/verifications', { ...live, key: 'rollout-b' });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('30');
    expect(second.json.error).toMatch(/limits\.maxConcurrent/);
    // Flagger asking about the running one: traffic may advance, promotion waits.
    const meta = { token: TOKEN, spec: 'live', service: 'cart', key: 'rollout-a' };
    expect((await call(s, '/v1/flagger/rollout', { name: 'a', metadata: meta }, null)).status).toBe(200);
    expect((await call(s, '/v1/flagger/confirm-promotion', { name: 'a', metadata: meta }, null)).status).toBe(
      409,
    );
    expect((await call(s, '/v1/flagger/rollback', { name: 'a', metadata: meta }, null)).status).toBe(409);
    // A caller waiting on it when SIGTERM comes gets its final state: cancelled.
    const waiting = call(s, '/v1/verifications', { ...live, wait: 100 });
    await new Promise((r) => setTimeout(r, 300));
    s.child.kill('SIGTERM');
    const last = await waiting;
    expect(last.status).toBe(200);
    expect(last.json).toMatchObject({
      id: first.json.id,
      phase: 'cancelled',
      done: true,
      outcome: 'cancelled',
      passed: false,
      inconclusive: true,
    });
    expect(last.json.reason).toMatch(/vigil serve is shutting down \(received SIGTERM\)/);
    expect(await s.exited).toBe(0);
    expect(s.output()).toMatch(/ended cancelled: cancelled/);
    expect(s.output()).not.toContain(TOKEN);
  });

  it('will not start without a token of 16+ characters, and never prints it', async () => {
    const short = spawn(process.execPath, [bin, 'serve', '-c', join(dir, 'serve.yaml')], {
      cwd: dir,
      env: { PATH: process.env.PATH, PROM_URL: prom.url, VIGIL_SERVE_TOKEN: 'short-secret' },
    });
    let err = '';
    short.stderr.on('data', (c) => {
      err += c;
    });
    expect(await new Promise((r) => short.on('exit', r))).toBe(3);
    expect(err).toMatch(/shorter than 16 characters/);
    expect(err).not.toContain('short-secret');
  });
});

describe('vigil serve: limits.timeout', () => {
  it('cancels a verification that runs longer than limits.timeout: never passed, the limit named', async () => {
    const cfg = parseServeConfig(
      `apiVersion: vigil/serve-v1\nlimits: { timeout: 1s }\nspecs:\n  live:\n    file: live.yaml\n    variables: { service: {}, version: { default: "0" } }\n`,
      'serve.yaml',
    );
    const lines: string[] = [];
    const registry = new Registry({
      config: cfg,
      specs: new Map([['live', { text: spec('10m'), path: join(dir, 'live.yaml') }]]),
      env: { PROM_URL: prom.url },
      log: (line) => lines.push(line),
      onSecrets: () => {},
    });
    const { id, state } = registry.startOrJoin(
      parseStartRequest({ spec: 'live', vars: { service: 'cart' } }, cfg),
    );
    expect(state.phase).toBe('running');
    await registry.wait(id, 30_000);
    expect(registry.state(id)).toMatchObject({
      phase: 'cancelled',
      outcome: 'cancelled',
      passed: false,
      inconclusive: true,
    });
    expect(registry.state(id)!.reason).toMatch(/timed out: it ran longer than limits\.timeout \(1s\)/);
    expect(lines.at(-1)).toMatch(/ended cancelled: cancelled/);
  });
});
