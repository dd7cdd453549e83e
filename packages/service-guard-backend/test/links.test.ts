import './support/jestShim.ts';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import type { HealthSnapshot, MetricRisk } from '@vigil/backstage-plugin-service-guard-common';
import { describe, expect, it } from 'vitest';
import { readServiceGuardConfig } from '../src/config.ts';
import { withProviderLinks } from '../src/links.ts';
import { component } from './support/replay.ts';

const TOKEN = 'prom-bearer-token-0123456789';

function settings(provider: JsonObject, errors = 'sum(rate(http_errors_total{service="{{service}}"}[1m]))') {
  return readServiceGuardConfig(
    new ConfigReader({
      serviceGuard: {
        providers: { main: provider },
        profiles: {
          web: {
            provider: 'main',
            metrics: [
              {
                name: 'errors',
                query: errors,
                kind: 'error',
              },
              { name: 'leaky', query: `up{token="${TOKEN}"}` },
            ],
          },
        },
      },
    }),
  );
}

const metric = (name: string): MetricRisk => ({
  metric: name,
  kind: 'error',
  direction: 'higher-is-worse',
  outcome: 'pass',
  risk: 0,
  points: 30,
  alerts: 0,
  reason: 'normal',
});

const snapshot: HealthSnapshot = {
  entityRef: 'component:default/checkout',
  profile: 'web',
  periodStart: '2026-11-20T11:30:00.000Z',
  periodEnd: '2026-11-20T12:00:00.000Z',
  analysedAt: '2026-11-20T12:00:30.000Z',
  state: 'healthy',
  score: 97,
  reasons: [],
  metrics: [metric('errors'), metric('leaky')],
  logs: null,
};

describe('provider links on the health route', () => {
  it("links each metric to Prometheus' graph at uiUrl, with the entity's rendered query", () => {
    const s = settings({
      type: 'prometheus',
      url: 'http://prometheus.monitoring.svc:9090',
      uiUrl: 'https://prometheus.example.com',
      auth: { type: 'bearer', token: TOKEN },
    });
    const linked = withProviderLinks(snapshot, component('checkout') as never, s);
    expect(linked.metrics[0]!.link).toEqual({
      provider: 'prometheus',
      url: 'https://prometheus.example.com/graph?g0.expr=sum%28rate%28http_errors_total%7Bservice%3D%22checkout%22%7D%5B1m%5D%29%29&g0.tab=0&g0.range_input=30m&g0.end_input=2026-11-20T12%3A00%3A00Z',
    });
    // The query holds the provider's token: no link rather than a link with a secret in it.
    expect(linked.metrics[1]!.link).toBeUndefined();
    expect(JSON.stringify(linked)).not.toContain(TOKEN);
  });

  it("links to Datadog's metric explorer on the site's app host, with the entity's metric and scope", () => {
    const s = settings(
      {
        type: 'datadog',
        site: 'datadoghq.eu',
        apiKey: 'dd-api-key-0123456789',
        appKey: 'dd-app-key-0123456789',
      },
      'sum:http.errors{service:{{service}}}.as_count()',
    );
    const linked = withProviderLinks(snapshot, component('checkout') as never, s);
    expect(linked.metrics[0]!.link?.url).toBe(
      'https://app.datadoghq.eu/metric/explorer?exp_metric=http.errors&exp_agg=sum&exp_scope=service%3Acheckout&from_ts=1795174200000&to_ts=1795176000000&live=false',
    );
  });

  it('adds nothing for providers without a UI', () => {
    const s = settings({ type: 'replay', file: '/tmp/none.json' });
    expect(withProviderLinks(snapshot, component('checkout') as never, s).metrics.map((m) => m.link)).toEqual(
      [undefined, undefined],
    );
  });
});
