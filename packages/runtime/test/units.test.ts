/**
 * The unit of a metric whose spec gives none comes from its provider: here a real Prometheus, whose metric
 * name says seconds. Latency that rose from 0.22 s to 0.62 s in every minute must fail; with the latency
 * floor applied as 2 (seconds) it used to pass.
 */
import { loadSpec, virtualClock } from '@vigil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openMetricsGauge,
  type RunningPrometheus,
  startPrometheus,
} from '../../providers/test/support/prometheus.ts';
import { verify } from '../src/index.ts';

// Two hours ago on a whole minute: inside Prometheus' retention, and every sample on the 60 s grid.
const T0 = Math.floor((Date.now() / 1000 - 2 * 3600) / 60) * 60;
const MINUTES = 40;
const pods = [
  'checkout-stable-1',
  'checkout-stable-2',
  'checkout-stable-3',
  'checkout-canary-1',
  'checkout-canary-2',
  'checkout-canary-3',
];

/** Latency of a pod at minute m, in seconds: 0.22 s on the old pods, 0.62 s on the new, the same wobble. */
const latency = (pod: string, m: number) =>
  (pod.includes('canary') ? 0.62 : 0.22) + (((m * 7 + pods.indexOf(pod) * 13) % 9) - 4) * 0.002;

function spec(url: string, unit?: string) {
  return loadSpec(
    `
apiVersion: vigil/v1
service: checkout
providers:
  prom: { type: prometheus, url: "${url}" }
strategy:
  type: canary
  instanceLabel: pod
  baseline: { pattern: "checkout-stable-.*" }
  canary: { pattern: "checkout-canary-.*" }
duration: 30m
interval: 1m
policy: { earlyStop: false }
metrics:
  - name: latency
    query: 'avg by (pod) (http_request_duration_seconds{pod=~"{{instances}}"})'
    kind: latency
${unit ? `    unit: ${unit}\n` : ''}`,
    { source: 'units.yaml' },
  );
}

describe('units from a real Prometheus', () => {
  let prom: RunningPrometheus;
  beforeAll(async () => {
    const gauge = openMetricsGauge(
      'http_request_duration_seconds',
      pods.map((pod) => ({
        labels: { pod },
        samples: Array.from(
          { length: MINUTES },
          (_, m) => [T0 + m * 60, latency(pod, m)] as [number, number],
        ),
      })),
    );
    prom = await startPrometheus({ openMetrics: `${gauge}\n# EOF\n` });
  }, 120_000);
  afterAll(async () => {
    await prom?.stop();
  });

  const run = (unit?: string) =>
    verify({
      spec: spec(prom.url, unit),
      specDir: '.',
      clock: virtualClock(T0 * 1000),
      startedAt: T0 * 1000,
    });

  it('takes seconds from the metric name and fails the 0.22 s -> 0.62 s latency', async () => {
    const { result, report } = await run();
    expect(report.verdict).toBe('fail');
    expect(result.data[0]!.definition.unit).toBe('s');
    expect(result.data[0]!.definition.unitSource).toBe('provider');
    expect(result.data[0]!.canary.length).toBe(3);
    expect(report.verdict).toBe('fail');
    expect(report.metrics[0]!.unit).toBe('s');
  }, 60_000);

  it('keeps the spec unit over the provider’s', async () => {
    const { result } = await run('ms');
    expect(result.data[0]!.definition.unit).toBe('ms');
    expect(result.data[0]!.definition.unitSource).toBe('spec');
  }, 60_000);
});
