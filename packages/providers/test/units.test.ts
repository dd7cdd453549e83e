import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DatadogProvider } from '../src/datadog.ts';
import { DynatraceProvider } from '../src/dynatrace.ts';
import { PrometheusProvider } from '../src/prometheus.ts';
import { datadogQueryMetric, dynatraceUnitSelector, prometheusQueryUnit } from '../src/units.ts';
import { type DatadogFake, startDatadogFake } from './support/datadog-fake.ts';
import { type DynatraceFake, startDynatraceFake } from './support/dynatrace-fake.ts';

const instant = { sleep: async () => {}, random: () => 0 };
const query = (q: string) => ({ metric: 'm', query: q, instanceLabel: 'pod' });

describe('Prometheus: the unit from the naming convention', () => {
  it('reads base-unit suffixes, counters, histograms and the mean of a histogram', () => {
    const cases: [string, string | undefined][] = [
      ['avg by (pod) (http_request_duration_seconds{pod=~"a|b"})', 's'],
      ['http_request_duration_milliseconds{le="0.5"}', 'ms'],
      ['process_resident_memory_bytes', 'B'],
      ['node_filesystem_avail_ratio', 'ratio'],
      ['cpu_usage_percent offset 5m', '%'],
      [
        'histogram_quantile(0.99, sum by (le, pod) (rate(http_server_request_duration_seconds_bucket{pod=~"{{instances}}"}[1m])))',
        's',
      ],
      ['rate(x_seconds_sum[5m]) / rate(x_seconds_count[5m])', 's'],
      ['sum by (pod) (increase(http_server_requests_total{code=~"5.."}[1m]))', 'count'],
      ['sum by (pod) (rate(http_server_requests_total[1m]))', '1/s'],
      ['rate(node_network_receive_bytes_total[1m])', 'B/s'],
      // A scalar factor or a ratio of counters changes the unit; seconds per second is no unit Vigil knows.
      ['histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket[1m]))) * 1000', undefined],
      ['rate(x_seconds_sum[5m]) / rate(x_seconds_count[5m]) * 1000', undefined],
      ['sum(rate(errors_total[1m])) / sum(rate(requests_total[1m]))', undefined],
      ['sum by (pod) (rate(container_cpu_usage_seconds_total[1m]))', undefined],
      ['count by (pod) (http_request_duration_seconds)', undefined],
      ['up', undefined],
    ];
    for (const [q, unit] of cases) expect(prometheusQueryUnit(q), q).toBe(unit);
  });

  it('answers without a request (the provider never calls the server)', async () => {
    const p = new PrometheusProvider({ type: 'prometheus', url: 'http://127.0.0.1:9' });
    expect(await p.metricUnit(query('rate(x_seconds_sum[5m]) / rate(x_seconds_count[5m])'))).toBe('s');
    expect(p.usage().requests).toBe(0);
    await p.close();
  });
});

