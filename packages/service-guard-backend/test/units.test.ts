import './support/jestShim.ts';
import { ConfigReader } from '@backstage/config';
import type { AnomalyPoint } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { readServiceGuardConfig, ServiceGuardConfigError } from '../src/config.ts';
import { entityTarget } from '../src/entityTargets.ts';
import { combineHealth, metricRisk } from '../src/health.ts';
import { lastCompletePeriod, workerTaskId } from '../src/shards.ts';
import type { MetricSettings } from '../src/config.ts';

const base = {
  providers: {
    prom: { type: 'prometheus', url: 'http://127.0.0.1:9090', auth: { type: 'bearer', token: 's3cret' } },
  },
  profiles: {
    web: {
      provider: 'prom',
      metrics: [{ name: 'errors', query: 'sum(rate(errors_total{service="{{service}}"}[1m]))' }],
    },
  },
};
const read = (serviceGuard: unknown) => readServiceGuardConfig(new ConfigReader({ serviceGuard } as never));

describe('config', () => {
  it('fills the documented defaults', () => {
    const s = read(base);
    expect(s.schedule).toMatchObject({
      shards: 1,
      periodMs: 5 * 60_000,
      historyMs: 7 * 86_400_000,
      concurrency: 4,
      definition: { frequency: { minutes: 5 }, timeout: { minutes: 4 }, scope: 'global' },
    });
    expect(s.profiles.get('web')).toMatchObject({
      instanceLabel: 'instance',
      stepMs: 60_000,
      metrics: [
        { kind: 'other', direction: 'higher-is-worse', sensitivity: 'medium', weight: 1, critical: false },
      ],
    });
    expect(s.retention).toEqual({
      snapshotsMs: 30 * 86_400_000,
      verificationsMs: 180 * 86_400_000,
      frequencyMs: 6 * 3_600_000,
    });
    expect(s.providers.get('prom')).toMatchObject({ type: 'prometheus', name: 'prom' });
  });

  it('reads durations in both of Backstage’s forms and a period for a cron', () => {
    const s = read({
      ...base,
      schedule: { frequency: { cron: '*/10 * * * *' }, period: 'PT10M', shards: 3 },
    });
    expect(s.schedule.periodMs).toBe(600_000);
    expect(s.schedule.shards).toBe(3);
    expect(() => read({ ...base, schedule: { frequency: { cron: '*/10 * * * *' } } })).toThrow(
      /serviceGuard\.schedule\.period is required/,
    );
  });

  it('names the key at fault', () => {
    const cases: [unknown, RegExp][] = [
      [
        { ...base, providers: { prom: { type: 'graphite' } } },
        /serviceGuard\.providers\.prom\.type: must be one of 'prometheus' \| 'datadog'/,
      ],
      [
        { ...base, providers: { prom: { type: 'datadog', apiKey: 'k' } } },
        /serviceGuard\.providers\.prom\.appKey: is required/,
      ],
      [
        { ...base, profiles: { web: { ...base.profiles.web, provider: 'nope' } } },
        /serviceGuard\.profiles\.web\.provider names "nope"/,
      ],
      [
        {
          ...base,
          profiles: { web: { provider: 'prom', metrics: [{ name: 'a', query: 'x', direction: 'up' }] } },
        },
        /serviceGuard\.profiles\.web\.metrics\[0\]\.direction is "up"/,
      ],
      [{ ...base, schedule: { shards: 0 } }, /serviceGuard\.schedule\.shards must be a whole number >= 1/],
      [
        {
          ...base,
          profiles: { web: { provider: 'prom', metrics: [{ name: 'a', query: 'x', unit: 'furlongs' }] } },
        },
        /serviceGuard\.profiles\.web\.metrics\[0\]\.unit: unknown unit "furlongs"; use one of ns, us, ms, s/,
      ],
    ];
    for (const [cfg, msg] of cases) expect(() => read(cfg)).toThrow(msg);
    const seconds = read({
      ...base,
      profiles: { web: { provider: 'prom', metrics: [{ name: 'a', query: 'x', unit: 'seconds' }] } },
    });
    expect(seconds.profiles.get('web')?.metrics[0]?.unit).toBe('s');
    try {
      read({ ...base, providers: { prom: { type: 'graphite', token: 's3cret' } } });
    } catch (e) {
      expect(e).toBeInstanceOf(ServiceGuardConfigError);
      expect((e as Error).message).not.toContain('s3cret');
    }
  });
});

