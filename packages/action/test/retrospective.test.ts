/**
 * The Action with a deployed-at whose whole window has passed verifies that past window at once against a
 * real Prometheus (backfilled with promtool): a regression hours ago fails the step, a healthy deploy passes,
 * without waiting the 30-minute window. Runs the Action's source entry as a runner would run the bundle.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openMetricsGauge,
  type RunningPrometheus,
  startPrometheus,
} from '../../providers/test/support/prometheus.ts';

const entry = resolve(dirname(fileURLToPath(import.meta.url)), '../src/index.ts');
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
  const gauge = openMetricsGauge(
    'http_request_duration_seconds',
    pods.map((pod, i) => ({
      labels: { pod },
      samples: Array.from(
        { length: MINUTES },
        (_, m) => [T0 + m * 60, latency(pod, m, i)] as [number, number],
      ),
    })),
  );
  prom = await startPrometheus({ openMetrics: `${gauge}\n# EOF\n` });
  work = await mkdtemp(join(tmpdir(), 'vigil-action-retro-'));
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function step(group: 'good' | 'bad') {
  const dir = join(work, group);
  await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
  const output = join(dir, 'output');
  await writeFile(output, '');
  await writeFile(join(dir, 'summary.md'), '');
  await writeFile(join(dir, 'event.json'), '{}');
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
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NO_PROXY: '127.0.0.1,localhost',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: `retro-${group}`,
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: dir,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stdout += c;
  });
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  return { code, stdout, outputs: await readFile(output, 'utf8') };
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
