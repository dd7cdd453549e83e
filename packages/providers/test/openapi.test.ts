import { describe, expect, it } from 'vitest';
import { loadOpenApi } from './support/openapi.ts';

// The fakes' validation is only worth something if it rejects what the vendor would reject.
describe('OpenAPI validation used by the fakes', () => {
  it('rejects Datadog requests and responses that break the contract', () => {
    const v1 = loadOpenApi('datadog/v1/openapi.yaml');
    expect(
      v1.request(
        'GET',
        '/api/v1/query',
        new URLSearchParams({ from: '1', to: '2', query: 'a{*}' }),
        undefined,
      ),
    ).toEqual([]);
    expect(
      v1.request('GET', '/api/v1/query', new URLSearchParams({ to: '2', query: 'a{*}' }), undefined),
    ).toEqual(['query parameter from is required']);
    const bad = v1.request(
      'GET',
      '/api/v1/query',
      new URLSearchParams({ from: 'x', to: '2', query: 'q', extra: '1' }),
      undefined,
    );
    expect(bad.some((e) => e.startsWith('query.from'))).toBe(true);
    expect(bad).toContain('query parameter extra is not documented');
    expect(
      v1
        .request('POST', '/api/v1/events', new URLSearchParams(), {
          title: 't',
          text: 'x',
          alert_type: 'bogus',
        })
        .join(),
    ).toContain('alert_type');
    expect(
      v1.response('GET', '/api/v1/query', 200, { series: [{ pointlist: [[1, 2, 3]] }] }).join(),
    ).toContain('pointlist');
    expect(v1.response('GET', '/api/v1/query', 200, { series: [{ pointlist: [[1, null]] }] })).toEqual([]);
  });

  it('rejects Dynatrace requests and responses that break the contract', () => {
    const dt = loadOpenApi('dynatrace/env-v2.json', { basePath: '/api/v2' });
    expect(
      dt.request(
        'GET',
        '/api/v2/metrics/query',
        new URLSearchParams({ metricSelector: 'a', nextPageKey: 'k' }),
        undefined,
      ),
    ).toEqual(['query parameter nextPageKey is not documented']);
    expect(
      dt
        .request('POST', '/api/v2/events/ingest', new URLSearchParams(), { eventType: 'DEPLOY', title: 't' })
        .join(),
    ).toContain('eventType');
    expect(
      dt
        .response('GET', '/api/v2/metrics/query', 200, {
          result: [{ data: [{ dimensionMap: {}, dimensions: [], timestamps: [1], values: [null] }] }],
        })
        .join(),
    ).toContain('values');
  });
});
