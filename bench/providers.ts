/**
 * `pnpm bench providers [--burst N]`: requests spent by a 10-minute canary verification of 10 metrics x 20
 * instances (10 canary, 10 baseline) at 1-minute polls, per provider, against a real Prometheus and the
 * local vendor fakes; then the time to recover from a burst of injected 429s (real sleeps).
 */
import { DatadogProvider } from '../packages/providers/src/datadog.ts';
import { DynatraceProvider } from '../packages/providers/src/dynatrace.ts';
import { HttpMetricsProvider } from '../packages/providers/src/http-provider.ts';
import { PrometheusProvider } from '../packages/providers/src/prometheus.ts';
import type { MetricQuery, Provider } from '../packages/providers/src/provider.ts';
import { recordProvider } from '../packages/providers/src/record.ts';
import { ReplayProvider } from '../packages/providers/src/replay.ts';
import { startDatadogFake } from '../packages/providers/test/support/datadog-fake.ts';
import { startDynatraceFake } from '../packages/providers/test/support/dynatrace-fake.ts';
import type { Fault, FakeServer } from '../packages/providers/test/support/fake-server.ts';
import { startFake } from '../packages/providers/test/support/fake-server.ts';
import { openMetricsGauge, startPrometheus } from '../packages/providers/test/support/prometheus.ts';
import { startPrometheusFake } from '../packages/providers/test/support/prometheus-fake.ts';
import { printTable } from './table.ts';

const T0 = 1_699_999_980_000;
const metrics = 10;
const instances = Array.from({ length: 20 }, (_, i) => `pod-${String(i).padStart(2, '0')}`);
const groupOf = (inst: string) => (instances.indexOf(inst) < 10 ? 'canary' : 'baseline');
const polls = 10;
const step = 60_000;
/** Sample value of metric m on an instance at time t; any deterministic function serves. */
const value = (m: number, inst: string, t: number) =>
  m * 100 + instances.indexOf(inst) + ((t - T0) / 60_000) * 0.5;

interface Run {
  requests: number;
  calls: number;
  bytes: number;
  series: number;
  points: number;
  ms: number;
}

/** One verification: every poll asks each metric once per group, for the new minute (or the whole window). */
async function verify(
  p: Provider,
  query: (m: number, group: 'canary' | 'baseline') => MetricQuery,
  incremental: boolean,
): Promise<Run> {
  const before = p.usage();
  const started = performance.now();
  const seen = new Set<string>();
  let points = 0;
  for (let k = 1; k <= polls; k++) {
    const window = { start: incremental ? T0 + (k - 1) * step : T0, end: T0 + k * step, step };
    for (let m = 0; m < metrics; m++) {
      for (const group of ['canary', 'baseline'] as const) {
        for (const s of await p.fetchMetric(query(m, group), window)) {
          seen.add(`${m}/${s.instance}`);
          if (incremental || k === polls) points += s.points.length;
        }
      }
    }
  }
  const after = p.usage();
  return {
    requests: after.requests - before.requests,
    calls: after.calls - before.calls,
    bytes: after.bytes - before.bytes,
    series: seen.size,
    points,
    ms: performance.now() - started,
  };
}

