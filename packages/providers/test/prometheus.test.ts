import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusProvider } from '../src/prometheus.ts';
import { openMetricsGauge, type RunningPrometheus, startPrometheus } from './support/prometheus.ts';
import { makePki, type TestPki } from './support/tls.ts';
import { caught } from './support/caught.ts';

// A whole minute, so every sample below sits on the 60 s grid.
const T0 = 1_699_999_980;
const minutes = 30;
const pods = ['web-1', 'web-2', 'web-3'];
const version: Record<string, string> = { 'web-1': 'v1', 'web-2': 'v1', 'web-3': 'v2' };
/** Reference value of pod i (1-based) at minute m: independent of the adapter, used by every assertion. */
const expected = (pod: string, m: number): number => {
  if (pod === 'web-3' && m === 5) return Number.NaN;
  if (pod === 'web-3' && m === 6) return Number.POSITIVE_INFINITY;
  if (pod === 'web-3' && m === 7) return Number.NEGATIVE_INFINITY;
  return (pods.indexOf(pod) + 1) * 100 + m + 0.25;
};
const densePoints = 12_000;
const trickyPod = 'we"b\\4';

function data(): string {
  const latency = openMetricsGauge('vigil_latency', [
    ...pods.map((pod) => ({
      labels: { pod, version: version[pod]! },
      samples: Array.from(
        { length: minutes + 1 },
        (_, m) => [T0 + m * 60, expected(pod, m)] as [number, number],
      ),
    })),
    { labels: { pod: trickyPod, version: 'v3' }, samples: [[T0, 42]] as [number, number][] },
  ]);
  const dense = openMetricsGauge('vigil_dense', [
    {
      labels: { pod: 'd-1' },
      samples: Array.from({ length: densePoints }, (_, i) => [T0 + i, i * 2] as [number, number]),
    },
  ]);
  return `${latency}\n${dense}\n# EOF\n`;
}

const ms = (s: number) => s * 1000;
const q = (query: string, vars?: Record<string, string | string[]>) => ({
  metric: 'latency',
  query,
  instanceLabel: 'pod',
  ...(vars ? { vars } : {}),
});