describe('providers are validated with the spec schema', () => {
  const provider = (p: Record<string, unknown>) => () => read({ ...base, providers: { prom: p } });

  it('names every bad key and what to write, as a spec would', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { type: 'prometheus', url: 'http://prom:9090', auth: { type: 'bearer' } },
        /serviceGuard\.providers\.prom\.auth\.token: is required/,
      ],
      [
        { type: 'prometheus', url: 'http://prom:9090', psot: true },
        /serviceGuard\.providers\.prom\.psot: unknown field; did you mean "post"\?/,
      ],
      [
        { type: 'datadog', apiKey: 'k', appKey: 'a', site: 'datadoghq.xx' },
        /serviceGuard\.providers\.prom\.site: must be one of "datadoghq\.com", "us3\.datadoghq\.com"/,
      ],
      [
        { type: 'prometheus', url: 'http://prom:9090', http: { retries: -1 } },
        /serviceGuard\.providers\.prom\.http\.retries: must be >= 0/,
      ],
      [
        {
          type: 'http',
          url: 'https://apm.example.com/q',
          pick: { points: '$', timestamp: 't', instance: 'i' },
        },
        /serviceGuard\.providers\.prom\.pick\.value: is required/,
      ],
    ];
    for (const [p, msg] of cases) {
      expect(provider(p)).toThrow(msg);
      expect(provider(p)).toThrow(ServiceGuardConfigError);
    }
  });

  it('lists every problem at once and never repeats a value', () => {
    try {
      provider({ type: 'dynatrace', url: 'not a url', token: 7, entitySelektor: 's3cret-value' })();
      expect.unreachable();
    } catch (e) {
      const lines = (e as Error).message.split('\n');
      expect(lines).toEqual([
        'serviceGuard.providers.prom.url: must be an absolute URL such as https://host:port/path',
        'serviceGuard.providers.prom.token: must be a string',
        'serviceGuard.providers.prom.entitySelektor: unknown field; did you mean "entitySelector"?',
      ]);
      expect((e as Error).message).not.toContain('s3cret');
    }
  });

  it('keeps the name and the settings it was given', () => {
    const settings = read({
      ...base,
      providers: { prom: { type: 'prometheus', url: 'http://prom:9090', http: { retries: 2 } } },
    });
    expect(settings.providers.get('prom')).toEqual({
      type: 'prometheus',
      url: 'http://prom:9090',
      http: { retries: 2 },
      name: 'prom',
    });
  });
});

