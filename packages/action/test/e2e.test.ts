/**
 * End to end: the COMMITTED dist/index.js, run as a runner runs it (a child process with INPUT_* variables,
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH, GITHUB_API_URL), against a real Prometheus that
 * scrapes a demo service in two versions, and a local GitHub API validated against GitHub's OpenAPI file.
 * The bad version must fail and dispatch the rollback exactly once although the step runs twice; the good
 * version must pass without a dispatch. Both set their deployment's status and the step outputs.
 *
 * "A deploy gate" (issue 15): one case per thing a gate must not do, each seen on the bundle before it:
 * a green step whose queries all failed, a verdict on a window too short to judge, matrix legs sharing one
 * rollback, a 5xx that cancels a rollback or blames the wrong call, a rollback workflow nobody checks, a
 * cancelled job that passes, a log sample that breaks out of the summary, an early stop that zeroes the
 * score, and a bundle with two copies of undici.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
  inputs: ['version', 'reason', 'run-url', 'vigil-key', 'region'],
  runName: (i: Record<string, string>) => `Rollback ${i.version} (${i['vigil-key']})`,
};
/** The same workflow under another name, for the cases that inject GitHub faults on its routes alone. */
const flakyWorkflow = { ...rollbackWorkflow, id: 4343, path: '.github/workflows/rollback-flaky.yml' };
/** A token the job's `permissions:` left without `actions: write`. */
const readOnlyToken = 'ghs_e2eReadOnlyToken0000000000';

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
    workflows: { rollback: rollbackWorkflow, flaky: flakyWorkflow },
    deployments: [501, 502],
    tokens: { [readOnlyToken]: { actions: 'read' } },
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

