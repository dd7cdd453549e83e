/**
 * The portal's monitoring data, made here for the replay provider: three days of one-minute metrics with a
 * daily cycle and seeded noise for `checkout` and `payments`, and their logs. In checkout's last
 * `ANOMALY_MINUTES` the error rate is six times its usual level and a new exception appears in its logs,
 * and three hours earlier its latency rose for a few minutes; payments stays normal. Deterministic for the same `end`.
 *
 * `demoDynatrace` is the same logs as a Dynatrace recording, with the problems Dynatrace raised on checkout
 * over that trouble (portal/fakeDynatrace.ts answers Dynatrace's API from it, so the portal reads logs and
 * problems through the real Dynatrace provider and its links).
 */
import { seededRandom } from '@vigil/core';
import type { LogEvent } from '@vigil/core';
import type { Problem, ReplayFile } from '@vigil/providers';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
/** Checkout's trouble: the errors metric jumps and a new exception is logged, this long before `end`. */
export const ANOMALY_MINUTES = 25;
/** An earlier, shorter trouble: checkout's p99 latency at 1.8x for 12 minutes, three hours before `end`. */
export const LATENCY_BLIP = { startMinutesBeforeEnd: 190, minutes: 12, factor: 1.8 };
export const NEW_EXCEPTION =
  'java.lang.NullPointerException: Cannot invoke "Discount.apply()" because "promo" is null at PriceService.applyDiscount(PriceService.java:118)';

/** The metrics of profile `web` (app-config.yaml); the query templates the replay answers. */
export const METRICS = [
  { name: 'errors', base: 6, query: 'sum(rate(http_server_errors_total{service="{{service}}"}[1m]))*60' },
  {
    name: 'p99 latency',
    base: 180,
    query:
      'histogram_quantile(0.99, sum by (le) (rate(http_server_duration_seconds_bucket{service="{{service}}"}[1m]))) * 1000',
  },
  {
    name: 'requests',
    base: 1200,
    query: 'sum(rate(http_server_requests_total{service="{{service}}"}[1m]))*60',
  },
];
export const LOG_QUERY = 'service:{{service}}';
/** The portal's log query in Dynatrace's log search syntax (app-config.yaml, provider `dynatrace`). */
export const DYNATRACE_LOG_QUERY = 'service.name="{{service}}"';
/** The demo services and their Dynatrace service entities (catalog.yaml's dynatrace.com/dynatrace-entity-id). */
export const SERVICES = [
  { service: 'checkout', troubled: true, dynatraceEntityId: 'SERVICE-4A7C21E98B0D3F65' },
  { service: 'payments', troubled: false, dynatraceEntityId: 'SERVICE-93D0B5E2C1A84F17' },
];

const prng = seededRandom;

function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
}

/** One service's log events for the minutes `[end - days, end + 1 h)`. */
function serviceLogs(end: number, days: number, si: number): LogEvent[] {
  const { service, troubled } = SERVICES[si]!;
  const from = end - days * DAY;
  const to = end + 60 * MINUTE;
  const rand = prng(77 + si);
  const events: LogEvent[] = [];
  for (let t = from; t < to; t += MINUTE) {
    events.push({
      t,
      message: `GET /api/${service}/${Math.floor(rand() * 1e6)} 200 in ${10 + Math.floor(rand() * 60)}ms`,
      level: 'info',
    });
    if (t % (5 * MINUTE) === 0)
      events.push({
        t: t + 1000,
        message: `cache refresh completed: ${Math.floor(rand() * 900)} entries`,
        level: 'info',
      });
    if (troubled && t >= end - ANOMALY_MINUTES * MINUTE && t < end)
      events.push({
        t: t + 2000,
        message: `${NEW_EXCEPTION} cart=${Math.floor(rand() * 1e5)}`,
        level: 'error',
      });
  }
  return events;
}

