/** Entities and API answers shaped as the backend sends them for a failing checkout service. */
import type { Entity } from '@backstage/catalog-model';
import type {
  DeploymentVerification,
  HealthHistoryEntry,
  HealthResponse,
  HealthSnapshot,
  MetricRisk,
} from '@vigil/backstage-plugin-service-guard-common';

export function entity(name: string, annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

export const optedIn = (name: string) => entity(name, { 'vigil.dev/service-guard': 'web' });

const PERIOD = 30 * 60_000;
export const PERIOD_END = Date.UTC(2026, 10, 20, 12, 0);
const iso = (ms: number) => new Date(ms).toISOString();

/** Six periods: four healthy, one degraded, then unhealthy now (newest first, as the API sends them). */
export function history(): HealthHistoryEntry[] {
  const states: [HealthHistoryEntry['state'], number | null][] = [
    ['unhealthy', 31],
    ['degraded', 64],
    ['healthy', 96],
    ['healthy', 97],
    ['no-data', null],
    ['healthy', 95],
  ];
  return states.map(([state, score], i) => ({
    periodStart: iso(PERIOD_END - (i + 1) * PERIOD),
    periodEnd: iso(PERIOD_END - i * PERIOD),
    analysedAt: iso(PERIOD_END - i * PERIOD + 30_000),
    state,
    score,
    reasons: [],
  }));
}

/** checkout's latency as the backend rates it: normal over the 30 points of the period. */
export const latencyRisk: MetricRisk = {
  metric: 'latency',
  kind: 'latency',
  direction: 'higher-is-worse',
  unit: 'ms',
  outcome: 'pass',
  risk: 0.12,
  points: 30,
  alerts: 0,
  reason: 'latency: normal (30 points, highest anomaly score 0.12 < 0.5)',
};

/** checkout's error rate as the backend rates it: failing, one alert in the 30 points of the period. */
export const errorsRisk: MetricRisk = {
  metric: 'errors',
  kind: 'error',
  direction: 'higher-is-worse',
  unit: 'errors/min',
  outcome: 'fail',
  risk: 0.97,
  points: 30,
  alerts: 1,
  reason: 'errors: 1 of 30 points anomalous',
};

/** checkout's error rate as the backend now stores it: far above its band for 25 of the 30 minutes. */
export const anomalousErrorsRisk: MetricRisk = {
  ...errorsRisk,
  threshold: 0.5,
  anomalous: { points: 25, first: '2026-11-20T11:35:00.000Z', last: '2026-11-20T11:59:00.000Z' },
  worst: {
    t: '2026-11-20T11:36:00.000Z',
    instance: 'checkout-0',
    value: 32.83,
    expected: 5.191,
    lower: 3.1,
    upper: 7.2,
    why: '32.83 vs 5.191 expected from same time of day (179.5x usual deviation)',
  },
  reason:
    'errors: 1 of 30 points anomalous; worst 32.8 errors/min on checkout-0 at 2026-11-20T11:36:00.000Z (32.83 vs 5.191 expected from same time of day (179.5x usual deviation))',
};

export function failingSnapshot(): HealthSnapshot {
  return {
    entityRef: 'component:default/checkout',
    profile: 'web',
    periodStart: iso(PERIOD_END - PERIOD),
    periodEnd: iso(PERIOD_END),
    analysedAt: iso(PERIOD_END + 30_000),
    state: 'unhealthy',
    score: 31,
    reasons: [
      'errors: 9 of 30 points anomalous; worst 42 on checkout-0 at 2026-11-20T11:55:00.000Z (6.1 sigma above the expected 7)',
      'logs: 1 new error cluster (java.lang.NullPointerException ...), 12 messages',
    ],
    metrics: [
      {
        ...latencyRisk,
        worst: {
          t: iso(PERIOD_END - 5 * 60_000),
          instance: 'checkout-0',
          value: 212,
          expected: 200,
          lower: 180,
          upper: 225,
        },
      },
      {
        metric: 'errors',
        kind: 'error',
        direction: 'higher-is-worse',
        outcome: 'fail',
        risk: 0.97,
        points: 30,
        alerts: 9,
        worst: {
          t: iso(PERIOD_END - 5 * 60_000),
          instance: 'checkout-0',
          value: 42,
          expected: 7,
          lower: 3,
          upper: 11,
        },
        reason:
          'errors: 9 of 30 points anomalous; worst 42 on checkout-0 at 2026-11-20T11:55:00.000Z (6.1 sigma above the expected 7)',
      },
    ],
    logs: {
      outcome: 'fail',
      risk: 0.9,
      explanation: '1 new cluster of errors',
      totals: { period: 320, history: 5400 },
      clusters: [
        {
          clusterId: 'c-cache',
          template: 'cache refreshed: <*> keys',
          class: 'known',
          level: 'info',
          count: 6,
          historyCount: 110,
          risk: 0,
          samples: ['cache refreshed: 311 keys'],
          explanation: 'as often as usual',
        },
        {
          clusterId: 'c-npe',
          template:
            'java.lang.NullPointerException: Cannot invoke "Discount.apply()" because "promo" is null',
          class: 'unknown',
          level: 'error',
          count: 12,
          historyCount: 0,
          risk: 0.9,
          samples: [
            'java.lang.NullPointerException: Cannot invoke "Discount.apply()" because "promo" is null',
          ],
          explanation: 'new: never seen in the last 6 hours; error level',
        },
      ],
    },
  };
}

export function failingHealth(): HealthResponse {
  return {
    entityRef: 'component:default/checkout',
    current: failingSnapshot(),
    history: history(),
    freshness: { expectedPeriodStart: failingSnapshot().periodStart, lateByMs: 0 },
  };
}

export function verification(overrides: Partial<DeploymentVerification> = {}): DeploymentVerification {
  return {
    id: '7',
    entityRef: 'component:default/checkout',
    verdict: 'fail',
    score: 22,
    reason: 'p99 latency of the canary is 2.1x the baseline',
    startedAt: '2026-11-20T11:00:00.000Z',
    finishedAt: '2026-11-20T11:30:00.000Z',
    version: '2.14.0',
    environment: 'production',
    strategy: 'canary',
    repository: 'acme/checkout',
    commitSha: '0123456789abcdef',
    runUrl: 'https://github.com/acme/checkout/actions/runs/42',
    createdBy: 'external:github-action',
    createdAt: '2026-11-20T11:30:05.000Z',
    ...overrides,
  };
}
