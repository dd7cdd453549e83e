/**
 * The portal's Dynatrace stand-in (portal/fakeDynatrace.ts) read by the real Dynatrace provider, as the
 * portal's backend reads it: checkout's problem in the demo's bad period (scoped by the entity id of
 * catalog.yaml), none for payments, the same logs as the replay, and the problem's link in Dynatrace's format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../packages/core/src/index.ts';
import { DynatraceProvider, problemLink, ReplayProvider } from '../packages/providers/src/index.ts';
import { ANOMALY_MINUTES, demoDynatrace, demoReplay, MINUTE, SERVICES } from '../portal/demoData.ts';
import { type FakeDynatrace, serveFakeDynatrace } from '../portal/fakeDynatrace.ts';

const END = Date.UTC(2026, 11, 2, 15, 0);
const PERIOD = { start: END - 30 * MINUTE, end: END };
const TOKEN = 'dt0c01.portal-test-token';
const [checkout, payments] = SERVICES as [(typeof SERVICES)[number], (typeof SERVICES)[number]];

async function collect(it: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe("the portal's Dynatrace stand-in", () => {
  let fake: FakeDynatrace;
  let provider: DynatraceProvider;

  beforeAll(async () => {
    fake = await serveFakeDynatrace({
      token: TOKEN,
      recording: demoDynatrace(END),
      entities: Object.fromEntries(SERVICES.map((s) => [s.dynatraceEntityId, s.service])),
      basePath: '/e/vigil-demo',
    });
    provider = new DynatraceProvider({ type: 'dynatrace', url: fake.url, token: TOKEN });
  });
  afterAll(() => fake?.close());

  it("answers checkout's open problem in the bad period, scoped by its entity id", async () => {
    const found = await provider.problems(PERIOD, { entityId: checkout.dynatraceEntityId });
    expect(found).toEqual([
      {
        kind: 'problem',
        id: `-6148215307728543012_${END - (ANOMALY_MINUTES - 4) * MINUTE}V2`,
        displayId: expect.stringMatching(/^P-\d{7}$/),
        title: 'Failure rate increase',
        status: 'open',
        severity: 'ERROR',
        impact: 'SERVICES',
        start: END - 21 * MINUTE,
        entities: ['checkout'],
      },
    ]);
    // The errors start at END - 25 min: the problem lies inside the bad period.
    expect(found[0]!.start).toBeGreaterThan(END - ANOMALY_MINUTES * MINUTE);
  });

  it('answers no problem for payments, and the closed latency problem three hours earlier', async () => {
    await expect(provider.problems(PERIOD, { entityId: payments.dynatraceEntityId })).resolves.toEqual([]);
    const earlier = { start: END - 210 * MINUTE, end: END - 180 * MINUTE };
    const closed = await provider.problems(earlier, { service: 'checkout' });
    expect(closed.map((p) => [p.title, p.status, p.end! - p.start])).toEqual([
      ['Response time degradation', 'closed', 11 * MINUTE],
    ]);
  });

  it("links the problem to Dynatrace's problem page at the configured UI address", async () => {
    const [p] = await provider.problems(PERIOD, { entityId: checkout.dynatraceEntityId });
    const config = {
      type: 'dynatrace' as const,
      url: fake.url,
      token: TOKEN,
      uiUrl: 'https://dynatrace.example.com/e/vigil-demo',
    };
    expect(problemLink(config, { kind: 'problem', id: p!.id })).toBe(
      `https://dynatrace.example.com/e/vigil-demo/#problems/problemdetails;pid=${encodeURIComponent(p!.id)}`,
    );
  });

  it("serves the replay's logs under the Dynatrace query, in order, across searches of 1,000", async () => {
    const window = { start: END - 26 * 60 * MINUTE, end: END };
    const viaDynatrace = await collect(
      provider.fetchLogs({ query: 'service.name="{{service}}"', vars: { service: 'checkout' } }, window),
    );
    const replay = new ReplayProvider({ type: 'replay', data: demoReplay(END) });
    const viaReplay = await collect(
      replay.fetchLogs!({ query: 'service:{{service}}', vars: { service: 'checkout' } }, window),
    );
    expect(viaReplay.length).toBeGreaterThan(1000);
    expect(viaDynatrace.map((e) => [e.t, e.message, e.level])).toEqual(
      viaReplay.map((e) => [e.t, e.message, e.level]),
    );
    expect(viaDynatrace.filter((e) => e.level === 'error')).toHaveLength(ANOMALY_MINUTES);
  });

  it('refuses a request without the token, as Dynatrace does', async () => {
    const wrong = new DynatraceProvider({ type: 'dynatrace', url: fake.url, token: 'dt0c01.wrong' });
    await expect(wrong.problems(PERIOD, { entityId: checkout.dynatraceEntityId })).rejects.toMatchObject({
      kind: 'auth',
    });
  });
});
