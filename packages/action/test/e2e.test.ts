/**
 * End to end: the COMMITTED dist/index.js, run as a runner runs it (a child process with INPUT_* variables,
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH, GITHUB_API_URL), against a real Prometheus that
 * scrapes a demo service in two versions, and a local GitHub API validated against GitHub's OpenAPI file.
 * The bad version must fail and dispatch the rollback exactly once although the step runs twice; the good
 * version must pass without a dispatch. Both set their deployment's status and the step outputs.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPrometheus, startPrometheus } from '../../providers/test/support/prometheus.ts';
import { rollbackKey } from '../src/rollback.ts';
import { type DemoPod, startDemoPod } from './support/demo-service.ts';
import { type FakeGitHub, startFakeGitHub } from './support/fake-github-api.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bundle = join(repoRoot, 'dist/index.js');
const secret = 'e2e-prometheus-token-5f3a9c';
const runId = 7_000_123;
const rollbackWorkflow = {
  id: 4242,
  path: '.github/workflows/rollback.yml',
  inputs: ['version', 'reason', 'run-url', 'vigil-key'],
  runName: (i: Record<string, string>) => `Rollback ${i.version} (${i['vigil-key']})`,
};

let pods: DemoPod[] = [];
let prom: RunningPrometheus;
let github: FakeGitHub;
let work: string;

beforeAll(async () => {
  pods = await Promise.all([
    ...[0, 1, 2].map((i) => startDemoPod(`demo-stable-${i}`, 'good', 100 + i)),
    ...[0, 1, 2].map((i) => startDemoPod(`demo-canary-bad-${i}`, 'bad', 200 + i)),
    ...[0, 1, 2].map((i) => startDemoPod(`demo-canary-good-${i}`, 'good', 300 + i)),
  ]);
  prom = await startPrometheus({ scrapeTargets: pods.map((p) => p.target), scrapeInterval: '1s' });
  github = await startFakeGitHub({
    owner: 'acme',
    repo: 'shop',
    workflows: { rollback: rollbackWorkflow },
    deployments: [501, 502],
  });
  work = await mkdtemp(join(tmpdir(), 'vigil-action-e2e-'));
  await writeFile(
    join(work, 'event.json'),
    JSON.stringify({ repository: { name: 'shop', owner: { login: 'acme' }, default_branch: 'main' } }),
  );
  await waitForData(prom.url, pods.length);
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await github?.close();
  await Promise.all(pods.map((p) => p.stop()));
  if (work) await rm(work, { recursive: true, force: true });
});

/** Waits until Prometheus has scraped every pod a few times, so the first rate() window has points. */
async function waitForData(url: string, targets: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const res = await fetch(
      `${url}/api/v1/query?query=${encodeURIComponent('count(rate(demo_requests_total[5s]) > 0)')}`,
    );
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    if (Number(body.data.result[0]?.value[1] ?? 0) >= targets) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('Prometheus has no data from the demo pods');
}

interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

const metrics = `
- name: p99 latency
  query: 'histogram_quantile(0.99, sum by (le, pod) (rate(demo_request_duration_seconds_bucket{pod=~"{{instances}}"}[5s]))) * 1000'
  kind: latency
  unit: ms
  critical: true
- name: errors
  query: 'sum by (pod) (rate(demo_errors_total{pod=~"{{instances}}"}[5s]))'
  kind: error
  trafficMetric: requests
- name: requests
  query: 'sum by (pod) (rate(demo_requests_total{pod=~"{{instances}}"}[5s]))'
  kind: throughput
  direction: lower-is-worse
`;

