/**
 * Metric presets against a real Prometheus scraping real series: a service exposes HTTP histograms under both
 * the OpenTelemetry and the Prometheus client names; the `http-red` preset (either naming, beside a
 * hand-written metric) passes a healthy canary and fails one that is slower and answers 5xx. The window just
 * scraped is verified retrospectively, so the test does not wait it out twice.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadSpec } from '@vigil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPrometheus, startPrometheus } from '../../providers/test/support/prometheus.ts';
import { verify } from '../src/index.ts';

const LE = [0.05, 0.1, 0.25, 0.5, 1];
/** Share of requests at or under each bucket bound: healthy pods are fast, bad ones slow. */
const SHARES = { good: [0.5, 0.88, 0.975, 0.995, 1], bad: [0.05, 0.2, 0.5, 0.85, 0.97] };
const pods = [
  ...[0, 1, 2].map((i) => ({ pod: `shop-stable-${i}`, health: 'good' as const })),
  ...[0, 1, 2].map((i) => ({ pod: `shop-canary-good-${i}`, health: 'good' as const })),
  ...[0, 1, 2].map((i) => ({ pod: `shop-canary-bad-${i}`, health: 'bad' as const })),
];

/** Cumulative counters per pod, advanced at every scrape by a rate with a little per-pod wobble. */
const state = pods.map(() => ({ ok: 0, errors: 0, buckets: LE.map(() => 0), queue: 0 }));
let lastScrape = Date.now();
let scrapes = 0;

function exposition(): string {
  const now = Date.now();
  const dt = (now - lastScrape) / 1000;
  lastScrape = now;
  scrapes++;
  const lines: string[] = [];
  for (const [i, p] of pods.entries()) {
    const s = state[i]!;
    const rate = (40 + 3 * (i % 3)) * (1 + 0.1 * Math.sin(scrapes * 0.7 + i));
    const n = rate * dt;
    const errShare = p.health === 'bad' ? 0.2 : 0;
    s.ok += n * (1 - errShare);
    s.errors += n * errShare;
    // Shares wobble a little from scrape to scrape and pod to pod, as real latencies do (never past 1).
    SHARES[p.health].forEach((share, b) => {
      s.buckets[b]! += n * Math.min(1, share + 0.004 * Math.sin(scrapes * 1.3 + i * 2.1 + b));
    });
    s.queue = 5 + (i % 3) + Math.sin(scrapes * 0.3 + i);
    const total = s.ok + s.errors;
    const codes: [string, number][] = [['200', s.ok]];
    if (s.errors > 0) codes.push(['503', s.errors]);
    for (const [name, status] of [
      ['http_server_request_duration_seconds', 'http_response_status_code'],
      ['http_request_duration_seconds', 'code'],
    ] as const) {
      for (const [code, count] of codes) {
        const labels = `pod="${p.pod}",${status}="${code}"`;
        const part = count / total;
        LE.forEach((le, b) => {
          lines.push(`${name}_bucket{${labels},le="${le}"} ${s.buckets[b]! * part}`);
        });
        lines.push(`${name}_bucket{${labels},le="+Inf"} ${count}`);
        lines.push(`${name}_count{${labels}} ${count}`);
        lines.push(`${name}_sum{${labels}} ${count * 0.1}`);
      }
    }
    lines.push(`shop_queue_depth{pod="${p.pod}"} ${s.queue}`);
  }
  return `${lines.join('\n')}\n`;
}

function spec(url: string, canary: 'good' | 'bad', naming: 'otel' | 'prometheus') {
  return loadSpec(
    `
apiVersion: vigil/v1
service: shop
providers:
  prom: { type: prometheus, url: "${url}" }
strategy:
  type: canary
  instanceLabel: pod
  baseline: { pattern: "shop-stable-.*" }
  canary: { pattern: "shop-canary-${canary}-.*" }
duration: 16s
interval: 2s
policy: { earlyStop: false }
metrics:
  - preset: http-red
    naming: ${naming}
  - name: queue depth
    query: 'sum by (pod) (shop_queue_depth{pod=~"{{instances}}"})'
    kind: resource
`,
    { source: 'presets.yaml' },
  );
}

