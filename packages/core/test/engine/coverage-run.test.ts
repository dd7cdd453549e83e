/**
 * A provider that dies (and comes back) during a run: its errors are reported as they happen, count against
 * coverage, and the result says how much was judged. Before, a source failing from the 7th of 18 polls on
 * ended "completed", `fractionJudged: 1`, and passed.
 */
import { describe, expect, it } from 'vitest';
import { runVerification, type Progress, virtualClock } from '../../src/engine/index.ts';
import type { MetricFetch } from '../../src/engine/source.ts';
import { loadSpec } from '../../src/spec/index.ts';

const T0 = Date.UTC(2026, 10, 20, 14, 0);
const MINUTE = 60_000;

function spec(policy = '', canary = '{ pattern: "c-.*" }') {
  return loadSpec(`apiVersion: vigil/v1
service: shop
providers: { prom: { type: prometheus, url: "http://127.0.0.1:9" } }
strategy: { type: canary, instanceLabel: pod, baseline: { pattern: "b-.*" }, canary: ${canary} }
duration: 18m
interval: 1m
policy: { earlyStop: false${policy} }
metrics:
  - name: latency
    query: 'lat{pod=~"{{instances}}"}'
    kind: latency
    unit: ms
`);
}

/** Same-level noise on 3 + 3 pods; the provider refuses connections while `down(pollEnd)` holds. */
function source(down: (end: number) => boolean, canaryValue?: (t: number) => number) {
  return {
    async fetchMetric(req: MetricFetch) {
      if (down(req.window.end)) throw new Error('prometheus: connect ECONNREFUSED 127.0.0.1:9090');
      const pods = req.group === 'baseline' ? ['b-1', 'b-2', 'b-3'] : ['c-1', 'c-2', 'c-3'];
      return pods.map((pod, k) => {
        const points = [];
        for (let t = req.window.start; t < req.window.end; t += req.window.step) {
          const i = (t - T0) / MINUTE;
          const noise = ((i * 7 + k * 3 + (req.group === 'canary' ? 5 : 0)) % 11) - 5;
          points.push({ t, v: req.group === 'canary' && canaryValue ? canaryValue(t) : 100 + noise });
        }
        return { instance: pod, points };
      });
    },
  };
}

async function run(down: (end: number) => boolean, policy = '') {
  const events: Progress[] = [];
  const result = await runVerification({
    spec: spec(policy),
    source: source(down),
    clock: virtualClock(T0),
    startedAt: T0,
    onProgress: (p) => events.push(p),
  });
  return { result, errors: events.filter((e) => e.phase === 'error'), events };
}

