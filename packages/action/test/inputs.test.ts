import { describe, expect, it } from 'vitest';
import { ActionInputError, readInputs, secretInputValues, specEnv } from '../src/inputs.ts';

/** Inputs as the runner passes them: unset ones read as ''. */
const reader =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? '';

const prometheusInline = {
  service: 'checkout',
  provider: 'prometheus',
  'prometheus-url': 'http://prom:9090',
  metrics: 'p99: histogram_quantile(0.99, rate(x[1m]))',
};

function inputError(values: Record<string, string>): ActionInputError {
  try {
    readInputs(reader(values));
  } catch (e) {
    expect(e).toBeInstanceOf(ActionInputError);
    return e as ActionInputError;
  }
  throw new Error('expected an ActionInputError');
}

describe('readInputs', () => {
  it('applies the documented defaults', () => {
    const inputs = readInputs(reader({ spec: 'vigil.yaml' }));
    expect(inputs).toMatchObject({
      spec: 'vigil.yaml',
      onFailure: 'fail',
      onInconclusive: 'fail',
      preflight: true,
    });
    expect(inputs.rollback).toBeUndefined();
    expect(inputs.backstage).toBeUndefined();
    expect(inputs.deploymentId).toBeUndefined();
  });

  it('parses metrics given as a mapping from name to query, or to the rest of the metric', () => {
    const inputs = readInputs(
      reader({
        ...prometheusInline,
        metrics: 'p99 latency:\n  query: q1\n  kind: latency\nerrors: q2\n',
      }),
    );
    expect(inputs.inline.metrics).toEqual([
      { name: 'p99 latency', query: 'q1', kind: 'latency' },
      { name: 'errors', query: 'q2' },
    ]);
  });

  it('parses metrics given as a YAML list of metric specs', () => {
    const inputs = readInputs(
      reader({
        ...prometheusInline,
        metrics: '- name: a\n  query: qa\n- name: b\n  query: qb\n  critical: true',
      }),
    );
    expect(inputs.inline.metrics).toEqual([
      { name: 'a', query: 'qa' },
      { name: 'b', query: 'qb', critical: true },
    ]);
  });

  it('names the input of every bad value', () => {
    expect(inputError({ spec: 'x.yaml', 'on-failure': 'rolback' }).message).toBe(
      'input "on-failure" must be one of fail, rollback, warn (got "rolback")',
    );
    expect(inputError({ spec: 'x.yaml', 'on-inconclusive': 'ignore' }).input).toBe('on-inconclusive');
    expect(inputError({ spec: 'x.yaml', 'deployment-id': '12a', 'github-token': 't' }).input).toBe(
      'deployment-id',
    );
    expect(inputError({ spec: 'x.yaml', 'deployment-id': '0', 'github-token': 't' }).input).toBe(
      'deployment-id',
    );
    expect(inputError({ spec: 'x.yaml', preflight: 'yes' }).input).toBe('preflight');
    expect(inputError({ ...prometheusInline, metrics: 'a: [unclosed' }).input).toBe('metrics');
    expect(inputError({ ...prometheusInline, metrics: '42' }).input).toBe('metrics');
    expect(inputError({ ...prometheusInline, metrics: '- just a string' }).input).toBe('metrics');
    expect(inputError({ ...prometheusInline, provider: 'graphite' }).input).toBe('provider');
  });

  it('requires what an inline spec cannot do without', () => {
    expect(inputError({ provider: 'prometheus' }).input).toBe('service');
    expect(inputError({ service: 's' }).input).toBe('provider');
    expect(inputError({ service: 's', provider: 'prometheus', 'prometheus-url': 'http://p' }).input).toBe(
      'metrics',
    );
    expect(inputError({ ...prometheusInline, 'prometheus-url': '' }).input).toBe('prometheus-url');
    expect(inputError({ ...prometheusInline, provider: 'datadog' }).input).toBe('datadog-api-key');
    expect(inputError({ ...prometheusInline, provider: 'datadog', 'datadog-api-key': 'k' }).input).toBe(
      'datadog-app-key',
    );
    expect(inputError({ ...prometheusInline, provider: 'dynatrace' }).input).toBe('dynatrace-url');
    expect(inputError({ ...prometheusInline, 'prometheus-username': 'u' }).input).toBe('prometheus-password');
    expect(
      inputError({
        ...prometheusInline,
        'prometheus-username': 'u',
        'prometheus-password': 'p',
        'prometheus-token': 't',
      }).input,
    ).toBe('prometheus-token');
  });

  it('refuses inputs that would replace what the spec file defines', () => {
    const e = inputError({ spec: 'vigil.yaml', metrics: 'a: q' });
    expect(e.input).toBe('metrics');
    expect(e.message).toContain('cannot be combined with "spec"');
    expect(inputError({ spec: 'vigil.yaml', provider: 'datadog' }).input).toBe('provider');
    expect(inputError({ spec: 'vigil.yaml', 'logs-query': 'service:x' }).input).toBe('logs-query');
  });

  it('requires a workflow and a token for rollbacks, and a rollback policy for rollback settings', () => {
    expect(inputError({ spec: 'v.yaml', 'on-failure': 'rollback', 'github-token': 't' }).input).toBe(
      'rollback-workflow',
    );
    expect(
      inputError({ spec: 'v.yaml', 'on-inconclusive': 'rollback', 'github-token': 't' }).message,
    ).toContain('on-inconclusive is "rollback"');
    expect(
      inputError({ spec: 'v.yaml', 'on-failure': 'rollback', 'rollback-workflow': 'rb.yml' }).input,
    ).toBe('github-token');
    expect(inputError({ spec: 'v.yaml', 'rollback-workflow': 'rb.yml' }).input).toBe('rollback-workflow');
    expect(inputError({ spec: 'v.yaml', 'deployment-id': '7' }).input).toBe('github-token');
  });

  it('parses rollback-inputs into strings, keeping null as "remove this default"', () => {
    const inputs = readInputs(
      reader({
        spec: 'v.yaml',
        'on-failure': 'rollback',
        'rollback-workflow': 'rollback.yml',
        'rollback-ref': 'release',
        'github-token': 't',
        'rollback-inputs': '{"environment": "prod", "replicas": 3, "dry": false, "vigil-key": null}',
      }),
    );
    expect(inputs.rollback).toEqual({
      workflow: 'rollback.yml',
      ref: 'release',
      inputs: { environment: 'prod', replicas: '3', dry: 'false', 'vigil-key': null },
    });
    const base = {
      spec: 'v.yaml',
      'on-failure': 'rollback',
      'rollback-workflow': 'r.yml',
      'github-token': 't',
    };
    expect(inputError({ ...base, 'rollback-inputs': '{bad' }).input).toBe('rollback-inputs');
    expect(inputError({ ...base, 'rollback-inputs': '["a"]' }).input).toBe('rollback-inputs');
    expect(inputError({ ...base, 'rollback-inputs': '{"a": {"b": 1}}' }).message).toContain('"a" must be');
  });

  it('needs both Backstage settings, a URL and a valid entity ref', () => {
    expect(inputError({ spec: 'v.yaml', 'backstage-url': 'https://b' }).input).toBe('backstage-token');
    expect(inputError({ spec: 'v.yaml', 'backstage-token': 's' }).input).toBe('backstage-url');
    expect(inputError({ spec: 'v.yaml', 'backstage-url': 'backstage', 'backstage-token': 's' }).input).toBe(
      'backstage-url',
    );
    expect(
      inputError({
        spec: 'v.yaml',
        'backstage-url': 'https://b',
        'backstage-token': 's',
        'backstage-entity-ref': 'a/b/c',
      }).input,
    ).toBe('backstage-entity-ref');
    const ok = readInputs(
      reader({ spec: 'v.yaml', 'backstage-url': 'https://b.example.com/', 'backstage-token': 's' }),
    );
    expect(ok.backstage).toEqual({ url: 'https://b.example.com', token: 's' });
  });

  it('reads epoch seconds in deployed-at as a number and ISO times as strings', () => {
    expect(readInputs(reader({ spec: 'v.yaml', 'deployed-at': '1763700000' })).inline.deployedAt).toBe(
      1763700000,
    );
    expect(
      readInputs(reader({ spec: 'v.yaml', 'deployed-at': '2026-11-21T10:00:00Z' })).inline.deployedAt,
    ).toBe('2026-11-21T10:00:00Z');
  });
});