/** The recording for the minutes `[end - days, end + 1 h)`; `end` is a whole minute. */
export function demoReplay(end: number, days = 3): ReplayFile {
  const from = end - days * DAY;
  const to = end + 60 * MINUTE;
  const file: ReplayFile = { version: 1, description: 'Vigil portal demo data', metrics: [], logs: [] };
  SERVICES.forEach(({ service, troubled }, si) => {
    METRICS.forEach((m, mi) => {
      const rand = prng(1000 * si + mi + 1);
      const points: [number, number][] = [];
      for (let t = from; t < to; t += MINUTE) {
        let v = m.base * (1 + 0.3 * Math.sin((2 * Math.PI * t) / DAY)) + gauss(rand) * m.base * 0.03;
        if (troubled && mi === 0 && t >= end - ANOMALY_MINUTES * MINUTE) v *= 6;
        const blipStart = end - LATENCY_BLIP.startMinutesBeforeEnd * MINUTE;
        if (troubled && mi === 1 && t >= blipStart && t < blipStart + LATENCY_BLIP.minutes * MINUTE)
          v *= LATENCY_BLIP.factor;
        points.push([t, Math.max(0, Math.round(v * 100) / 100)]);
      }
      file.metrics.push({
        provider: 'replay',
        query: m.query.replace('{{service}}', service),
        metric: m.name,
        instanceLabel: 'instance',
        series: [{ instance: `${service}-0`, points }],
      });
    });
    file.logs!.push({
      provider: 'replay',
      query: LOG_QUERY.replace('{{service}}', service),
      events: serviceLogs(end, days, si),
    });
  });
  return file;
}

/**
 * Checkout's problems as Dynatrace raises them: some minutes into each trouble (its detection waits for the
 * change to hold), with Dynatrace's id shapes. The failure rate increase is still open at `end`; the
 * response time degradation closed a few minutes after the latency came back.
 */
export function demoProblems(end: number): Problem[] {
  const checkout = SERVICES[0]!;
  const failureStart = end - (ANOMALY_MINUTES - 4) * MINUTE;
  const blipStart = end - LATENCY_BLIP.startMinutesBeforeEnd * MINUTE;
  const latencyStart = blipStart + 3 * MINUTE;
  return [
    {
      kind: 'problem',
      id: `-6148215307728543012_${failureStart}V2`,
      displayId: `P-${String(Math.floor(failureStart / MINUTE) % 10_000_000).padStart(7, '0')}`,
      title: 'Failure rate increase',
      status: 'open',
      severity: 'ERROR',
      impact: 'SERVICES',
      start: failureStart,
      entities: [checkout.service],
    },
    {
      kind: 'problem',
      id: `-2905571876410394227_${latencyStart}V2`,
      displayId: `P-${String(Math.floor(latencyStart / MINUTE) % 10_000_000).padStart(7, '0')}`,
      title: 'Response time degradation',
      status: 'closed',
      severity: 'PERFORMANCE',
      impact: 'SERVICES',
      start: latencyStart,
      end: blipStart + (LATENCY_BLIP.minutes + 2) * MINUTE,
      entities: [checkout.service],
    },
  ];
}

/**
 * The Dynatrace side of the demo, in the replay format: each service's logs under the Dynatrace log query
 * (the same events as `demoReplay`'s), and checkout's problems. Dynatrace names affected entities; the
 * fake API scopes by the entity ids of `SERVICES`.
 */
export function demoDynatrace(end: number, days = 3): ReplayFile {
  return {
    version: 1,
    description: 'Vigil portal demo data: what Dynatrace holds',
    metrics: [],
    logs: SERVICES.map(({ service }, si) => ({
      provider: 'dynatrace',
      query: DYNATRACE_LOG_QUERY.replace('{{service}}', service),
      events: serviceLogs(end, days, si),
    })),
    problems: [{ provider: 'dynatrace', problems: demoProblems(end) }],
  };
}