describe('entity targets', () => {
  const settings = read({
    ...base,
    profiles: {
      ...base.profiles,
      dt: {
        provider: 'prom',
        metrics: [
          {
            name: 'rt',
            query: 'builtin:service.response.time:filter(eq("dt.entity.service","{{dynatraceEntityId}}"))',
          },
        ],
      },
    },
  });
  const typeOf = (n: string) => settings.providers.get(n)?.type;
  const entity = (annotations: Record<string, string>, name = 'Web') => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
  });

  it('gives queries the entity’s variables, with the ecosystem annotations and vigil.dev/var.*', () => {
    const t = entityTarget(
      entity({
        'vigil.dev/service-guard': 'web',
        'prometheus.io/service-name': 'web-svc',
        'vigil.dev/var.cluster': 'eu-1',
      }),
      settings.profiles,
      typeOf,
    );
    expect(t).toMatchObject({
      ok: true,
      entityRef: 'component:default/web',
      vars: {
        name: 'Web',
        namespace: 'default',
        kind: 'component',
        ref: 'component:default/web',
        service: 'web-svc',
        cluster: 'eu-1',
      },
    });
    // Without the annotation the service is the entity's name (Datadog's and Prometheus' convention).
    const plain = entityTarget(entity({ 'vigil.dev/service-guard': 'web' }), settings.profiles, typeOf);
    expect(plain.ok && plain.vars.service).toBe('Web');
  });

  it('reports a bad annotation for that entity, with the reason', () => {
    const reason = (a: Record<string, string>) => {
      const t = entityTarget(entity(a), settings.profiles, typeOf);
      return t.ok ? 'ok' : t.reason;
    };
    expect(reason({ 'vigil.dev/service-guard': '' })).toMatch(/vigil\.dev\/service-guard is empty/);
    expect(reason({ 'vigil.dev/service-guard': 'x' })).toMatch(
      /names profile "x", which is not configured \(serviceGuard\.profiles has: web, dt\)/,
    );
    expect(reason({ 'vigil.dev/service-guard': 'web', 'prometheus.io/service-name': 'a\nb' })).toMatch(
      /control character/,
    );
    expect(
      reason({ 'vigil.dev/service-guard': 'web', 'prometheus.io/service-name': 'a'.repeat(257) }),
    ).toMatch(/257 characters long/);
    expect(reason({ 'vigil.dev/service-guard': 'web', 'vigil.dev/var.name': 'x' })).toMatch(
      /override the built-in variable \{\{name\}\}/,
    );
    expect(reason({ 'vigil.dev/service-guard': 'web', 'vigil.dev/var.9x': 'x' })).toMatch(
      /is not a variable name/,
    );
    expect(reason({ 'vigil.dev/service-guard': 'dt' })).toMatch(
      /dynatrace\.com\/dynatrace-entity-id is missing/,
    );
    expect(
      reason({ 'vigil.dev/service-guard': 'dt', 'dynatrace.com/dynatrace-entity-id': 'SERVICE-1A2B' }),
    ).toBe('ok');
  });
});

describe('health', () => {
  const m = (over: Partial<MetricSettings> = {}): MetricSettings => ({
    name: 'latency',
    query: 'q',
    kind: 'latency',
    direction: 'higher-is-worse',
    sensitivity: 'medium',
    weight: 1,
    critical: false,
    ...over,
  });
  const p = (t: number, value: number, expected: number | null, score: number): AnomalyPoint => ({
    t,
    value,
    score,
    alert: score >= 0.5,
    expected,
    lower: null,
    upper: null,
    reason: 'r',
  });

  it('counts only deviations in the bad direction', () => {
    const pts = [p(0, 10, 10, 0.1), p(60_000, 2, 10, 0.9), p(120_000, 30, 10, 0.7)];
    const up = metricRisk(m(), [{ instance: 'a', points: pts }]);
    expect(up).toMatchObject({ outcome: 'fail', alerts: 1, risk: 0.7, points: 3 });
    expect(up.worst).toMatchObject({ value: 30, expected: 10, instance: 'a' });
    const down = metricRisk(m({ direction: 'lower-is-worse' }), [{ instance: 'a', points: pts }]);
    expect(down).toMatchObject({ outcome: 'fail', alerts: 1, risk: 0.9 });
    const both = metricRisk(m({ direction: 'both' }), [{ instance: 'a', points: pts }]);
    expect(both).toMatchObject({ alerts: 2, risk: 0.9 });
    const none = metricRisk(m(), [{ instance: 'a', points: [p(0, Number.NaN, null, 0)] }]);
    expect(none).toMatchObject({ outcome: 'no-data', points: 0 });
  });

  it('combines signals into state and score as documented', () => {
    const risk = (outcome: 'pass' | 'fail' | 'no-data', r: number, name = 'x') => ({
      metric: name,
      kind: 'latency' as const,
      direction: 'higher-is-worse' as const,
      outcome,
      risk: r,
      points: outcome === 'no-data' ? 0 : 30,
      alerts: outcome === 'fail' ? 1 : 0,
      reason: `${name} ${outcome}`,
    });
    const w = (weight: number, critical = false) => ({ weight, critical });
    // 100 * (1 - (1*0.2 + 3*0.1) / 4) = 87.5 -> 88
    expect(
      combineHealth(
        [
          { risk: risk('pass', 0.2), settings: w(1) },
          { risk: risk('pass', 0.1), settings: w(3) },
        ],
        null,
      ),
    ).toMatchObject({
      state: 'healthy',
      score: 88,
    });
    // One non-critical failure: degraded, score capped at 79 (raw 100 * (1 - 0.9/2) = 55).
    expect(
      combineHealth(
        [
          { risk: risk('fail', 0.9, 'a'), settings: w(1) },
          { risk: risk('pass', 0), settings: w(1) },
        ],
        null,
      ),
    ).toMatchObject({
      state: 'degraded',
      score: 55,
      reasons: ['a fail'],
    });
    // A critical failure: unhealthy even with a low raw risk share; raw 100*(1-0.6/4)=85 -> capped 49.
    expect(
      combineHealth(
        [
          { risk: risk('fail', 0.6, 'c'), settings: w(1, true) },
          { risk: risk('pass', 0), settings: w(3) },
        ],
        null,
      ),
    ).toMatchObject({ state: 'unhealthy', score: 49 });
    // Logs fail: unhealthy; logs weigh 1.
    const logs = {
      outcome: 'fail' as const,
      risk: 0.9,
      explanation: 'new error',
      totals: { period: 5, history: 9 },
      clusters: [],
    };
    expect(combineHealth([{ risk: risk('pass', 0.1), settings: w(1) }], logs)).toMatchObject({
      state: 'unhealthy',
      score: 49,
      reasons: ['logs: new error'],
    });
    // No signal with data.
    expect(combineHealth([{ risk: risk('no-data', 0, 'm'), settings: w(1) }], null)).toEqual({
      state: 'no-data',
      score: null,
      reasons: ['m no-data'],
    });
  });
});

