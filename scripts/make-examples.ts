// Regenerates the recordings bundled in examples/ (deterministic: the same bytes every run).
// `node scripts/make-examples.ts`. Two services share one recorded day of traffic: `checkout`, whose canary
// has a p99 latency regression and throws a new exception, and `checkout-healthy`, whose canary is fine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../packages/core/src/random.ts';

const root = join(import.meta.dirname, '..', 'examples');
const START = Date.parse('2026-11-20T14:00:00Z');
const MINUTES = 30;
const PODS = {
  baseline: ['checkout-7f9c-a1', 'checkout-7f9c-b2', 'checkout-7f9c-c3'],
  canary: ['checkout-8a1d-x7', 'checkout-8a1d-y8', 'checkout-8a1d-z9'],
};
const PATTERNS = { baseline: 'checkout-7f9c-.*', canary: 'checkout-8a1d-.*' };

function rng(seed: number) {
  const next = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const poisson = (lambda: number) => {
    let k = 0;
    let p = Math.exp(-lambda);
    let sum = p;
    const u = next();
    while (u > sum && k < 1000) {
      k++;
      p *= lambda / k;
      sum += p;
    }
    return k;
  };
  return { next, gauss, poisson };
}

type Group = 'baseline' | 'canary';
const QUERIES = {
  latency:
    'histogram_quantile(0.99, sum by (le, pod) (rate(http_server_duration_seconds_bucket{service="{{service}}", pod=~"{{instances}}"}[1m]))) * 1000',
  errors:
    'sum by (pod) (increase(http_server_errors_total{service="{{service}}", pod=~"{{instances}}"}[1m]))',
  requests:
    'sum by (pod) (increase(http_server_requests_total{service="{{service}}", pod=~"{{instances}}"}[1m]))',
  cpu: 'sum by (pod) (rate(container_cpu_usage_seconds_total{service="{{service}}", pod=~"{{instances}}"}[1m]))',
  logs: 'service:{{service}} pod:{{instances}}',
};

function render(q: string, service: string, group: Group): string {
  return q.replaceAll('{{service}}', service).replaceAll('{{instances}}', PATTERNS[group]);
}

function make(service: string, regression: boolean) {
  const r = rng(regression ? 7 : 11);
  // The signal every pod shares: traffic with a slow swell, and latency that follows it.
  const traffic = Array.from(
    { length: MINUTES },
    (_, i) => 400 * (1 + 0.2 * Math.sin(i / 6)) + 15 * r.gauss(),
  );
  const metrics: unknown[] = [];
  const logs: unknown[] = [];
  for (const group of ['baseline', 'canary'] as Group[]) {
    const series = {
      latency: [] as unknown[],
      errors: [] as unknown[],
      requests: [] as unknown[],
      cpu: [] as unknown[],
    };
    const events: unknown[] = [];
    for (const pod of PODS[group]) {
      const pts = {
        latency: [] as [number, number][],
        errors: [] as [number, number][],
        requests: [] as [number, number][],
        cpu: [] as [number, number][],
      };
      for (let i = 0; i < MINUTES; i++) {
        const t = START + i * 60_000;
        const req = Math.round(traffic[i]! * (1 + 0.05 * r.gauss()));
        const slow = regression && group === 'canary' ? 1.4 : 1;
        const latency = (170 + 0.12 * traffic[i]! + 9 * r.gauss()) * slow;
        pts.requests.push([t, req]);
        pts.latency.push([t, Math.round(latency * 10) / 10]);
        pts.errors.push([t, r.poisson(req * 0.002)]);
        pts.cpu.push([t, Math.round((0.25 + req / 2400 + 0.02 * r.gauss()) * 1000) / 1000]);
        for (let k = 0; k < 4; k++) {
          const ms = Math.round(20 + 30 * r.next());
          events.push({
            t: t + k * 15_000 + 1,
            level: 'info',
            instance: pod,
            message: `GET /api/cart/${1000 + Math.floor(r.next() * 9000)} 200 in ${ms}ms`,
          });
        }
        if (r.next() < 0.3)
          events.push({
            t: t + 7_000,
            level: 'warn',
            instance: pod,
            message: `slow query on carts took ${600 + Math.floor(r.next() * 400)}ms`,
          });
        if (r.next() < 0.15)
          events.push({
            t: t + 9_000,
            level: 'info',
            instance: pod,
            message: `cache refresh completed: ${Math.floor(r.next() * 500)} entries`,
          });
        if (regression && group === 'canary' && i >= 3 && r.next() < 0.5) {
          events.push({
            t: t + 30_000,
            level: 'error',
            instance: pod,
            message: `java.lang.NullPointerException: Cannot invoke "Discount.apply()" because "promo" is null at PriceService.applyDiscount(PriceService.java:${212}) cart=${Math.floor(r.next() * 99999)}`,
          });
        }
      }
      for (const k of Object.keys(series) as (keyof typeof series)[])
        series[k].push({ instance: pod, points: pts[k] });
    }
    for (const k of Object.keys(series) as (keyof typeof series)[]) {
      metrics.push({
        provider: 'recorded',
        query: render(QUERIES[k], service, group),
        group,
        instanceLabel: 'pod',
        series: series[k],
      });
    }
    logs.push({ provider: 'recorded', query: render(QUERIES.logs, service, group), group, events });
  }
  return {
    version: 1,
    description: `Synthetic recording of ${service} for the Vigil demo (scripts/make-examples.ts)`,
    metrics,
    logs,
  };
}

function spec(service: string): string {
  return `# yaml-language-server: $schema=../../docs/spec.schema.json
# A canary verification of the ${service} service, replayed from a recording: no account needed.
# Run it with: ./vigil verify -c examples/${service}/vigil.yaml --report-dir out/${service}
apiVersion: vigil/v1
service: ${service}
environment: production
version: "2.14.0"
providers:
  recorded:
    type: replay
    file: recording.json
strategy:
  type: canary
  instanceLabel: pod
  baseline: { pattern: "${PATTERNS.baseline}" }
  canary: { pattern: "${PATTERNS.canary}" }
duration: 30m
interval: 1m
sensitivity: medium
metrics:
  - name: p99 latency
    query: '${QUERIES.latency}'
    kind: latency
    unit: ms
    critical: true
  - name: errors
    query: '${QUERIES.errors}'
    kind: error
    trafficMetric: requests
  - name: requests
    query: '${QUERIES.requests}'
    kind: throughput
    direction: lower-is-worse
    unit: req/min
  - name: cpu
    query: '${QUERIES.cpu}'
    kind: resource
    unit: cores
logs:
  query: "${QUERIES.logs}"
  feedback: log-feedback.yaml
policy:
  noData: inconclusive
`;
}

const FEEDBACK = `# Log clusters people have judged; kept in the repository next to the spec.
rules:
  - template: "cache refresh completed: <*> entries"
    action: not-a-risk-ignore-frequency
    reason: cache refreshes follow deploys; more of them on a new pod is expected
`;

for (const [service, regression] of [
  ['checkout', true],
  ['checkout-healthy', false],
] as const) {
  const dir = join(root, service);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'recording.json'), `${JSON.stringify(make(service, regression))}\n`);
  writeFileSync(join(dir, 'vigil.yaml'), spec(service));
  writeFileSync(join(dir, 'log-feedback.yaml'), FEEDBACK);
}