/** Runs the bundle once, as one attempt of one step of a job. */
async function runStep(name: string, attempt: number, inputs: Record<string, string>): Promise<StepRun> {
  const dir = join(work, `${name}-${attempt}`);
  const output = join(dir, 'output');
  const summary = join(dir, 'summary.md');
  await rm(dir, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
  await writeFile(output, '');
  await writeFile(summary, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NO_PROXY: '127.0.0.1,localhost',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_EVENT_PATH: join(work, 'event.json'),
    GITHUB_EVENT_NAME: 'push',
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_ATTEMPT: String(attempt),
    GITHUB_JOB: name,
    GITHUB_ACTION: 'verify',
    GITHUB_SHA: 'b'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: dir,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const child = spawn(process.execPath, [bundle], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(await readFile(output, 'utf8')),
    summary: await readFile(summary, 'utf8'),
  };
}

/** The GITHUB_OUTPUT file format: `name<<DELIMITER\nvalue\nDELIMITER`. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

function verifyInputs(canary: 'bad' | 'good', version: string, deploymentId: number): Record<string, string> {
  return {
    service: 'demo',
    version,
    environment: 'production',
    provider: 'prometheus',
    'prometheus-url': prom.url,
    // Prometheus here needs no auth; the token proves credentials are masked and never printed.
    'prometheus-token': secret,
    metrics,
    strategy: 'canary',
    'instance-label': 'pod',
    'baseline-pattern': 'demo-stable-.*',
    'canary-pattern': `demo-canary-${canary}-.*`,
    duration: '20s',
    interval: '2s',
    sensitivity: 'medium',
    'on-failure': 'rollback',
    'on-inconclusive': 'fail',
    'rollback-workflow': 'rollback.yml',
    'github-token': 'ghs_e2eFakeInstallationToken000',
    'deployment-id': String(deploymentId),
    preflight: 'true',
  };
}

describe('the built Action on a runner', () => {
  let bad1: StepRun;
  let bad2: StepRun;
  let good: StepRun;

  beforeAll(async () => {
    const badTwice = (async () => {
      bad1 = await runStep('deploy-bad', 1, verifyInputs('bad', '2.0.0-bad', 501));
      // "Re-run failed jobs": same run id, next attempt, same step.
      bad2 = await runStep('deploy-bad', 2, verifyInputs('bad', '2.0.0-bad', 501));
    })();
    good = await runStep('deploy-good', 1, verifyInputs('good', '2.0.0-good', 502));
    await badTwice;
  }, 170_000);

  const explain = (r: StepRun) => `exit ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`;

  it('fails the bad version, dispatches the rollback once with its inputs, and sets the outputs', () => {
    expect(bad1.code, explain(bad1)).toBe(1);
    expect(bad1.outputs.verdict).toBe('fail');
    expect(Number(bad1.outputs.score)).toBeLessThan(50);
    const badDispatches = github.dispatches.filter((d) => d.body.inputs?.version === '2.0.0-bad');
    expect(badDispatches).toHaveLength(1);
    const key = rollbackKey({
      repository: 'acme/shop',
      runId,
      job: 'deploy-bad',
      step: 'verify',
      service: 'demo',
      environment: 'production',
      version: '2.0.0-bad',
      deploymentId: 501,
      workflow: 'rollback.yml',
    });
    expect(badDispatches[0]).toEqual({
      workflow: 'rollback.yml',
      runId: badDispatches[0]!.runId,
      body: {
        ref: 'main',
        return_run_details: true,
        inputs: {
          version: '2.0.0-bad',
          reason: bad1.outputs.reason,
          'run-url': `https://github.com/acme/shop/actions/runs/${runId}`,
          'vigil-key': key,
        },
      },
    });
    expect(bad1.outputs['rollback-run-id']).toBe(String(badDispatches[0]!.runId));
    expect(bad1.outputs['rollback-run-url']).toBe(
      `https://github.com/acme/shop/actions/runs/${badDispatches[0]!.runId}`,
    );
    expect(bad1.outputs.report).toMatch(/report\.json$/);
    expect(bad1.outputs['html-report']).toMatch(/report\.html$/);
  });

  it('explains the failure in the job summary and annotates the failing metrics', async () => {
    expect(bad1.summary.split('\n')[0]).toMatch(/^## ❌ Vigil: demo 2\.0\.0-bad failed verification/);
    expect(bad1.summary).toContain('Dispatched the rollback workflow');
    expect(bad1.stdout).toMatch(/^::error title=Vigil%3A p99 latency failed \(critical\)::/m);
    const report = JSON.parse(await readFile(bad1.outputs.report!, 'utf8')) as {
      verdict: string;
      metrics: { metric: string; outcome: string }[];
    };
    expect(report.verdict).toBe('fail');
    expect(report.metrics.find((m) => m.metric === 'p99 latency')?.outcome).toBe('fail');
  });

  it('does not dispatch again when the step runs a second time for the same verification', () => {
    expect(bad2.code, explain(bad2)).toBe(1);
    expect(bad2.outputs.verdict).toBe('fail');
    expect(github.dispatches.filter((d) => d.body.inputs?.version === '2.0.0-bad')).toHaveLength(1);
    expect(bad2.outputs['rollback-run-id']).toBe(bad1.outputs['rollback-run-id']);
    expect(bad2.summary).toContain('already dispatched for this verification by an earlier attempt');
  });

  it('sets the failed deployment to failure with a link to the run and the rollback marker', () => {
    const statuses = github.statuses.get(501)!;
    expect(statuses).toHaveLength(2);
    for (const s of statuses) {
      expect(s.state).toBe('failure');
      expect(s.log_url).toBe(`https://github.com/acme/shop/actions/runs/${runId}`);
      expect(s.description).toMatch(
        new RegExp(`\\[vigil-rollback:vr-[0-9a-f]{16} run:${bad1.outputs['rollback-run-id']}\\]$`),
      );
      expect((s.description as string).length).toBeLessThanOrEqual(140);
    }
  });

  it('passes the good version without a rollback and marks its deployment successful', () => {
    expect(good.code, explain(good)).toBe(0);
    expect(good.outputs.verdict).toBe('pass');
    expect(good.outputs['rollback-run-id']).toBeUndefined();
    expect(github.dispatches.filter((d) => d.body.inputs?.version === '2.0.0-good')).toHaveLength(0);
    expect(github.dispatches).toHaveLength(1);
    expect(github.statuses.get(502)!.map((s) => s.state)).toEqual(['success']);
    expect(good.summary.split('\n')[0]).toMatch(/^## ✅ Vigil: demo 2\.0\.0-good passed verification/);
    expect(good.stdout).not.toMatch(/^::error/m);
  });

  it('masks the credentials before printing anything and never prints them', () => {
    for (const r of [bad1, bad2, good]) {
      const lines = r.stdout.split('\n');
      expect(lines[0]).toBe('::add-mask::ghs_e2eFakeInstallationToken000');
      expect(lines[1]).toBe(`::add-mask::${secret}`);
      const rest = [...lines.slice(2), r.stderr].join('\n');
      expect(rest).not.toContain(secret);
      expect(rest).not.toContain('ghs_e2eFakeInstallationToken000');
    }
  });

  it('spoke to GitHub only as its OpenAPI description allows', () => {
    expect(github.server.violations).toEqual([]);
    expect(github.server.requests.length).toBeGreaterThan(0);
  });
});