describe('Prometheus adapter against a real Prometheus', () => {
  let prom: RunningPrometheus;
  let provider: PrometheusProvider;

  beforeAll(async () => {
    prom = await startPrometheus({ openMetrics: data() });
    provider = new PrometheusProvider({ type: 'prometheus', name: 'prom', url: prom.url });
  });
  afterAll(async () => {
    await provider?.close();
    await prom?.stop();
  });

  it('returns one series per instance with the exact stored values, NaN and infinities included', async () => {
    const series = await provider.fetchMetric(q('vigil_latency{version=~"v1|v2"}'), {
      start: ms(T0),
      end: ms(T0 + 10 * 60),
      step: 60_000,
    });
    expect(series.map((s) => s.instance).sort()).toEqual(pods);
    for (const s of series) {
      expect(s.points.map((p) => p.t)).toEqual(Array.from({ length: 10 }, (_, m) => ms(T0 + m * 60)));
      expect(s.points.map((p) => p.v)).toEqual(Array.from({ length: 10 }, (_, m) => expected(s.instance, m)));
    }
    expect(provider.usage().calls).toBe(1);
  });

  it('aligns to the step grid so incremental polls tile the full window exactly', async () => {
    const whole = await provider.fetchMetric(q('vigil_latency{version="v1"}'), {
      start: ms(T0) + 30_000,
      end: ms(T0 + 20 * 60),
      step: 60_000,
    });
    const first = await provider.fetchMetric(q('vigil_latency{version="v1"}'), {
      start: ms(T0) + 30_000,
      end: ms(T0 + 10 * 60) + 1,
      step: 60_000,
    });
    const second = await provider.fetchMetric(q('vigil_latency{version="v1"}'), {
      start: ms(T0 + 10 * 60) + 1,
      end: ms(T0 + 20 * 60),
      step: 60_000,
    });
    for (const pod of ['web-1', 'web-2']) {
      const w = whole.find((s) => s.instance === pod)!.points;
      const joined = [...first, ...second].filter((s) => s.instance === pod).flatMap((s) => s.points);
      expect(w[0]!.t).toBe(ms(T0 + 60));
      expect(w).toHaveLength(19);
      expect(joined).toEqual(w);
    }
  });

  it('spends no request on a window without a grid point', async () => {
    const before = provider.usage().calls;
    const r = await provider.fetchMetric(q('vigil_latency'), {
      start: ms(T0) + 1,
      end: ms(T0) + 59_000,
      step: 60_000,
    });
    expect(r).toEqual([]);
    expect(provider.usage().calls).toBe(before);
  });

  it('splits ranges over 11,000 points and joins them without loss or duplicates', async () => {
    const before = provider.usage().calls;
    const [s] = await provider.fetchMetric(q('vigil_dense'), {
      start: ms(T0),
      end: ms(T0 + densePoints),
      step: 1000,
    });
    expect(provider.usage().calls - before).toBe(2);
    expect(s!.points).toHaveLength(densePoints);
    s!.points.forEach((p, i) => {
      expect(p.t).toBe(ms(T0 + i));
      expect(p.v).toBe(i * 2);
    });
  });

  it('escapes template values so a label value cannot inject PromQL', async () => {
    const tricky = await provider.fetchMetric(q('vigil_latency{pod="{{pod}}"}', { pod: trickyPod }), {
      start: ms(T0),
      end: ms(T0) + 1,
      step: 60_000,
    });
    expect(tricky).toEqual([{ instance: trickyPod, points: [{ t: ms(T0), v: 42 }] }]);
    const injected = await provider.fetchMetric(
      q('vigil_latency{pod="{{pod}}"}', { pod: 'web-1"} or vigil_latency{pod=~".+' }),
      { start: ms(T0), end: ms(T0) + 1, step: 60_000 },
    );
    expect(injected).toEqual([]);
    const list = await provider.fetchMetric(
      q('vigil_latency{pod=~"{{pods}}"}', { pods: ['web-1', 'web-3'] }),
      {
        start: ms(T0),
        end: ms(T0) + 1,
        step: 60_000,
      },
    );
    expect(list.map((s) => s.instance).sort()).toEqual(['web-1', 'web-3']);
    const dotted = await provider.fetchMetric(q('vigil_latency{pod=~"{{pods}}"}', { pods: ['web.1'] }), {
      start: ms(T0),
      end: ms(T0) + 1,
      step: 60_000,
    });
    expect(dotted).toEqual([]);
    const pattern = await provider.fetchMetric(q('vigil_latency{pod=~"{{pods}}"}', { pods: 'web-[12]' }), {
      start: ms(T0),
      end: ms(T0) + 1,
      step: 60_000,
    });
    expect(pattern.map((s) => s.instance).sort()).toEqual(['web-1', 'web-2']);
  });

  it('answers instant queries', async () => {
    const r = await provider.fetchInstant(q('vigil_latency{version="v1"}'), ms(T0 + 3 * 60));
    expect(r.sort((a, b) => a.instance.localeCompare(b.instance))).toEqual([
      { instance: 'web-1', points: [{ t: ms(T0 + 180), v: expected('web-1', 3) }] },
      { instance: 'web-2', points: [{ t: ms(T0 + 180), v: expected('web-2', 3) }] },
    ]);
  });

  it('refuses results that would give wrong numbers: duplicate or missing instance labels', async () => {
    const dup = await caught(
      provider.fetchMetric(
        { ...q('vigil_latency'), instanceLabel: 'version' },
        { start: ms(T0), end: ms(T0) + 1, step: 60_000 },
      ),
    );
    expect(dup.kind).toBe('bad-query');
    expect(dup.message).toContain('several series for version="v1"');
    const missing = await caught(
      provider.fetchMetric(q('sum(vigil_latency)'), { start: ms(T0), end: ms(T0) + 1, step: 60_000 }),
    );
    expect(missing.kind).toBe('bad-query');
    expect(missing.hint).toContain('sum by (pod)');
  });

  it('classifies a syntax error as bad-query with Prometheus’ own message', async () => {
    const e = await caught(
      provider.fetchMetric(q('vigil_latency{'), { start: ms(T0), end: ms(T0) + 1, step: 60_000 }),
    );
    expect(e.kind).toBe('bad-query');
    expect(e.status).toBe(400);
    expect(e.message).toContain('bad_data');
  });

  it('sends long queries by POST when asked', async () => {
    const post = new PrometheusProvider({ type: 'prometheus', url: prom.url, post: true });
    const r = await post.fetchMetric(q('vigil_latency{pod="web-2"}'), {
      start: ms(T0),
      end: ms(T0 + 120),
      step: 60_000,
    });
    expect(r).toEqual([
      { instance: 'web-2', points: [0, 1].map((m) => ({ t: ms(T0 + m * 60), v: expected('web-2', m) })) },
    ]);
    await post.close();
  });

  it('check() reports connectivity and a working query API', async () => {
    const r = await provider.check();
    expect(r.map((c) => [c.name, c.ok])).toEqual([
      ['connectivity', true],
      ['query', true],
    ]);
    expect(r[0]!.detail).toContain('Prometheus 2.');
  });
});