describe('a provider that fails during the run', () => {
  it('judges what arrived, says so, and never passes when it died at a third of the run', async () => {
    const { result, errors } = await run((end) => end > T0 + 6 * MINUTE, ', maxConsecutiveErrors: 100');
    expect(result.status).toBe('incomplete');
    expect(result.judgment.verdict).toBe('inconclusive');
    // 6 of 18 points per pod and side arrived.
    expect(result.fractionJudged).toBeCloseTo(6 / 18, 10);
    const m = result.judgment.metrics[0]!;
    expect(m.outcome).toBe('no-data');
    expect(m.coverage?.canary).toMatchObject({ expected: 54, usable: 18, steps: 18, stepsCovered: 6 });
    expect(m.dataIssue).toEqual({
      cause: 'provider-error',
      detail:
        'canary: 1 provider error (prometheus: connect ECONNREFUSED 127.0.0.1:9090), 18 of 54 expected points, 33%',
    });
    expect(result.stopReason).toMatch(
      /^incomplete data: 24 provider errors \(first: prometheus: connect ECONNREFUSED/,
    );
    // Each failed fetch was reported when it happened: 12 polls x 2 sides.
    expect(errors).toHaveLength(24);
    expect(errors[0]).toMatchObject({
      poll: 7,
      error: {
        metric: 'latency',
        group: 'baseline',
        message: 'prometheus: connect ECONNREFUSED 127.0.0.1:9090',
      },
      message:
        'metric "latency" (baseline): prometheus: connect ECONNREFUSED 127.0.0.1:9090; counted against coverage',
    });
  });

  it('stops as could-not-verify after 3 failed polls in a row by default, and says how little was judged', async () => {
    const { result, errors } = await run((end) => end > T0 + 6 * MINUTE);
    expect(result.status).toBe('stopped-early');
    expect(result.judgment.verdict).toBe('inconclusive');
    expect(result.outcome.outcome).toBe('could-not-verify');
    // 9 of 18 polls reached, 6 of their 9 points arrived.
    expect(result.fractionJudged).toBeCloseTo(6 / 18, 10);
    expect(errors).toHaveLength(6);
  });

  it('judges a run whose provider came back after a short outage, and still calls the run incomplete', async () => {
    const down = (end: number) => end > T0 + 6 * MINUTE && end <= T0 + 8 * MINUTE;
    const { result, errors, events } = await run(down);
    expect(errors).toHaveLength(4);
    const m = result.judgment.metrics[0]!;
    // 16 of 18 points per pod: 89% coverage, above the default 80%, so the metric is judged.
    expect(m.coverage?.canary).toMatchObject({ expected: 54, usable: 48, fraction: 48 / 54 });
    expect(m.outcome).toBe('pass');
    expect(m.dataIssue).toBeUndefined();
    expect(result.judgment.verdict).toBe('pass');
    expect(result.status).toBe('incomplete');
    expect(result.fractionJudged).toBeCloseTo(16 / 18, 10);
    const last = events.filter((e) => e.phase === 'polling').at(-1)!;
    expect(last.coverage).toBeCloseTo(48 / 54, 10);
    expect(last.message).toContain('lowest coverage 89% (latency, baseline)');
  });

  it('a long outage with policy minCoverage 0.5 is judged on the rest', async () => {
    const down = (end: number) => end > T0 + 6 * MINUTE && end <= T0 + 12 * MINUTE;
    const strict = await run(down, ', maxConsecutiveErrors: 100');
    expect(strict.result.judgment.metrics[0]!.dataIssue?.cause).toBe('provider-error');
    expect(strict.result.judgment.verdict).toBe('inconclusive');
    const lenient = await run(down, ', maxConsecutiveErrors: 100, minCoverage: 0.5');
    expect(lenient.result.judgment.metrics[0]!.coverage?.canary.fraction).toBeCloseTo(12 / 18, 10);
    expect(lenient.result.judgment.verdict).toBe('pass');
  });

  it('names the canary instances the spec lists that never reported (2 of 3 absent passed, score 80)', async () => {
    const result = await runVerification({
      spec: spec('', '{ instances: [c-1, c-7, c-8] }'),
      source: source(() => false),
      clock: virtualClock(T0),
      startedAt: T0,
    });
    const m = result.judgment.metrics[0]!;
    expect(m.coverage?.canary).toMatchObject({ expected: 54, usable: 18, missingInstances: ['c-7', 'c-8'] });
    expect(m.dataIssue).toEqual({
      cause: 'missing-instances',
      detail: 'canary coverage 18 of 54 expected points, 33% (need 80%): no values from c-7, c-8',
    });
    expect(result.judgment.verdict).toBe('inconclusive');
    expect(result.status).toBe('incomplete');
  });

  it('does not pass when the canary pods stop reporting half way (it passed, score 83)', async () => {
    const quiet = source(() => false);
    const result = await runVerification({
      spec: spec(),
      source: {
        async fetchMetric(req: MetricFetch) {
          const got = await quiet.fetchMetric(req);
          return req.group === 'canary' && req.window.start >= T0 + 9 * MINUTE ? [] : got;
        },
      },
      clock: virtualClock(T0),
      startedAt: T0,
    });
    const m = result.judgment.metrics[0]!;
    expect(m.coverage?.canary).toMatchObject({ expected: 54, usable: 27, stepsCovered: 9 });
    expect(m.dataIssue?.detail).toBe(
      'canary coverage 27 of 54 expected points, 50% (need 80%): 27 points missing in time (least covered: c-1 50%, c-2 50%, c-3 50%)',
    );
    expect(result.judgment.verdict).toBe('inconclusive');
    expect(result.fractionJudged).toBeCloseTo(81 / 108, 10);
  });

  it('fails a canary that turns +Inf mid-run (histogram_quantile in the top bucket)', async () => {
    const result = await runVerification({
      spec: spec(),
      source: source(
        () => false,
        (t) => (t >= T0 + 9 * MINUTE ? Number.POSITIVE_INFINITY : 100),
      ),
      clock: virtualClock(T0),
      startedAt: T0,
    });
    expect(result.judgment.verdict).toBe('fail');
    expect(result.judgment.metrics[0]!.decidedBy).toContain('infinity');
    expect(result.judgment.metrics[0]!.coverage?.canary).toMatchObject({ usable: 54, worstInfinite: 27 });
  });
});