describe('the http-red preset on a real Prometheus', () => {
  let server: Server;
  let prom: RunningPrometheus;
  let windowStart: number;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(exposition());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    prom = await startPrometheus({ scrapeTargets: [`127.0.0.1:${port}`], scrapeInterval: '1s' });
    // A few scrapes before the window, so that its first rate() has points; then the window itself.
    await new Promise((r) => setTimeout(r, 5_000));
    windowStart = Date.now();
    await new Promise((r) => setTimeout(r, 20_000));
  }, 120_000);
  afterAll(async () => {
    await prom?.stop();
    await new Promise((r) => server?.close(r));
  });

  const run = (canary: 'good' | 'bad', naming: 'otel' | 'prometheus') =>
    verify({ spec: spec(prom.url, canary, naming), specDir: '.', startedAt: windowStart });

  it('expands into the five RED metrics beside the hand-written one, with kinds and units', () => {
    const s = spec('http://127.0.0.1:9', 'good', 'otel');
    expect(s.metrics.map((m) => [m.name, m.kind, m.unit])).toEqual([
      ['request rate', 'throughput', 'req/s'],
      ['error ratio', 'error', 'ratio'],
      ['latency p50', 'latency', 's'],
      ['latency p95', 'latency', 's'],
      ['latency p99', 'latency', 's'],
      ['queue depth', 'resource', undefined],
    ]);
  });

  it('passes a healthy canary (OpenTelemetry names)', async () => {
    const { report } = await run('good', 'otel');
    expect(report.verdict, report.reason).toBe('pass');
    expect(report.metrics).toHaveLength(6);
  });

  it('fails a slow canary that answers 5xx (Prometheus client names), on latency and errors', async () => {
    const { report, result } = await run('bad', 'prometheus');
    expect(report.verdict).toBe('fail');
    const failed = result.judgment.metrics.filter((m) => m.outcome === 'fail').map((m) => m.metric);
    expect(failed).toEqual(expect.arrayContaining(['error ratio', 'latency p99']));
  });

  it('names an unknown preset and lists the known ones', () => {
    expect(() =>
      loadSpec(
        `
apiVersion: vigil/v1
service: shop
providers: { prom: { type: prometheus, url: "http://127.0.0.1:9" } }
metrics:
  - preset: http-rde
`,
        { source: 'bad.yaml' },
      ),
    ).toThrow(
      'bad.yaml is not a valid Vigil spec: metrics[0].preset: unknown preset "http-rde"; known presets: http-red, use',
    );
  });
});

describe('preset entries with mistakes', () => {
  const load = (entry: string, providers = '{ prom: { type: prometheus, url: "http://127.0.0.1:9" } }') =>
    loadSpec(`
apiVersion: vigil/v1
service: shop
providers: ${providers}
metrics:
${entry}
`);
  it('names the field and the fix', () => {
    expect(() => load('  - preset: http-red\n    nameing: prometheus')).toThrow(
      'metrics[0].nameing: unknown field of a preset entry; did you mean "naming"?',
    );
    expect(() => load('  - preset: http-red\n    naming: opentelemetry')).toThrow(
      'metrics[0].naming: must be one of "otel", "prometheus"',
    );
    expect(() => load('  - preset: use\n    operation: web.request')).toThrow(
      'metrics[0].preset: operation applies to Datadog only (provider type "prometheus")',
    );
    expect(() => load('  - preset: http-red', '{ h: { type: http, url: "http://127.0.0.1:9" } }')).toThrow(
      'metrics[0].preset: preset "http-red" has no queries for provider type "http"; it has them for prometheus, datadog, dynatrace',
    );
    expect(() =>
      load(
        '  - preset: http-red',
        '{ a: { type: prometheus, url: "http://127.0.0.1:9" }, b: { type: prometheus, url: "http://127.0.0.1:9" } }',
      ),
    ).toThrow('metrics[0].provider: name the provider whose queries the preset uses (one of a, b)');
  });
  it('expands Datadog and Dynatrace shapes with the instance label', () => {
    const dd = load(
      '  - preset: http-red\n    operation: web.request\n    selector: "env:prod"',
      '{ dd: { type: datadog, apiKey: a, appKey: b } }',
    );
    expect(dd.metrics.map((m) => m.query)).toEqual([
      'sum:trace.web.request.hits{service:{{service}},env:prod}.as_rate()',
      'sum:trace.web.request.errors{service:{{service}},env:prod}.as_count() / sum:trace.web.request.hits{service:{{service}},env:prod}.as_count()',
      'p50:trace.web.request{service:{{service}},env:prod}',
      'p95:trace.web.request{service:{{service}},env:prod}',
      'p99:trace.web.request{service:{{service}},env:prod}',
    ]);
    const dt = load(
      '  - preset: http-red',
      '{ dt: { type: dynatrace, url: "https://x.live.dynatrace.com", token: t } }',
    );
    expect(dt.metrics[4]).toMatchObject({
      query: 'builtin:service.response.time:splitBy("instance"):percentile(99)',
      unit: 'us',
      kind: 'latency',
    });
  });
});
