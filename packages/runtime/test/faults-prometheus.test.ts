/**
 * A real Prometheus that dies during a verification, or whose histogram quantile turns +Inf: the cases of
 * issue #14 that passed. The server is killed (SIGKILL) and restarted from the test while the engine polls
 * it; the run's clock is virtual, so each poll happens exactly where the test says.
 */
import { type Clock, loadSpec, type Progress, virtualClock } from '@vigil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openMetricsGauge,
  type RunningPrometheus,
  startPrometheus,
} from '../../providers/test/support/prometheus.ts';
import { verify } from '../src/index.ts';

// Two hours ago on a whole minute: inside Prometheus' retention, and every sample on the 60 s grid.
const T0 = Math.floor((Date.now() / 1000 - 2 * 3600) / 60) * 60;
const MINUTE = 60_000;
const MINUTES = 40;
const pods = ['shop-old-1', 'shop-old-2', 'shop-old-3', 'shop-new-1', 'shop-new-2', 'shop-new-3'];

/** Latency of a pod at minute m, ms: the same level and wobble on old and new pods (a healthy deploy). */
const latency = (pod: string, m: number) => 200 + (((m * 7 + pods.indexOf(pod) * 13) % 9) - 4) * 3;

function spec(url: string, query = 'avg by (pod) (shop_latency_ms{pod=~"{{instances}}"})') {
  return loadSpec(
    `
apiVersion: vigil/v1
service: shop
providers:
  prom: { type: prometheus, url: "${url}", http: { retries: 1 } }
strategy:
  type: canary
  instanceLabel: pod
  baseline: { pattern: "shop-old-.*" }
  canary: { pattern: "shop-new-.*" }
duration: 18m
interval: 1m
policy: { earlyStop: false }
metrics:
  - name: latency
    query: '${query}'
    kind: latency
    unit: ms
`,
    { source: 'faults.yaml' },
  );
}

/** A virtual clock that runs `at[minute]` when the run reaches that minute, before that poll's fetch. */
function scriptedClock(at: Record<number, () => Promise<void>>): Clock {
  const clock = virtualClock(T0 * 1000);
  return {
    now: clock.now,
    async sleep(ms, signal) {
      await clock.sleep(ms, signal);
      await at[(clock.now() - T0 * 1000) / MINUTE]?.();
    },
  };
}

describe('a real Prometheus that fails during the run', () => {
  let prom: RunningPrometheus;
  beforeAll(async () => {
    const samples = (value: (pod: string, m: number) => number) =>
      pods.map((pod) => ({
        labels: { pod },
        samples: Array.from({ length: MINUTES }, (_, m) => [T0 + m * 60, value(pod, m)] as [number, number]),
      }));
    const gauge = openMetricsGauge('shop_latency_ms', samples(latency));
    // histogram_quantile's answer when the latency lands in the top bucket: +Inf, from minute 9 on the new pods.
    const p99 = openMetricsGauge(
      'shop_p99_ms',
      samples((pod, m) => (pod.includes('new') && m >= 9 ? Number.POSITIVE_INFINITY : latency(pod, m))),
    );
    prom = await startPrometheus({ openMetrics: `${gauge}\n${p99}\n# EOF\n` });
  }, 120_000);
  afterAll(async () => {
    await prom?.stop();
  });

  const run = (clock: Clock, query?: string) => {
    const progress: Progress[] = [];
    return verify({
      spec: spec(prom.url, query),
      specDir: '.',
      clock,
      startedAt: T0 * 1000,
      providerDeps: { sleep: async () => {} },
      onProgress: (p) => progress.push(p),
    }).then((outcome) => ({ ...outcome, progress }));
  };

  it('fails a canary whose p99 turns +Inf mid-run (it passed, score 93)', async () => {
    const { report } = await run(virtualClock(T0 * 1000), 'avg by (pod) (shop_p99_ms{pod=~"{{instances}}"})');
    expect(report.verdict).toBe('fail');
    expect(report.metrics[0]!.decidedBy).toContain('infinity');
    expect(report.metrics[0]!.coverage?.canary).toMatchObject({
      expected: 54,
      usable: 54,
      worstInfinite: 27,
    });
  }, 60_000);

  it('killed at poll 7 and restarted at poll 9: errors printed when they happen, the run judged and called incomplete', async () => {
    const { report, result, progress } = await run(
      scriptedClock({ 7: () => prom.kill(), 9: () => prom.restart() }),
    );
    const errors = progress.filter((p) => p.phase === 'error');
    expect(errors.map((e) => `${e.poll} ${e.error?.group}`)).toEqual([
      '7 baseline',
      '7 canary',
      '8 baseline',
      '8 canary',
    ]);
    expect(errors[0]!.message).toMatch(/^metric "latency" \(baseline\): .*; counted against coverage$/);
    expect(report.errors).toHaveLength(4);
    // 16 of 18 points per pod: above the default 80% coverage, so the healthy metric is judged and passes.
    expect(report.metrics[0]!.coverage?.canary).toMatchObject({ expected: 54, usable: 48, stepsCovered: 16 });
    expect(report.verdict).toBe('pass');
    expect(report.status).toBe('incomplete');
    expect(report.stopReason).toMatch(/^incomplete data: 4 provider errors/);
    expect(result.fractionJudged).toBeCloseTo(16 / 18, 10);
  }, 120_000);

  it('killed at poll 7 for good: never a pass, and it says how little was judged (it was PASS 91, fractionJudged 1)', async () => {
    const { report, result, progress } = await run(scriptedClock({ 7: () => prom.kill() }));
    expect(report.verdict).toBe('inconclusive');
    expect(report.outcome).toBe('could-not-verify');
    expect(report.status).toBe('stopped-early');
    expect(result.fractionJudged).toBeCloseTo(6 / 18, 10);
    expect(report.metrics[0]!.coverage?.canary).toMatchObject({ usable: 18, expected: 27 });
    expect(report.metrics[0]!.dataIssue?.cause).toBe('provider-error');
    expect(progress.filter((p) => p.phase === 'error')).toHaveLength(6);
  }, 120_000);
});
