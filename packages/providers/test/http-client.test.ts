import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, rateLimitWait } from '../src/http.ts';
import { type FakeServer, recordingSleep, seededRandom, startFake } from './support/fake-server.ts';
import { caught } from './support/caught.ts';

describe('shared HTTP client', () => {
  let fake: FakeServer;
  let inFlight = 0;
  let maxInFlight = 0;
  beforeAll(async () => {
    fake = await startFake(async (req) => {
      if (req.path === '/slow') {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
        return { status: 200, body: { ok: true } };
      }
      if (req.path === '/echo-auth')
        return { status: 401, body: { error: `bad credentials ${String(req.headers.authorization)}` } };
      return { status: 200, body: { ok: true } };
    });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('never has more requests in flight than the concurrency limit', async () => {
    const c = new HttpClient({
      provider: 'p',
      type: 'http',
      baseUrl: fake.url,
      secrets: [],
      http: { concurrency: 2 },
    });
    await Promise.all(
      Array.from({ length: 8 }, () => c.send({ method: 'GET', path: '/slow', what: 'slow' })),
    );
    expect(maxInFlight).toBe(2);
    expect(c.usage()).toMatchObject({ requests: 8, calls: 8, failures: 0 });
    await c.close();
  });

  it('redacts secrets, also base64- and URL-encoded, from errors', async () => {
    const secret = 'admin:s3cr3t/pa ss';
    const c = new HttpClient({
      provider: 'p',
      type: 'prometheus',
      baseUrl: fake.url,
      headers: { authorization: `Basic ${Buffer.from(secret).toString('base64')}` },
      secrets: [secret],
    });
    const e = await caught(
      c.send({ method: 'GET', path: '/echo-auth', query: { key: secret }, what: 'auth probe' }),
    );
    expect(e.kind).toBe('auth');
    expect(e.message).toContain('bad credentials Basic ***');
    expect(e.message).not.toContain(Buffer.from(secret).toString('base64'));
    expect(e.message).not.toContain('s3cr3t');
    await c.close();
  });

  it('does not retry a non-idempotent request after a 500, but does after a 429', async () => {
    const s = recordingSleep();
    const c = new HttpClient({
      provider: 'p',
      type: 'datadog',
      baseUrl: fake.url,
      secrets: [],
      deps: { sleep: s.sleep, random: seededRandom(1) },
    });
    fake.inject({ kind: 'status', status: 500 });
    const e = await caught(
      c.send({ method: 'POST', path: '/events', body: {}, what: 'event', idempotent: false }),
    );
    expect(e.kind).toBe('unavailable');
    expect(c.usage().calls).toBe(1);
    fake.inject({ kind: 'status', status: 429 });
    await c.send({ method: 'POST', path: '/events', body: {}, what: 'event', idempotent: false });
    expect(c.usage().calls).toBe(3);
    await c.close();
  });

  it('stops retrying when the caller aborts', async () => {
    const c = new HttpClient({
      provider: 'p',
      type: 'http',
      baseUrl: fake.url,
      secrets: [],
      http: { timeoutMs: 5000 },
    });
    fake.inject({ kind: 'hang' });
    const ac = new AbortController();
    const p = c.send({ method: 'GET', path: '/x', what: 'x', signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(c.usage().retries).toBe(0);
    await c.close();
  });

  it('reads rate-limit waits from Retry-After (seconds or date) and X-RateLimit-Reset (delta or epoch)', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(rateLimitWait({ 'retry-after': '7' }, now)).toBe(7000);
    expect(rateLimitWait({ 'retry-after': 'Sun, 22 Nov 2026 10:00:30 GMT' }, now)).toBe(30_000);
    expect(rateLimitWait({ 'x-ratelimit-reset': '12' }, now)).toBe(12_000);
    expect(rateLimitWait({ 'x-ratelimit-reset': String(now / 1000 + 45) }, now)).toBe(45_000);
    expect(rateLimitWait({}, now)).toBeUndefined();
  });

  it('rejects an invalid base URL with a hint', () => {
    expect(
      () => new HttpClient({ provider: 'p', type: 'http', baseUrl: 'prometheus:9090/x y', secrets: [] }),
    ).toThrow(/absolute http/);
  });
});
