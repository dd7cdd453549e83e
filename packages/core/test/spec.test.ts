import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDuration, loadSpec, parseDuration, specJsonSchema } from '../src/index.ts';
import { minimalSpec, problemsOf as problemsOfSpec } from './support/spec.ts';

const minimal = minimalSpec;
const problemsOf = (text: string, env: Record<string, string> = {}) => problemsOfSpec(text, env);

describe('loadSpec', () => {
  it('applies defaults to a minimal spec', () => {
    const spec = loadSpec(minimal);
    expect(spec.strategy).toEqual({ type: 'auto', instanceLabel: 'instance' });
    expect(spec.sensitivity).toBe('medium');
    expect(spec.policy).toEqual({
      noData: 'inconclusive',
      judge: 'default',
      earlyStop: true,
      maxConsecutiveErrors: 3,
      evidence: 'warn',
    });
    expect(spec.metrics[0]).toMatchObject({
      direction: 'higher-is-worse',
      weight: 1,
      critical: false,
      muted: false,
    });
  });

  it('names every bad field with its path and suggests the field meant', () => {
    const problems = problemsOf(`
apiVersion: vigil/v1
service: checkout
sensitivty: high
providers:
  prom: { type: prometheus, url: "not a url" }
  dd: { type: datadg }
metrics:
  - name: errors
    query: q
    direction: up
    failFast: [{ type: absolute, when: after, above: 3 }]
`);
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(byPath.sensitivty).toBe('unknown field; did you mean "sensitivity"?');
    expect(byPath['providers.prom.url']).toMatch(/URL/i);
    expect(byPath['providers.dd.type']).toContain("'prometheus' | 'datadog'");
    expect(byPath['metrics[0].direction']).toBe('must be one of "higher-is-worse", "lower-is-worse", "both"');
    expect(byPath['metrics[0].failFast[0].count']).toContain('`count` is required');
  });

  it('checks references between fields', () => {
    const problems = problemsOf(`
apiVersion: vigil/v1
service: s
providers: { a: { type: replay, file: x }, b: { type: replay, file: y } }
strategy: { type: canary, canary: { pattern: "(" } }
metrics:
  - { name: m, query: q }
  - { name: m, query: q, provider: c, trafficMetric: requests }
`);
    expect(problems.map((p) => p.path).sort()).toEqual([
      'metrics[0].provider',
      'metrics[1].name',
      'metrics[1].provider',
      'metrics[1].trafficMetric',
      'strategy.canary.pattern',
    ]);
  });

  it('fills ${env:NAME} from the given environment and names a missing variable', () => {
    const text = minimal.replace(
      '{ type: replay, file: data.json }',
      '{ type: dynatrace, url: "https://x.live.dynatrace.com", token: "${env:DT_TOKEN}" }',
    );
    const spec = loadSpec(text, { env: { DT_TOKEN: 'dt0c01.abc' } });
    expect(spec.providers.recorded).toMatchObject({ type: 'dynatrace', token: 'dt0c01.abc' });
    expect(problemsOf(text)).toEqual([
      {
        path: 'providers.recorded.token',
        message: 'refers to the environment variable DT_TOKEN, which is not set',
      },
    ]);
  });

  it('reports YAML syntax errors', () => {
    expect(problemsOf('service: [unclosed')[0]!.message).toMatch(/^YAML syntax/);
  });
});

describe('durations', () => {
  it('parses and formats', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration(90)).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(() => parseDuration('5 minutes')).toThrow('is not a duration');
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(61_000)).toBe('1m1s');
  });
});

describe('JSON Schema', () => {
  it('is committed as docs/spec.schema.json, equal to a fresh generation', () => {
    const committed = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../../docs/spec.schema.json'), 'utf8'),
    );
    expect(committed).toEqual(specJsonSchema());
  });

  it('documents fields and keeps defaults optional for writers', () => {
    const schema = specJsonSchema() as {
      required: string[];
      properties: Record<string, { description?: string }>;
    };
    expect(schema.required.sort()).toEqual(['apiVersion', 'metrics', 'providers', 'service']);
    expect(schema.properties.duration!.description).toContain('How long to verify');
  });
});

describe('the verification window', () => {
  const withWindow = (window: string) => `${minimal}${window}\n`;
  it('rejects a duration shorter than two intervals, interval 0, and an interval longer than the duration', () => {
    expect(problemsOf(withWindow('duration: 0s'))).toEqual([
      {
        path: 'interval',
        message: '1m is longer than the duration 0s; make the interval at most half the duration',
      },
    ]);
    expect(problemsOf(withWindow('duration: 1m\ninterval: 1m'))).toEqual([
      {
        path: 'duration',
        message: '1m is shorter than two intervals (2 x 1m); make it at least 2m or shorten the interval',
      },
    ]);
    expect(problemsOf(withWindow('interval: 0'))).toEqual([
      { path: 'interval', message: 'must be longer than 0s (got 0s); e.g. "1m"' },
    ]);
    expect(problemsOf(withWindow('duration: 2m\ninterval: 5m'))[0]!.path).toBe('interval');
    expect(loadSpec(withWindow('duration: 2m\ninterval: 1m')).duration).toBe('2m');
  });
});
