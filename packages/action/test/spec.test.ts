import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpecFile } from '@vigil/runtime';
import { describe, expect, it } from 'vitest';
import { readInputs, specEnv } from '../src/inputs.ts';
import { resolveSpec } from '../src/spec.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const reader =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? '';
const secrets = {
  PROMETHEUS_TOKEN: 'p-token',
  DD_API_KEY: 'dd-api',
  DD_APP_KEY: 'dd-app',
  DT_API_TOKEN: 'dt-token',
};

describe('example specs', () => {
  for (const provider of ['prometheus', 'datadog', 'dynatrace'] as const) {
    it(`examples/specs/${provider}.yaml is a valid spec for ${provider}, secrets from the environment`, async () => {
      const spec = await loadSpecFile(join(repoRoot, 'examples/specs', `${provider}.yaml`), secrets);
      const providers = Object.values(spec.providers);
      expect(providers.map((p) => p.type)).toEqual([provider]);
      expect(JSON.stringify(spec.providers)).toMatch(/p-token|dd-api|dt-token/);
      expect(spec.metrics.length).toBeGreaterThan(0);
    });
  }

  it('names the missing secret when the Action was given no credential', async () => {
    await expect(loadSpecFile(join(repoRoot, 'examples/specs/datadog.yaml'), {})).rejects.toThrow(
      /providers\.datadog\.apiKey: refers to the environment variable DD_API_KEY/,
    );
  });
});