/** Runs the bundle once, as one attempt of one step of a job; `onOutput` sees stdout as it comes. */
async function runStep(
  name: string,
  attempt: number,
  inputs: Record<string, string>,
  onOutput?: (stdout: string, child: ChildProcess) => void,
  /** Tells apart the folders of matrix legs, which share job name and attempt. */
  leg = '',
): Promise<StepRun> {
  const dir = join(work, `${name}-${attempt}${leg}`);
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
    onOutput?.(stdout, child);
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
    expect(bad1.outputs.outcome).toBe('failed');
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
      inputs: {},
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
    expect(good.outputs.outcome).toBe('passed');
    expect(good.outputs['rollback-run-id']).toBeUndefined();
    expect(github.dispatches.filter((d) => d.body.inputs?.version === '2.0.0-good')).toHaveLength(0);
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

/** Common inputs of the gate cases: the demo through Prometheus, no rollback unless a case adds one. */
function gateInputs(canary: 'bad' | 'good', version: string, extra: Record<string, string> = {}) {
  const { 'deployment-id': _d, 'on-inconclusive': _i, ...rest } = verifyInputs(canary, version, 0);
  return { ...rest, 'on-failure': 'fail', 'rollback-workflow': '', ...extra };
}

/** A query Prometheus refuses with HTTP 400 bad_data (a missing parenthesis) for every metric. */
const refusedMetrics = `
- name: p99 latency
  query: 'histogram_quantile(0.99, sum by (le, pod) (rate(demo_request_duration_seconds_bucket{pod=~"{{instances}}"}[5s]))'
  kind: latency
  unit: ms
`;

/** Lines of the summary outside <pre> blocks, where Markdown is rendered. */
const rendered = (summary: string) => summary.replace(/<pre>[\s\S]*?<\/pre>/g, '');

describe('the built Action as a deploy gate', () => {
  const runs: Record<string, StepRun> = {};
  const explain = (r: StepRun) => `exit ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`;

  beforeAll(async () => {
    const demo = join(repoRoot, 'examples/checkout/vigil.yaml');
    // A copy of the checkout demo whose new canary exception carries a Markdown payload in its message.
    const hostile = join(work, 'hostile');
    await cp(join(repoRoot, 'examples/checkout'), hostile, { recursive: true });
    const recording = JSON.parse(await readFile(join(hostile, 'recording.json'), 'utf8')) as {
      logs: { group: string; events: { t: number; level: string; instance: string; message: string }[] }[];
    };
    const canaryLogs = recording.logs.find((l) => l.group === 'canary')!;
    const payload =
      'PaymentGatewayException: refused\n```\n# Owned\n[click here](https://evil.example)\n![pixel](https://evil.example/p.png)';
    const t0 = canaryLogs.events[0]!.t;
    for (let i = 0; i < 40; i++) {
      canaryLogs.events.push({
        t: t0 + i * 30_000 + 7,
        level: 'error',
        instance: canaryLogs.events[i % canaryLogs.events.length]!.instance,
        message: payload,
      });
    }
    canaryLogs.events.sort((a, b) => a.t - b.t);
    await writeFile(join(hostile, 'recording.json'), JSON.stringify(recording));

    const rollback = (workflow: string, extra: Record<string, string> = {}) => ({
      'on-failure': 'rollback',
      'rollback-workflow': workflow,
      'github-token': 'ghs_e2eFakeInstallationToken000',
      ...extra,
    });
    /** One leg of a failing matrix job (a region), at a run attempt: its rollback carries the leg's key. */
    const matrixLeg = (region: string, attempt: number) =>
      runStep(
        'matrix',
        attempt,
        gateInputs(
          'bad',
          '3.1.0-bad',
          rollback('rollback.yml', {
            'rollback-inputs': `{"region": "${region}"}`,
            'matrix-key': `{\n  "region": "${region}"\n}`,
          }),
        ),
        undefined,
        region,
      );
    const cases: [string, Promise<StepRun>][] = [
      ['refused', runStep('refused', 1, gateInputs('good', '3.0.0', { metrics: refusedMetrics }))],
      [
        'refusedNoPreflight',
        runStep(
          'refused-np',
          1,
          gateInputs('good', '3.0.1', { metrics: refusedMetrics, preflight: 'false' }),
        ),
      ],
      ...(['1m', '1s', '0s'] as const).map(
        (d) =>
          [
            `short${d}`,
            runStep(`short-${d}`, 1, {
              spec: demo,
              duration: d,
              'github-token': 'ghs_e2eFakeInstallationToken000',
            }),
          ] as [string, Promise<StepRun>],
      ),
      ...(['us', 'eu'] as const).map(
        (region) => [`leg-${region}`, matrixLeg(region, 1)] as [string, Promise<StepRun>],
      ),
      [
        'wrongWorkflow',
        runStep('wrong-wf', 1, gateInputs('good', '3.3.0', rollback('Roll back production'))),
      ],
      [
        'noPermission',
        runStep(
          'no-perm',
          1,
          gateInputs('good', '3.4.0', rollback('rollback.yml', { 'github-token': readOnlyToken })),
        ),
      ],
      ['hostile', runStep('hostile', 1, { spec: join(hostile, 'vigil.yaml'), 'on-failure': 'fail' })],
      ['early', runStep('early', 1, { spec: demo, 'on-failure': 'fail' })],
      [
        'cancelled',
        runStep('cancelled', 1, gateInputs('good', '3.5.0', { duration: '60s' }), (out, child) => {
          if (/poll 2\/\d+/.test(out) && child.exitCode === null && !child.killed) child.kill('SIGINT');
        }),
      ],
    ];
    for (const [name, run] of cases) runs[name] = await run;
    // The matrix legs again, as "re-run failed jobs" (next attempt of each leg).
    for (const region of ['us', 'eu']) {
      runs[`leg-${region}-rerun`] = await matrixLeg(region, 2);
    }
    // One 502 on the dispatch and one 500 on the duplicate check: retried, the rollback still goes out.
    // (The dispatch on `main`, not the permission check at the start, which dispatches on a ref that cannot exist.)
    github.failNext(
      (q) =>
        q.method === 'POST' &&
        q.path.endsWith('/rollback-flaky.yml/dispatches') &&
        (q.body as { ref?: string })?.ref === 'main',
      502,
    );
    github.failNext((q) => q.method === 'GET' && q.path.endsWith('/rollback-flaky.yml/runs'), 500, 4);
    runs.flaky = await runStep('flaky', 1, gateInputs('bad', '3.2.0-bad', rollback('rollback-flaky.yml')));
  }, 400_000);

  it("fails the step at once, naming Prometheus' error, when every query is refused (400 bad_data)", () => {
    const r = runs.refused!;
    expect(r.code, explain(r)).toBe(1);
    expect(r.outputs.outcome).toBe('could-not-verify');
    expect(r.stdout).toMatch(
      /^::error title=Vigil preflight%3A query p99 latency \[(baseline|canary)\]::.*bad_data/m,
    );
    expect(r.summary).toContain('could not be verified');
    expect(r.summary).not.toMatch(/passed/i);
  });

  it('without preflight, ends early as could-not-verify after 3 polls of refused queries, with an annotation', () => {
    const r = runs.refusedNoPreflight!;
    expect(r.code, explain(r)).toBe(1);
    expect(r.outputs.outcome).toBe('could-not-verify');
    expect(r.outputs.reason).toMatch(/failed at 3 polls in a row/);
    expect(r.stdout).toMatch(/^::error title=Vigil%3A could not verify::.*p99 latency.*bad_data/m);
    expect(r.stdout).toMatch(
      /^::error title=Vigil%3A provider error on p99 latency \(\d+ times\)::.*bad_data/m,
    );
    expect(r.summary.split('\n')[0]).toMatch(/^## ⛔ Vigil: demo 3\.0\.1 could not be verified/);
  });

  it('never passes the failing demo on a window too short to judge (duration 1m, 1s, 0s)', () => {
    for (const d of ['1m', '1s', '0s']) {
      const r = runs[`short${d}`]!;
      expect(r.code, `${d}: ${explain(r)}`).not.toBe(0);
      expect(r.outputs.outcome ?? '', d).not.toBe('passed');
      expect(r.summary, d).not.toContain('passed verification');
      expect(r.stdout, d).toMatch(/^::error/m);
    }
  });

  it('dispatches one rollback per matrix leg, and nothing new when a leg is re-run', () => {
    const legs = github.dispatches.filter((d) => d.body.inputs?.version === '3.1.0-bad');
    expect(legs.map((d) => d.body.inputs?.region).sort()).toEqual(['eu', 'us']);
    expect(new Set(legs.map((d) => d.body.inputs?.['vigil-key'])).size).toBe(2);
    for (const region of ['us', 'eu']) {
      const first = runs[`leg-${region}`]!;
      const again = runs[`leg-${region}-rerun`]!;
      expect(first.code, explain(first)).toBe(1);
      expect(first.stdout).not.toContain('already dispatched');
      expect(again.outputs['rollback-run-id']).toBe(first.outputs['rollback-run-id']);
      expect(again.summary).toContain('already dispatched for this verification by an earlier attempt');
    }
  });

  it('retries a 502 on the dispatch and a 500 on the duplicate check, and names the call that failed', () => {
    const r = runs.flaky!;
    expect(r.code, explain(r)).toBe(1);
    const sent = github.dispatches.filter((d) => d.body.inputs?.version === '3.2.0-bad');
    expect(sent).toHaveLength(1);
    expect(r.outputs['rollback-run-id']).toBe(String(sent[0]!.runId));
    expect(r.stdout).toMatch(
      /^::warning title=Vigil::could not check whether an earlier attempt already dispatched this rollback \(GET \/repos\/acme\/shop\/actions\/workflows\/rollback-flaky\.yml\/runs answered 500/m,
    );
    expect(r.stdout).not.toMatch(/dispatching the rollback workflow .* failed/);
  });

  it('checks the rollback workflow at the start: a wrong name or a token without actions: write fails early', () => {
    const wrong = runs.wrongWorkflow!;
    expect(wrong.code, explain(wrong)).toBe(1);
    expect(wrong.stdout).toMatch(
      /^::error title=Vigil%3A rollback workflow::rollback-workflow "Roll back production" was not found in acme\/shop/m,
    );
    expect(wrong.stdout).not.toMatch(/poll \d+\//);
    const denied = runs.noPermission!;
    expect(denied.code, explain(denied)).toBe(1);
    expect(denied.stdout).toMatch(
      /^::error title=Vigil%3A rollback workflow::the token may not dispatch rollback-workflow "rollback\.yml".*actions: write/m,
    );
    expect(denied.stdout).not.toMatch(/poll \d+\//);
    expect(
      github.dispatches.filter((d) => ['3.3.0', '3.4.0'].includes(d.body.inputs?.version ?? '')),
    ).toEqual([]);
  });

  it('ends a cancelled job as cancelled: non-zero exit, never "passed" in the summary or outputs', () => {
    const r = runs.cancelled!;
    expect(r.code, explain(r)).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.outputs.outcome).toBe('cancelled');
    expect(r.outputs.verdict).not.toBe('pass');
    expect(r.summary).not.toMatch(/Passed the step|passed verification/);
    expect(r.summary).toContain('verification cancelled');
    expect(r.stdout).toMatch(/^::error::Vigil: cancelled/m);
  });

  it('keeps a log sample with a line of three backticks inside its block in the summary', () => {
    const r = runs.hostile!;
    expect(r.code, explain(r)).toBe(1);
    expect(r.summary).toContain('PaymentGatewayException');
    const outside = rendered(r.summary);
    expect(outside).not.toMatch(/^# Owned/m);
    expect(outside).not.toMatch(/(^|[^\\])!\[pixel\]/);
    expect(outside).not.toMatch(/(^|[^\\])\[click here\]\(/);
    expect(outside).not.toMatch(/^```/m);
  });

  it('an early stop names the deciding metric, keeps a meaningful score, explains score and risk, folds the statistics', () => {
    const r = runs.early!;
    expect(r.code, explain(r)).toBe(1);
    expect(r.outputs.reason).toMatch(
      /^stopped early after \d+ of 30 polls: critical metric "p99 latency" failed: /,
    );
    expect(Number(r.outputs.score)).toBeGreaterThan(0);
    expect(r.summary).toMatch(/Score: 0–100, higher is healthier.*Risk: 0–1 per metric/);
    expect(r.summary).toContain('<details><summary>Statistics behind each judgment</summary>');
    expect(r.summary).not.toContain('<details open>');
  });

  it('ships one minified bundle under 1.5 MB with one copy of undici and of @actions/http-client', async () => {
    const dist = dirname(bundle);
    const files = (await readdir(dist)).filter((f) => f.endsWith('.js'));
    const code = (await Promise.all(files.map((f) => readFile(join(dist, f), 'utf8')))).join('\n');
    expect(Buffer.byteLength(code)).toBeLessThanOrEqual(1.5 * 1024 * 1024);
    expect(code.match(/undici\.error\.UND_ERR["']/g)).toHaveLength(1);
    expect(code.match(/name ?= ?["']HttpClientError["']/g)).toHaveLength(1);
  });

  it('still spoke to GitHub only as its OpenAPI description allows', () => {
    expect(github.server.violations).toEqual([]);
  });
});