export default async function main(args: string[]): Promise<void> {
  const burstAt = args.indexOf('--burst');
  const burst = burstAt >= 0 ? Number(args[burstAt + 1]) : 5;
  const closers: (() => Promise<void>)[] = [];
  try {
    // Real Prometheus with 10 gauges x 20 pods, a sample every 15 s for 11 minutes.
    const om = Array.from({ length: metrics }, (_, m) =>
      openMetricsGauge(
        `bench_m${m}`,
        instances.map((pod) => ({
          labels: { pod, group: groupOf(pod) },
          samples: Array.from({ length: 45 }, (_, i): [number, number] => {
            const t = T0 + i * 15_000;
            return [t / 1000, value(m, pod, t)];
          }),
        })),
      ),
    ).join('\n');
    const prom = await startPrometheus({ openMetrics: `${om}\n# EOF\n` });
    closers.push(prom.stop);
    const dd = await startDatadogFake({
      apiKey: 'bench-api-key',
      appKey: 'bench-app-key',
      validate: false,
      series: Array.from({ length: metrics }, (_, m) =>
        instances.map((pod) => ({
          metric: `bench.m${m}`,
          tags: { pod_name: pod, group: groupOf(pod) },
          points: Array.from({ length: 33 }, (_, i): [number, number] => [
            T0 + i * 20_000,
            value(m, pod, T0 + i * 20_000),
          ]),
        })),
      ).flat(),
    });
    closers.push(dd.close);
    const dt = await startDynatraceFake({
      token: 'dt0c01.BENCH.TOKEN',
      validate: false,
      series: Array.from({ length: metrics }, (_, m) =>
        instances.map((pod) => ({
          metric: `ext:bench.m${m}`,
          dims: { pod, group: groupOf(pod) },
          points: Array.from({ length: 11 }, (_, i): [number, number] => [
            T0 + i * 60_000,
            value(m, pod, T0 + i * 60_000),
          ]),
        })),
      ).flat(),
    });
    closers.push(dt.close);
    const apm = await startFake((req) => {
      const m = Number(req.query.get('metric'));
      const group = req.query.get('group');
      const from = Number(req.query.get('from'));
      const to = Number(req.query.get('to'));
      const rows = [];
      for (const pod of instances.filter((p) => groupOf(p) === group)) {
        for (let t = Math.ceil(from / step) * step; t < to; t += step)
          rows.push({ pod, t, v: value(m, pod, t) });
      }
      return { status: 200, body: { rows } };
    });
    closers.push(apm.close);

    const promP = recordProvider(
      new PrometheusProvider({ type: 'prometheus', name: 'prometheus', url: prom.url }),
    );
    const providers: [string, Provider, (m: number, g: 'canary' | 'baseline') => MetricQuery][] = [
      [
        'prometheus (real 2.42)',
        promP,
        (m, g) => ({
          metric: `m${m}`,
          query: `bench_m${m}{group="{{g}}"}`,
          vars: { g },
          instanceLabel: 'pod',
          group: g,
        }),
      ],
      [
        'datadog v1 (fake)',
        new DatadogProvider({
          type: 'datadog',
          baseUrl: dd.url,
          apiKey: 'bench-api-key',
          appKey: 'bench-app-key',
        }),
        (m, g) => ({
          metric: `m${m}`,
          query: `avg:bench.m${m}{group:{{g}}}`,
          vars: { g },
          instanceLabel: 'pod_name',
          group: g,
        }),
      ],
      [
        'datadog v2 (fake)',
        new DatadogProvider({
          type: 'datadog',
          baseUrl: dd.url,
          apiKey: 'bench-api-key',
          appKey: 'bench-app-key',
          metricsApi: 'v2',
        }),
        (m, g) => ({
          metric: `m${m}`,
          query: `avg:bench.m${m}{group:{{g}}}`,
          vars: { g },
          instanceLabel: 'pod_name',
          group: g,
        }),
      ],
      [
        'dynatrace (fake)',
        new DynatraceProvider({ type: 'dynatrace', url: dt.url, token: 'dt0c01.BENCH.TOKEN' }),
        (m, g) => ({
          metric: `m${m}`,
          query: `ext:bench.m${m}:filter(eq("group","{{g}}")):splitBy("pod")`,
          vars: { g },
          instanceLabel: 'pod',
          group: g,
        }),
      ],
      [
        'http (fake APM)',
        new HttpMetricsProvider({
          type: 'http',
          url: `${apm.url}/q?metric={{m}}&group={{g}}&from={{start}}&to={{end}}`,
          pick: { points: '$.rows[*]', instance: '$.pod', timestamp: '$.t', value: '$.v' },
        }),
        (m, g) => ({ metric: `m${m}`, query: '', vars: { g, m: String(m) }, instanceLabel: 'pod', group: g }),
      ],
    ];

    const rows: (string | number)[][] = [];
    for (const [name, p, q] of providers) {
      const inc = await verify(p, q, true);
      const full = await verify(p, q, false);
      rows.push([
        name,
        inc.requests,
        inc.calls,
        polls * metrics * instances.length,
        inc.series,
        inc.points,
        inc.bytes,
        full.bytes,
        Math.round(inc.ms),
      ]);
    }
    const replay = new ReplayProvider({ type: 'replay', data: promP.recording() });
    const rep = await verify(replay, providers[0]![2], true);
    rows.push([
      'replay (recorded prometheus)',
      rep.requests,
      rep.calls,
      0,
      rep.series,
      rep.points,
      0,
      0,
      Math.round(rep.ms),
    ]);
    console.log(
      `Requests of a ${polls}-minute verification, ${metrics} metrics x ${instances.length} instances (10 canary + 10 baseline), 1-minute polls`,
    );
    printTable(
      [
        'provider',
        'requests',
        'HTTP calls',
        'per-instance calls',
        'series',
        'points',
        'bytes incremental',
        'bytes full refetch',
        'ms',
      ],
      rows,
    );

    // Recovery: a burst of N 429s, then the server answers; the clock and sleeps are real.
    const recovery: (string | number)[][] = [];
    const promFake = await startPrometheusFake(instances, (inst, t) => value(0, inst, t));
    closers.push(promFake.close);
    const cases: [string, FakeServer, Provider, MetricQuery, Fault][] = [
      [
        'prometheus, no headers (exponential)',
        promFake,
        new PrometheusProvider({ type: 'prometheus', url: promFake.url }),
        { metric: 'm', query: 'x', instanceLabel: 'pod' },
        { kind: 'status', status: 429 },
      ],
      [
        'datadog, X-RateLimit-Reset: 1',
        dd,
        new DatadogProvider({
          type: 'datadog',
          baseUrl: dd.url,
          apiKey: 'bench-api-key',
          appKey: 'bench-app-key',
        }),
        { metric: 'm', query: 'avg:bench.m0{*}', instanceLabel: 'pod_name' },
        {
          kind: 'status',
          status: 429,
          headers: {
            'x-ratelimit-limit': '100',
            'x-ratelimit-period': '1',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': '1',
          },
        },
      ],
      [
        'dynatrace, no headers (exponential)',
        dt,
        new DynatraceProvider({ type: 'dynatrace', url: dt.url, token: 'dt0c01.BENCH.TOKEN' }),
        { metric: 'm', query: 'ext:bench.m0:splitBy("pod")', instanceLabel: 'pod' },
        { kind: 'status', status: 429 },
      ],
      [
        'http, Retry-After: 1',
        apm,
        new HttpMetricsProvider({
          type: 'http',
          url: `${apm.url}/q?metric=0&group=canary&from={{start}}&to={{end}}`,
          pick: { points: '$.rows[*]', instance: '$.pod', timestamp: '$.t', value: '$.v' },
        }),
        { metric: 'm', query: '', instanceLabel: 'pod' },
        { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
      ],
    ];
    for (const [name, fake, p, q, fault] of cases) {
      fake.inject(fault, burst);
      const started = performance.now();
      const got = await p.fetchMetric(q, { start: T0, end: T0 + 5 * step, step });
      const ms = performance.now() - started;
      const u = p.usage();
      recovery.push([name, burst, u.calls, u.rateLimited, got.length, Math.round(ms)]);
      await p.close();
    }
    console.log(
      `\nRecovery from a burst of ${burst} injected 429s (default http options: backoff 500 ms doubling, equal jitter)`,
    );
    printTable(
      ['provider / rate-limit signal', '429s', 'HTTP calls', 'rate-limited', 'series', 'recovery ms'],
      recovery,
    );
    for (const [, p] of providers) await p.close();
  } finally {
    for (const c of closers.reverse()) await c();
  }
}
