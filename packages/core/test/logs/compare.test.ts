import { describe, expect, it } from 'vitest';
import type { LogEvent, LogLevel } from '../../src/model/log.ts';
import { compareLogs, parseFeedback, templateId } from '../../src/logs/index.ts';
import { seededRandom } from '../../src/random.ts';

function events(n: number, make: (i: number) => string, level: LogLevel = 'info'): LogEvent[] {
  return Array.from({ length: n }, (_, i) => ({ t: i, message: make(i), level }));
}

const traffic = (i: number) => `GET /api/items/${i} 200 in ${i % 50} ms`;
const TIMEOUT = 'Timeout talking to <*> after <*> ms';
const NPE = 'NullPointerException in OrderService.place line <*>';

describe('compareLogs', () => {
  it('passes when the canary logs like the baseline', () => {
    const r = compareLogs(
      events(500, traffic),
      events(480, (i) => traffic(i + 3)),
    );
    expect(r.outcome).toBe('pass');
    expect(r.clusters).toHaveLength(1);
    expect(r.clusters[0]!.class).toBe('known');
    expect(r.risk).toBe(0);
  });

  it('flags a new error cluster and fails when it repeats', () => {
    const canary = [
      ...events(500, traffic),
      ...events(8, (i) => `NullPointerException in OrderService.place line ${100 + i}`, 'error'),
    ];
    const r = compareLogs(events(500, traffic), canary);
    const npe = r.clusters.find((c) => c.template === NPE)!;
    expect(npe.class).toBe('unknown');
    expect(npe.clusterId).toBe(templateId(NPE));
    expect(npe.level).toBe('error');
    expect(npe.canary).toBe(8);
    expect(npe.samples).toHaveLength(3);
    expect(r.outcome).toBe('fail');
    expect(r.explanation).toContain('new error cluster');
  });

  it('weighs level: a new info cluster is a low risk, a new error a higher one', () => {
    const base = events(300, traffic);
    const info = compareLogs(base, [...base, ...events(6, (i) => `cache warmed in ${i} s`, 'info')]);
    const error = compareLogs(base, [...base, ...events(6, (i) => `cache failed in ${i} s`, 'error')]);
    expect(info.risk).toBeGreaterThan(0);
    expect(info.outcome).toBe('pass');
    expect(error.risk).toBeGreaterThan(info.risk * 2);
  });

  it('tests frequency with the exact conditional binomial test', () => {
    const baseline = [
      ...events(500, traffic),
      ...events(5, (i) => `Timeout talking to db-${i}.internal after 3000 ms`, 'warn'),
    ];
    const canary = [
      ...events(500, traffic),
      ...events(40, (i) => `Timeout talking to db-${i}.internal after 3000 ms`, 'warn'),
    ];
    const r = compareLogs(baseline, canary);
    const t = r.clusters.find((c) => c.template === TIMEOUT)!;
    expect(t.class).toBe('unexpected-frequency');
    // Under no change a timeout lands in the canary with probability 540 / (505 + 540).
    expect(t.pValue).toBeCloseTo(exactUpperTail(40, 45, 540 / 1045), 12);
    expect(t.expectedCanary).toBeCloseTo((5 * 540) / 505, 10);
  });

  it('normalises by traffic when given', () => {
    const baseline = [
      ...events(500, traffic),
      ...events(5, (i) => `Timeout talking to db-${i}.internal after 3000 ms`, 'warn'),
    ];
    const canary = [
      ...events(5000, traffic),
      ...events(50, (i) => `Timeout talking to db-${i}.internal after 3000 ms`, 'warn'),
    ];
    // Ten times the traffic, ten times the timeouts: not unexpected.
    const r = compareLogs(baseline, canary, { traffic: { baseline: 1000, canary: 10000 } });
    expect(r.clusters.find((c) => c.template === TIMEOUT)!.class).toBe('known');
    expect(r.exposure.basis).toBe('traffic');
  });

  it('does not call a small count unexpected', () => {
    const baseline = [
      ...events(500, traffic),
      ...events(1, () => 'Timeout talking to db after 3000 ms', 'warn'),
    ];
    const canary = [
      ...events(500, traffic),
      ...events(3, () => 'Timeout talking to db after 3000 ms', 'warn'),
    ];
    const r = compareLogs(baseline, canary);
    expect(r.clusters.find((c) => c.template.startsWith('Timeout'))!.class).toBe('known');
  });

  it('reports clusters gone from the canary without risk', () => {
    const r = compareLogs(
      [...events(100, traffic), ...events(3, () => 'legacy path used', 'warn')],
      events(100, traffic),
    );
    const gone = r.clusters.find((c) => c.class === 'gone')!;
    expect(gone.template).toBe('legacy path used');
    expect(gone.risk).toBe(0);
  });

  it('applies feedback and says so', () => {
    const baseline = events(500, traffic);
    const canary = [
      ...events(500, traffic),
      ...events(6, (i) => `NullPointerException in OrderService.place line ${i}`, 'error'),
    ];
    const ignore = parseFeedback(
      `rules:\n  - template: "NullPointerException *"\n    action: not-a-risk-ignore-frequency\n    reason: known bug, fix in 1.3\n`,
      'fb.yaml',
    );
    const r = compareLogs(baseline, canary, { feedback: ignore });
    expect(r.outcome).toBe('pass');
    const npe = r.clusters.find((c) => c.template === NPE)!;
    expect(npe.risk).toBe(0);
    expect(npe.feedback?.reason).toBe('known bug, fix in 1.3');
    expect(r.explanation).toContain('known bug, fix in 1.3');

    const raise = parseFeedback(
      `- cluster: ${templateId('cache warmed in <*> s')}\n  action: high\n  reason: means a cold start\n`,
      'f',
    );
    const r2 = compareLogs(baseline, [...baseline, ...events(1, () => 'cache warmed in 3 s')], {
      feedback: raise,
    });
    expect(r2.outcome).toBe('fail');
    expect(r2.clusters[0]!.riskLevel).toBe('high');
  });

  it('keeps frequency when feedback says to consider it', () => {
    const baseline = [
      ...events(500, traffic),
      ...events(5, (i) => `Timeout talking to db-${i}.internal after 3000 ms`, 'error'),
    ];
    const canary = [
      ...events(500, traffic),
      ...events(60, (i) => `Timeout talking to db-${i}.internal after 3000 ms`, 'error'),
    ];
    const fb = parseFeedback(
      `- template: "Timeout *"\n  action: not-a-risk-consider-frequency\n  reason: r\n`,
      'f',
    );
    expect(compareLogs(baseline, canary, { feedback: fb }).outcome).toBe('fail');
    const fbIgnore = parseFeedback(
      `- template: "Timeout *"\n  action: not-a-risk-ignore-frequency\n  reason: r\n`,
      'f',
    );
    expect(compareLogs(baseline, canary, { feedback: fbIgnore }).outcome).toBe('pass');
  });

  it('knows a canary pod whose name the baseline never had (random suffix of letters only)', () => {
    const podLog = (pod: string) => (i: number) =>
      [
        `Started container checkout in pod ${pod}`,
        `Readiness probe failed for pod ${pod}: HTTP probe failed with statuscode: 503`,
        `Pulled image for pod ${pod} in ${100 + i} ms`,
      ][i % 3]!;
    const r = compareLogs(
      events(90, podLog('checkout-7d9f8b6c5-x2k4p')),
      events(90, podLog('checkout-5c6d7e8f9-bdczq'), 'warn'),
    );
    expect(r.counts.unknown).toBe(0);
    expect(r.outcome).toBe('pass');
  });

  it('knows a canary UUID with an all-letter group and a size printed with its unit glued on', () => {
    const baseline = events(100, (i) =>
      i % 2 === 0
        ? `[instance: 3e8d${1000 + i}-4a1b-409b-b8c2-1e88b294cd1d] VM Started`
        : `uploaded ${i} KB to bucket photos`,
    );
    const canary = [
      ...events(4, () => '[instance: faf1a1f6-bdcc-4fea-aefa-d2a3c2a0b7f5] VM Started', 'error'),
      ...events(4, (i) => `uploaded ${i}KB to bucket photos`, 'error'),
      ...events(4, (i) => `uploaded ${i} bytes to bucket photos`, 'error'),
    ];
    const r = compareLogs(baseline, canary);
    expect(r.counts.unknown).toBe(0);
    expect(r.outcome).not.toBe('fail');
    // `KB` and `bytes` at one position are units of one value, not states: one event with the glued form.
    const uploads = r.clusters.find((c) => c.template === 'uploaded <*> <*> to bucket photos')!;
    expect(uploads.class).toBe('known');
    expect(uploads.baseline).toBe(50);
    expect(uploads.canary).toBe(8);
  });

  it('still finds a new exception whose message differs from a known one only in its class name', () => {
    const baseline = [
      ...events(300, traffic),
      ...events(5, (i) => `java.lang.IllegalStateException: order ${i} failed`, 'error'),
    ];
    const canary = [
      ...events(300, traffic),
      ...events(10, (i) => `java.lang.NullPointerException: order ${i} failed`, 'error'),
    ];
    const r = compareLogs(baseline, canary);
    const npe = r.clusters.find((c) => c.template.startsWith('java.lang.NullPointerException'))!;
    expect(npe.class).toBe('unknown');
    expect(r.outcome).toBe('fail');
  });

  it('warns on a new error burst that could have fallen in the canary by chance, fails when it could not', () => {
    const burst = events(3, (i) => `disk controller reset on port ${i}`, 'error');
    // Equal exposure: all three in the canary by chance with p = 1/8.
    const even = compareLogs(events(300, traffic), [...events(300, traffic), ...burst]);
    const c = even.clusters.find((x) => x.class === 'unknown')!;
    expect(c.pValue).toBeCloseTo((303 / 603) ** 3, 12);
    expect(even.outcome).toBe('warn');
    expect(c.explanation).toContain('all in the canary by chance');
    // A baseline ten times the canary's volume: p = (1/11)^3.
    const long = compareLogs(events(3000, traffic), [...events(297, traffic), ...burst]);
    expect(long.outcome).toBe('fail');
  });

  it('finds no new cluster in A/A halves of synthetic logs', () => {
    const rand = seededRandom(11);
    const int = (n: number) => Math.floor(rand() * n);
    const letters = (n: number) => Array.from({ length: n }, () => 'bcdfghjklmnpqrstvwxz'[int(20)]).join('');
    const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
    const uuid = () =>
      [8, 4, 4, 4, 12].map((n) => (rand() < 0.2 ? letters(n).replace(/[^a-f]/g, 'b') : hex(n))).join('-');
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
    const make: ((i: number) => string)[] = [
      () => `Successfully assigned default/cart-${hex(9)}-${letters(5)} to node-${letters(5)}`,
      () =>
        `request ${uuid()} served in ${int(900)}ms, ${int(5000)}${['', 'KB', ' KB', ' bytes'][int(4)]} sent`,
      () =>
        `\tat com.example.${['Cart', 'Order', 'Price', 'User', 'Json', 'Pool', 'Retry', 'Token', 'Http'][int(9)]}Service.${['get', 'put', 'map'][int(3)]}(Service.java:${int(400)})`,
      () => `session opened for user ${users[int(10)]} from 10.0.${int(255)}.${int(255)} port ${int(65535)}`,
      () => `Error: upstream ${['db', 'cache', 'auth'][int(3)]} unavailable after ${int(5)} attempts`,
    ];
    for (let seed = 0; seed < 5; seed++) {
      const baseline: LogEvent[] = [];
      const canary: LogEvent[] = [];
      for (let i = 0; i < 1500; i++) {
        const k = int(make.length);
        const e: LogEvent = { t: i, message: make[k]!(i), level: k === 4 ? 'error' : 'info' };
        (rand() < 0.5 ? baseline : canary).push(e);
      }
      const r = compareLogs(baseline, canary);
      expect(r.clusters.filter((c) => c.class === 'unknown').map((c) => c.template)).toEqual([]);
      expect(r.outcome).toBe('pass');
    }
  });

  it('compares very long messages and many new clusters without failing', () => {
    const long = (n: number, w: string) => Array.from({ length: n }, (_, i) => `${w}${i % 7} ${i}`).join(' ');
    const baseline = [...events(50, traffic), ...events(3, (i) => long(20_000 + i * 3, 'x'))];
    const canary = [
      ...events(50, traffic),
      ...events(3, (i) => long(20_001 + i * 5, 'x'), 'error'),
      ...events(
        2000,
        (i) => `unique event ${i.toString(36).replace(/[0-9]/g, 'q')} happened for the first time`,
      ),
    ];
    const r = compareLogs(baseline, canary);
    expect(r.totals.canary).toBe(2053);
    expect(r.clusters.length).toBeGreaterThan(1);
  });

  it('is inconclusive without canary logs', () => {
    const r = compareLogs(events(10, traffic), []);
    expect(r.outcome).toBe('no-data');
    expect(r.explanation).toContain('No canary log messages');
  });
});

/** P(X >= k), X ~ Bin(n, p), as the plain sum of C(n, i) p^i (1-p)^(n-i): an independent reference. */
function exactUpperTail(k: number, n: number, p: number): number {
  let sum = 0;
  for (let i = k; i <= n; i++) {
    let choose = 1;
    for (let j = 1; j <= i; j++) choose = (choose * (n - i + j)) / j;
    sum += choose * p ** i * (1 - p) ** (n - i);
  }
  return sum;
}