describe('credentials', () => {
  it('lists every credential input that is set, so each is masked before anything is logged', () => {
    const values = {
      'github-token': 'ghs_abc',
      'prometheus-token': 'p-tok',
      'prometheus-password': 'p-pass',
      'datadog-api-key': 'dd-api',
      'datadog-app-key': 'dd-app',
      'dynatrace-token': 'dt0c01.x',
      'backstage-token': 'bs-tok',
      'prometheus-url': 'http://not-a-secret',
      service: 'checkout',
    };
    expect(secretInputValues(reader(values)).sort()).toEqual(
      ['ghs_abc', 'p-tok', 'p-pass', 'dd-api', 'dd-app', 'dt0c01.x', 'bs-tok'].sort(),
    );
    expect(secretInputValues(reader({}))).toEqual([]);
  });

  it('offers the credential inputs to spec files under the documented environment names', () => {
    const inputs = readInputs(
      reader({ spec: 'v.yaml', 'datadog-api-key': 'A', 'datadog-app-key': 'B', 'dynatrace-token': 'C' }),
    );
    const env = specEnv(inputs.inline, { DD_API_KEY: 'from-env', PATH: '/bin' });
    expect(env).toMatchObject({ DD_API_KEY: 'A', DD_APP_KEY: 'B', DT_API_TOKEN: 'C', PATH: '/bin' });
    expect(env.PROMETHEUS_TOKEN).toBeUndefined();
  });
});
