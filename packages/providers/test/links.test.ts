import { Secrets } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../src/config.ts';
import {
  datadogAppHost,
  datadogMetricExplorerUrl,
  datadogMonitorUrl,
  dynatraceDataExplorerUrl,
  dynatraceProblemUrl,
  metricLink,
  problemLink,
  prometheusGraphUrl,
  prometheusRange,
  providerUiBase,
} from '../src/links.ts';

// The period [11:30, 12:00) UTC of 2026-11-20.
const window = { start: Date.UTC(2026, 10, 20, 11, 30), end: Date.UTC(2026, 10, 20, 12, 0) };

describe('provider links', () => {
  it("builds Prometheus' graph URL with the expression, range and end", () => {
    expect(
      prometheusGraphUrl(
        'https://prometheus.example.com',
        'sum(rate(http_errors_total{service="checkout"}[1m]))',
        window,
      ),
    ).toBe(
      'https://prometheus.example.com/graph?g0.expr=sum%28rate%28http_errors_total%7Bservice%3D%22checkout%22%7D%5B1m%5D%29%29&g0.tab=0&g0.range_input=30m&g0.end_input=2026-11-20T12%3A00%3A00Z',
    );
    expect([
      prometheusRange(30 * 60_000),
      prometheusRange(2 * 3_600_000),
      prometheusRange(86_400_000),
      prometheusRange(90_000),
    ]).toEqual(['30m', '2h', '1d', '90s']);
  });

  it("builds Datadog's metric explorer URL on the site's app host", () => {
    expect(datadogAppHost(undefined)).toBe('app.datadoghq.com');
    expect(datadogAppHost('datadoghq.eu')).toBe('app.datadoghq.eu');
    expect(datadogAppHost('us5.datadoghq.com')).toBe('us5.datadoghq.com');
    expect(datadogAppHost('ddog-gov.com')).toBe('app.ddog-gov.com');
    expect(datadogAppHost('us2.ddog-gov.com')).toBe('us2.ddog-gov.com');
    // One metric, scope, aggregation and grouping: the explorer's exp_* parameters (not a whole query,
    // which the explorer has no parameter for); the .as_count() modifier is not carried.
    const dd = datadogMetricExplorerUrl(
      'https://app.datadoghq.eu',
      'sum:trace.http.request.errors{service:checkout, env:prod} by {resource_name}.as_count()',
      window,
    );
    expect(dd).toBe(
      'https://app.datadoghq.eu/metric/explorer?exp_metric=trace.http.request.errors&exp_agg=sum&exp_scope=service%3Acheckout%2Cenv%3Aprod&exp_group=resource_name&from_ts=1795174200000&to_ts=1795176000000&live=false',
    );
    expect(new URL(dd!).searchParams.has('exp_query')).toBe(false);
    // `{*}` is every source: no scope parameter.
    expect(
      new URL(
        datadogMetricExplorerUrl('https://app.datadoghq.com', 'avg:system.cpu.user{*}', window)!,
      ).searchParams.toString(),
    ).toBe('exp_metric=system.cpu.user&exp_agg=avg&from_ts=1795174200000&to_ts=1795176000000&live=false');
    // A query the explorer's parameters cannot hold gives no link rather than a graph of something else.
    for (const q of [
      'sum:errors{service:a}.as_count() / sum:hits{service:a}.as_count()',
      'anomalies(avg:latency{service:a}, "basic", 2)',
      'errors{service:a}',
    ])
      expect(datadogMetricExplorerUrl('https://app.datadoghq.com', q, window)).toBeUndefined();
  });

  it("builds Dynatrace's data explorer and problem URLs", () => {
    // The window as a custom global timeframe, all management zones; no metricSelector parameter, which the
    // data explorer does not read.
    expect(dynatraceDataExplorerUrl('https://abc12345.live.dynatrace.com', window)).toBe(
      'https://abc12345.live.dynatrace.com/ui/data-explorer?gtf=c_1795174200000_1795176000000&gf=all',
    );
    // The problem page as Dynatrace's own notifications link it ({ProblemURL}).
    expect(
      dynatraceProblemUrl('https://abc12345.live.dynatrace.com', '-7264381127385419883_1700000000000V2'),
    ).toBe(
      'https://abc12345.live.dynatrace.com/#problems/problemdetails;pid=-7264381127385419883_1700000000000V2',
    );
    expect(
      dynatraceProblemUrl(
        'https://dt.example.com/e/4dacea76-2af5-4fc6-a94c-a17c12980884',
        '-59_1642566000000V2',
      ),
    ).toBe(
      'https://dt.example.com/e/4dacea76-2af5-4fc6-a94c-a17c12980884/#problems/problemdetails;pid=-59_1642566000000V2',
    );
  });

  it('links a Datadog or Dynatrace metric through metricLink, and none for a query Datadog cannot show', () => {
    const dd = {
      type: 'datadog',
      site: 'datadoghq.eu',
      apiKey: 'k0123456789',
      appKey: 'a0123456789',
    } as ProviderConfig;
    expect(metricLink(dd, 'avg:latency{service:{{service}}}', { service: 'checkout' }, window)).toBe(
      'https://app.datadoghq.eu/metric/explorer?exp_metric=latency&exp_agg=avg&exp_scope=service%3Acheckout&from_ts=1795174200000&to_ts=1795176000000&live=false',
    );
    expect(metricLink(dd, 'sum:a{*} / sum:b{*}', {}, window)).toBeUndefined();
    const dt = {
      type: 'dynatrace',
      url: 'https://abc12345.live.dynatrace.com',
      token: 'dt0c01.ABC',
    } as ProviderConfig;
    expect(metricLink(dt, 'builtin:service.errors.total.rate:splitBy()', {}, window)).toBe(
      'https://abc12345.live.dynatrace.com/ui/data-explorer?gtf=c_1795174200000_1795176000000&gf=all',
    );
  });

  it('uses uiUrl where the API address differs, and never user info, query or fragment from it', () => {
    const prom = { type: 'prometheus', url: 'http://prometheus.monitoring.svc:9090' } as ProviderConfig;
    expect(providerUiBase(prom)).toBe('http://prometheus.monitoring.svc:9090');
    expect(providerUiBase({ ...prom, uiUrl: 'https://prom.example.com/' } as ProviderConfig)).toBe(
      'https://prom.example.com',
    );
    expect(
      providerUiBase({ ...prom, url: 'https://bob:hunter22@prom.example.com/?x=1#y' } as ProviderConfig),
    ).toBe('https://prom.example.com');
    expect(
      providerUiBase({
        type: 'datadog',
        site: 'ap1.datadoghq.com',
        apiKey: 'k',
        appKey: 'a',
      } as ProviderConfig),
    ).toBe('https://ap1.datadoghq.com');
    expect(providerUiBase({ type: 'replay', file: 'r.json' } as ProviderConfig)).toBeUndefined();
  });

  it('renders the query template with the entity as the provider would, escaped', () => {
    const prom = { type: 'prometheus', url: 'https://prom.example.com' } as ProviderConfig;
    const link = metricLink(
      prom,
      'sum(rate(errors_total{service="{{service}}"}[1m]))',
      { service: 'check"out' },
      window,
    );
    expect(new URL(link!).searchParams.get('g0.expr')).toBe(
      'sum(rate(errors_total{service="check\\"out"}[1m]))',
    );
    // A template whose variable is missing gives no link rather than a wrong one.
    expect(metricLink(prom, 'up{job="{{job}}"}', {}, window)).toBeUndefined();
    expect(
      metricLink({ type: 'replay', file: 'r.json' } as ProviderConfig, 'up', {}, window),
    ).toBeUndefined();
  });

  it('makes no link that would carry a secret', () => {
    const token = 'sk-live-0123456789abcdef';
    const prom = {
      type: 'prometheus',
      url: 'https://prom.example.com',
      auth: { type: 'bearer', token },
    } as ProviderConfig;
    // A query that holds the provider's own token (someone pasted it into a label matcher).
    expect(metricLink(prom, `up{token="${token}"}`, {}, window)).toBeUndefined();
    // A value the backend knows as secret (another provider's key) that a variable brought in.
    const other = new Secrets().add('dd-app-key-abcdef012345');
    expect(
      metricLink(prom, 'up{x="{{v}}"}', { v: 'dd-app-key-abcdef012345' }, window, other),
    ).toBeUndefined();
    expect(metricLink(prom, 'up{x="{{v}}"}', { v: 'checkout' }, window, other)).toMatch(
      /^https:\/\/prom\.example\.com\/graph\?/,
    );
  });

  it("links a Dynatrace problem to its page and a Datadog monitor to its page on the site's app host", () => {
    const dt = {
      type: 'dynatrace',
      url: 'https://abc12345.live.dynatrace.com',
      token: 'dt0c01.ABC',
    } as ProviderConfig;
    expect(problemLink(dt, { kind: 'problem', id: '-7264381127385419883_1700000000000V2' })).toBe(
      'https://abc12345.live.dynatrace.com/#problems/problemdetails;pid=-7264381127385419883_1700000000000V2',
    );
    const dd = {
      type: 'datadog',
      site: 'datadoghq.eu',
      apiKey: 'k0123456789',
      appKey: 'a0123456789',
    } as ProviderConfig;
    expect(datadogMonitorUrl('https://app.datadoghq.com', '12345')).toBe(
      'https://app.datadoghq.com/monitors/12345',
    );
    expect(problemLink(dd, { kind: 'monitor', id: '4711' })).toBe('https://app.datadoghq.eu/monitors/4711');
    expect(
      problemLink({ ...dd, uiUrl: 'https://acme.datadoghq.com' } as ProviderConfig, {
        kind: 'monitor',
        id: '4711',
      }),
    ).toBe('https://acme.datadoghq.com/monitors/4711');
    // Not the vendor's shape of that alert: no link rather than a page of something else.
    expect(problemLink(dd, { kind: 'monitor', id: '../dashboard/x' })).toBeUndefined();
    expect(problemLink(dd, { kind: 'problem', id: '4711' })).toBeUndefined();
    expect(problemLink(dt, { kind: 'monitor', id: '4711' })).toBeUndefined();
    expect(
      problemLink({ type: 'prometheus', url: 'https://p.example.com' } as ProviderConfig, {
        kind: 'problem',
        id: 'x',
      }),
    ).toBeUndefined();
    // An id that is a known secret is never put into a URL.
    expect(
      problemLink(
        dt,
        { kind: 'problem', id: 'dd-app-key-abcdef012345' },
        new Secrets().add('dd-app-key-abcdef012345'),
      ),
    ).toBeUndefined();
  });
});