describe('resolveSpec', () => {
  it('builds a spec from inputs alone', async () => {
    const inputs = readInputs(
      reader({
        service: 'checkout',
        version: '2.0.0',
        environment: 'production',
        provider: 'prometheus',
        'prometheus-url': 'http://127.0.0.1:9090',
        'prometheus-token': 'tok',
        metrics: 'p99: histogram_quantile(0.99, x{pod=~"{{instances}}"})\nerrors:\n  query: e\n  kind: error',
        'instance-label': 'pod',
        'baseline-pattern': 'web-stable-.*',
        'canary-pattern': 'web-canary-.*',
        duration: '5m',
        interval: '30s',
        sensitivity: 'high',
      }),
    );
    const { spec, specDir } = await resolveSpec(undefined, inputs.inline, { workspace: '/ws', env: {} });
    expect(specDir).toBe('/ws');
    expect(spec).toMatchObject({
      service: 'checkout',
      version: '2.0.0',
      environment: 'production',
      duration: '5m',
      interval: '30s',
      sensitivity: 'high',
      providers: {
        prometheus: {
          type: 'prometheus',
          url: 'http://127.0.0.1:9090',
          auth: { type: 'bearer', token: 'tok' },
        },
      },
      strategy: {
        instanceLabel: 'pod',
        baseline: { pattern: 'web-stable-.*' },
        canary: { pattern: 'web-canary-.*' },
      },
    });
    expect(spec.metrics.map((m) => [m.name, m.kind])).toEqual([
      ['p99', 'other'],
      ['errors', 'error'],
    ]);
  });

  it('builds Datadog and Dynatrace providers from their inputs', async () => {
    const dd = readInputs(
      reader({
        service: 's',
        provider: 'datadog',
        'datadog-site': 'datadoghq.eu',
        'datadog-api-key': 'a',
        'datadog-app-key': 'b',
        metrics: 'm: q',
      }),
    );
    expect((await resolveSpec(undefined, dd.inline, { workspace: '/', env: {} })).spec.providers).toEqual({
      datadog: { type: 'datadog', site: 'datadoghq.eu', apiKey: 'a', appKey: 'b' },
    });
    const dt = readInputs(
      reader({
        service: 's',
        provider: 'dynatrace',
        'dynatrace-url': 'https://x.live.dynatrace.com',
        'dynatrace-token': 't',
        'logs-query': 'q',
      }),
    );
    const spec = (await resolveSpec(undefined, dt.inline, { workspace: '/', env: {} })).spec;
    expect(spec.providers).toEqual({
      dynatrace: { type: 'dynatrace', url: 'https://x.live.dynatrace.com', token: 't' },
    });
    expect(spec.logs?.query).toBe('q');
  });

  it('applies input overrides to a spec file, credentials reaching env references', async () => {
    const inputs = readInputs(
      reader({
        spec: 'examples/specs/prometheus.yaml',
        version: '3.1.0',
        environment: 'staging',
        duration: '2m',
        'canary-pattern': 'checkout-new-.*',
        'prometheus-token': 'from-input',
      }),
    );
    const { spec, specDir } = await resolveSpec(inputs.spec, inputs.inline, {
      workspace: repoRoot,
      env: specEnv(inputs.inline, {}),
    });
    expect(specDir).toBe(join(repoRoot, 'examples/specs'));
    expect(spec).toMatchObject({
      service: 'checkout',
      version: '3.1.0',
      environment: 'staging',
      duration: '2m',
      interval: '1m',
      strategy: {
        type: 'canary',
        baseline: { pattern: 'checkout-stable-.*' },
        canary: { pattern: 'checkout-new-.*' },
      },
      providers: { prometheus: { auth: { type: 'bearer', token: 'from-input' } } },
    });
  });

  it('names the input behind each spec problem', async () => {
    const inputs = readInputs(
      reader({
        service: 'checkout',
        provider: 'prometheus',
        'prometheus-url': 'not a url',
        metrics: '- name: a\n  query: q\n  kind: latncy',
        duration: 'ten minutes',
        'canary-pattern': '([',
        'baseline-pattern': 'x',
        strategy: 'canary',
      }),
    );
    const error = await resolveSpec(undefined, inputs.inline, { workspace: '/', env: {} }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toContain('input "prometheus-url" (providers.prometheus.url)');
    expect(error?.message).toContain('input "metrics" (metrics[0].kind): must be one of');
    expect(error?.message).toContain('input "duration" (duration)');
  });

  it('blames the spec file, not an input, for its own problems, and says when the file is missing', async () => {
    const inputs = readInputs(reader({ spec: 'examples/specs/prometheus.yaml', interval: '0.5x' }));
    await expect(resolveSpec(inputs.spec, inputs.inline, { workspace: repoRoot, env: {} })).rejects.toThrow(
      /providers\.prometheus\.auth\.token: refers to the environment variable PROMETHEUS_TOKEN/,
    );
    await expect(
      resolveSpec(inputs.spec, inputs.inline, { workspace: repoRoot, env: { PROMETHEUS_TOKEN: 'x' } }),
    ).rejects.toThrow(/input "interval" \(interval\)/);
    await expect(resolveSpec('nope.yaml', inputs.inline, { workspace: repoRoot, env: {} })).rejects.toThrow(
      /input "spec": cannot read the spec .*nope\.yaml: no such file/,
    );
  });
});

describe('the preset input', () => {
  const base = {
    service: 'checkout',
    provider: 'prometheus',
    'prometheus-url': 'http://127.0.0.1:9090',
    'instance-label': 'pod',
  };

  it('expands presets before the hand-written metrics, with the Prometheus naming chosen', async () => {
    const inputs = readInputs(
      reader({ ...base, preset: 'http-red:prometheus, use', metrics: 'queue: sum by (pod) (q)' }),
    );
    const { spec } = await resolveSpec(undefined, inputs.inline, { workspace: '/ws', env: {} });
    expect(spec.metrics.map((m) => m.name)).toEqual([
      'request rate',
      'error ratio',
      'latency p50',
      'latency p95',
      'latency p99',
      'cpu',
      'memory',
      'cpu throttling',
      'queue',
    ]);
    expect(spec.metrics[4]!.query).toBe(
      'histogram_quantile(0.99, sum by (pod, le) (rate(http_request_duration_seconds_bucket{pod=~"{{instances}}"}[1m])))',
    );
    expect(spec.metrics.slice(0, 5).map((m) => m.unit)).toEqual(['req/s', 'ratio', 's', 's', 's']);
  });

  it('is enough without metrics', async () => {
    const inputs = readInputs(reader({ ...base, preset: 'http-red' }));
    const { spec } = await resolveSpec(undefined, inputs.inline, { workspace: '/ws', env: {} });
    expect(spec.metrics[0]!.query).toContain('http_server_request_duration_seconds_count');
  });

  it('names an unknown preset, blamed on the input, with the known ones', async () => {
    const inputs = readInputs(reader({ ...base, preset: 'http-rde' }));
    await expect(resolveSpec(undefined, inputs.inline, { workspace: '/ws', env: {} })).rejects.toThrow(
      /input "preset".*unknown preset "http-rde"; known presets: http-red, use/,
    );
    expect(() => readInputs(reader({ ...base, preset: 'http-red:a:b' }))).toThrow(
      /"http-red:a:b" is not a preset/,
    );
    expect(() => readInputs(reader({ preset: 'use', spec: 'vigil.yaml' }))).toThrow(
      /preset.*cannot be combined with "spec"/,
    );
  });
});