describe('worker tasks and periods', () => {
  it('names worker tasks per replica', () => {
    expect(workerTaskId(3)).toBe('service-guard:worker-3');
  });

  it('analyses the last complete period', () => {
    const t = Date.UTC(2026, 0, 1, 10, 7, 30);
    expect(lastCompletePeriod(t, 5 * 60_000)).toEqual({
      start: Date.UTC(2026, 0, 1, 10, 0),
      end: Date.UTC(2026, 0, 1, 10, 5),
    });
    expect(lastCompletePeriod(Date.UTC(2026, 0, 1, 10, 5), 5 * 60_000).end).toBe(Date.UTC(2026, 0, 1, 10, 5));
  });
});

describe('provider hosts come from config only', () => {
  const withProvider = (provider: Record<string, unknown>) =>
    new ConfigReader({ serviceGuard: { providers: { api: provider } } } as never);
  const http = (url: string) => ({
    type: 'http',
    url,
    pick: { points: '$', timestamp: 't', value: 'v', instance: 'i' },
  });

  it('refuses a template in the scheme, host or port, naming the key', () => {
    for (const url of [
      'http://{{service}}:8080/metrics?q={{query}}',
      'http://metrics.{{namespace}}.svc/api',
      'http://apm.example.com:{{port}}/api',
      '{{scheme}}://apm.example.com/api',
      'https://user:{{service}}@apm.example.com/api',
      'http://apm.example.com{{path}}',
    ]) {
      expect(() => readServiceGuardConfig(withProvider(http(url))), url).toThrow(
        /serviceGuard\.providers\.api\.url: the scheme, host and port must be written out/,
      );
    }
    expect(() =>
      readServiceGuardConfig(
        withProvider({ type: 'datadog', apiKey: 'k', appKey: 'a', baseUrl: 'https://{{site}}' }),
      ),
    ).toThrow(/serviceGuard\.providers\.api\.baseUrl/);
    expect(() => readServiceGuardConfig(withProvider(http('file:///etc/passwd')))).toThrow(/http or https/);
  });

  it('takes templates in the path and query', () => {
    const s = readServiceGuardConfig(
      withProvider(
        http('https://apm.example.com:8443/api/{{service}}/series?q={{query}}&from={{startSeconds}}'),
      ),
    );
    expect(s.providers.get('api')?.type).toBe('http');
  });
});
