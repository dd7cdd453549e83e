/**
 * The Action with a deployed-at whose whole window has passed verifies that past window at once against a
 * real Prometheus (backfilled with promtool): a regression hours ago fails the step, a healthy deploy passes,
 * without waiting the 30-minute window. Runs the Action's source entry as a runner would run the bundle.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningPrometheus,
  startPrometheusWithPastGauge,
} from '../../providers/test/support/prometheus.ts';
import { runActionStep } from './support/runStep.ts';

const T0 = Math.floor((Date.now() / 1000 - 3 * 3600) / 60) * 60;
const MINUTES = 60;
const pods = ['good-stable', 'good-canary', 'bad-stable', 'bad-canary'].flatMap((g) =>
  [1, 2, 3].map((i) => `${g}-${i}`),
);
const latency = (pod: string, m: number, i: number) =>
  (pod.startsWith('bad-canary') ? 0.62 : 0.22) + (((m * 7 + i * 13) % 9) - 4) * 0.002;

let prom: RunningPrometheus;
let work: string;

beforeAll(async () => {
  prom = await startPrometheusWithPastGauge('http_request_duration_seconds', pods, T0, MINUTES, latency);
  work = await mkdtemp(join(tmpdir(), 'vigil-action-retro-'));
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function step(group: 'good' | 'bad') {
  const dir = join(work, group);
  await mkdir(dir, { recursive: true });
  const inputs: Record<string, string> = {
    service: 'checkout',
    provider: 'prometheus',
    'prometheus-url': prom.url,
    metrics: `latency:\n  query: 'avg by (pod) (http_request_duration_seconds{pod=~"{{instances}}"})'\n  kind: latency`,
    strategy: 'canary',
    'instance-label': 'pod',
    'baseline-pattern': `${group}-stable-.*`,
    'canary-pattern': `${group}-canary-.*`,
    'deployed-at': new Date((T0 + 5 * 60) * 1000).toISOString(),
    duration: '30m',
    interval: '1m',
    preflight: 'false',
  };
  return runActionStep(dir, inputs, { GITHUB_JOB: `retro-${group}` });
}

describe('the Action with deployed-at in the past', () => {
  it('fails a regression that happened hours ago, at once', async () => {
    const r = await step('bad');
    expect(r.stdout).toContain(
      `retrospective from the deploy at ${new Date((T0 + 5 * 60) * 1000).toISOString()}`,
    );
    expect(r.outputs).toMatch(/verdict<<.*\nfail\n/);
    expect(r.code).not.toBe(0);
  }, 60_000);

  it('passes a healthy past deploy', async () => {
    const r = await step('good');
    expect(r.outputs, r.stdout).toMatch(/verdict<<.*\npass\n/);
    expect(r.code).toBe(0);
  }, 60_000);
});