describe('Prometheus adapter authentication', () => {
  let pki: TestPki;
  let prom: RunningPrometheus;
  // Prometheus' documented example: user admin, password "test".
  const hash = '$2b$12$hNf2lSsxfm0.i4a.1kVpSOVyBCfIB51VRjgBUyv6kdnyTlgWj81Ay';

  beforeAll(async () => {
    pki = await makePki();
    prom = await startPrometheus({
      openMetrics: data(),
      webConfig: [
        'tls_server_config:',
        `  cert_file: ${pki.serverCertFile}`,
        `  key_file: ${pki.serverKeyFile}`,
        '  client_auth_type: RequireAndVerifyClientCert',
        `  client_ca_file: ${pki.caFile}`,
        'basic_auth_users:',
        `  admin: ${hash}`,
        '',
      ].join('\n'),
    });
  });
  afterAll(async () => {
    await prom?.stop();
    if (pki) await rm(pki.dir, { recursive: true, force: true });
  });

  const tls = () => ({ caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile });

  it('reads over mTLS with basic auth', async () => {
    const p = new PrometheusProvider({
      type: 'prometheus',
      url: prom.url,
      tls: tls(),
      auth: { type: 'basic', username: 'admin', password: 'test' },
    });
    const r = await p.fetchMetric(q('vigil_latency{pod="web-1"}'), {
      start: ms(T0),
      end: ms(T0 + 60),
      step: 60_000,
    });
    expect(r).toEqual([{ instance: 'web-1', points: [{ t: ms(T0), v: expected('web-1', 0) }] }]);
    await p.close();
  });

  it('classifies a wrong password as auth, and never prints it', async () => {
    const p = new PrometheusProvider({
      type: 'prometheus',
      url: prom.url,
      tls: tls(),
      auth: { type: 'basic', username: 'admin', password: 'wrong-password-123' },
    });
    const e = await caught(
      p.fetchMetric(q('vigil_latency'), { start: ms(T0), end: ms(T0 + 60), step: 60_000 }),
    );
    expect(e.kind).toBe('auth');
    expect(e.status).toBe(401);
    expect(e.message).not.toContain('wrong-password-123');
    const checks = await p.check();
    expect(checks[0]).toMatchObject({ name: 'credentials', ok: false });
    await p.close();
  });

  it('fails clearly without a client certificate', async () => {
    const p = new PrometheusProvider({
      type: 'prometheus',
      url: prom.url,
      tls: { caFile: pki.caFile },
      auth: { type: 'basic', username: 'admin', password: 'test' },
      http: { retries: 0 },
    });
    const e = await caught(
      p.fetchMetric(q('vigil_latency'), { start: ms(T0), end: ms(T0 + 60), step: 60_000 }),
    );
    expect(e.kind).toBe('unavailable');
    expect(e.hint).toContain('tls');
    await p.close();
  });
});