describe('Datadog: the unit from the metric metadata (OpenAPI-validated fake)', () => {
  const apiKey = 'dd-api-key-0123456789abcdef';
  const appKey = 'dd-app-key-fedcba9876543210';
  let fake: DatadogFake;
  let dd: DatadogProvider;
  beforeAll(async () => {
    fake = await startDatadogFake({
      apiKey,
      appKey,
      series: [],
      metadata: {
        'trace.http.request.duration': { unit: 'second', type: 'gauge' },
        'system.net.bytes_rcvd': { unit: 'byte', per_unit: 'second', type: 'gauge' },
        'custom.odd': { unit: 'furlong', type: 'gauge' },
      },
    });
    dd = new DatadogProvider({ type: 'datadog', baseUrl: fake.url, apiKey, appKey }, instant);
  });
  afterEach(() => {
    expect(fake.violations.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await dd?.close();
    await fake?.close();
  });
  const metadataRequests = () => fake.requests.filter((r) => r.path.startsWith('/api/v1/metrics/')).length;

  it('reads unit and per_unit, once per metric', async () => {
    const before = metadataRequests();
    const latency = query('avg:trace.http.request.duration{service:web,version:{{version}}} by {pod}');
    expect(await dd.metricUnit({ ...latency, vars: { version: 'v1' } })).toBe('s');
    expect(await dd.metricUnit({ ...latency, vars: { version: 'v2' } })).toBe('s');
    expect(await dd.metricUnit(query('sum:system.net.bytes_rcvd{service:web}'))).toBe('B/s');
    expect(metadataRequests() - before).toBe(2);
  });

  it('means an unknown unit, never an error, when the metric has no metadata, an odd unit, or the API fails', async () => {
    expect(await dd.metricUnit(query('avg:nothing.here{service:web}'))).toBeUndefined();
    expect(await dd.metricUnit(query('avg:custom.odd{service:web}'))).toBeUndefined();
    fake.inject({ kind: 'status', status: 500, body: { errors: ['boom'] } }, 5);
    const p = new DatadogProvider({ type: 'datadog', baseUrl: fake.url, apiKey, appKey }, instant);
    expect(await p.metricUnit(query('avg:trace.http.request.duration{service:web}'))).toBeUndefined();
    // One lookup with one retry, then it gives up: the run goes on with an unknown unit.
    expect(p.usage().calls).toBe(2);
    await p.close();
    fake.inject({ kind: 'status', status: 200 }, 0);
  });

  it('asks nothing for a formula, whose unit is not one metric’s', async () => {
    const before = metadataRequests();
    expect(await dd.metricUnit(query('sum:a.b{x} / sum:c.d{x}'))).toBeUndefined();
    expect(datadogQueryMetric('per_second(sum:x{a})')).toBeUndefined();
    expect(metadataRequests()).toBe(before);
  });
});

describe('Dynatrace: the unit from the metric descriptor (OpenAPI-validated fake)', () => {
  const token = 'dt0c01.FAKE.SECRETPART0123456789';
  let fake: DynatraceFake;
  let dt: DynatraceProvider;
  beforeAll(async () => {
    fake = await startDynatraceFake({
      token,
      series: [],
      units: { 'builtin:service.response.time': 'MicroSecond', 'builtin:host.cpu.usage': 'Percent' },
    });
    dt = new DynatraceProvider({ type: 'dynatrace', url: fake.url, token }, instant);
  });
  afterEach(() => {
    expect(fake.violations.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await dt?.close();
    await fake?.close();
  });
  const descriptorRequests = () =>
    fake.requests.filter((r) => r.path.startsWith('/api/v2/metrics/') && r.path !== '/api/v2/metrics/query')
      .length;

  it('reads the descriptor unit once per metric key, with the selector’s unit transformations', async () => {
    const before = descriptorRequests();
    const rt = 'builtin:service.response.time:filter(eq("version","{{version}}")):splitBy("pod"):avg';
    expect(await dt.metricUnit({ ...query(rt), vars: { version: 'v1' } })).toBe('us');
    expect(await dt.metricUnit({ ...query(rt), vars: { version: 'v2' } })).toBe('us');
    expect(await dt.metricUnit(query('builtin:host.cpu.usage:splitBy("pod")'))).toBe('%');
    expect(
      await dt.metricUnit(
        query('builtin:service.response.time:toUnit(MicroSecond,MilliSecond):splitBy("pod")'),
      ),
    ).toBe('ms');
    expect(descriptorRequests() - before).toBe(3);
    expect(dynatraceUnitSelector('(builtin:a)/(builtin:b)')).toBeUndefined();
  });

  it('means an unknown unit when the key is unknown or the API fails', async () => {
    expect(await dt.metricUnit(query('ext:unknown.metric:splitBy("pod")'))).toBeUndefined();
    fake.inject({ kind: 'reset' }, 5);
    const p = new DynatraceProvider({ type: 'dynatrace', url: fake.url, token }, instant);
    expect(await p.metricUnit(query('builtin:host.cpu.usage'))).toBeUndefined();
    await p.close();
  });
});
