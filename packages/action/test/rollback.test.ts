import { describe, expect, it } from 'vitest';
import { deploymentDescription, setDeploymentStatus } from '../src/deployment.ts';
import {
  type RollbackKeyParts,
  type RollbackRequest,
  type RollbackValues,
  dispatchRollbackOnce,
  maxDispatchInputs,
  rollbackInputs,
  rollbackKey,
  rollbackRefOf,
} from '../src/rollback.ts';
import { memoryGitHub } from './support/memory-github.ts';

const parts: RollbackKeyParts = {
  repository: 'o/r',
  runId: 123456,
  job: 'deploy',
  step: 'vigil',
  service: 'checkout',
  environment: 'production',
  version: '2.14.0',
  deploymentId: 77,
  workflow: 'rollback.yml',
};

const values = (key: string): RollbackValues => ({
  version: '2.14.0',
  reason: 'p99 latency +85% vs baseline',
  'run-url': 'https://github.com/o/r/actions/runs/123456',
  key,
  service: 'checkout',
  environment: 'production',
  verdict: 'fail',
  score: '12',
});

const declared = ['version', 'reason', 'run-url', 'vigil-key', 'environment'];
const withKeyInTitle = {
  inputs: declared,
  runName: (i: Record<string, string>) => `Rollback ${i.version} (${i['vigil-key']})`,
};

function request(key: string, extra: Partial<RollbackRequest> = {}): RollbackRequest {
  return {
    owner: 'o',
    repo: 'r',
    settings: { workflow: 'rollback.yml', inputs: {} },
    ref: 'main',
    key,
    inputs: rollbackInputs({}, values(key)),
    serverUrl: 'https://github.com',
    ...extra,
  };
}

describe('rollbackKey', () => {
  it('is the same for every attempt of one verification and differs when any identifying part differs', () => {
    const key = rollbackKey(parts);
    expect(key).toMatch(/^vr-[0-9a-f]{16}$/);
    expect(rollbackKey({ ...parts })).toBe(key);
    const changes: Partial<RollbackKeyParts>[] = [
      { repository: 'o/other' },
      { runId: 123457 },
      { job: 'deploy-eu' },
      { step: 'vigil2' },
      { service: 'cart' },
      { environment: 'staging' },
      { version: '2.14.1' },
      { deploymentId: 78 },
      { workflow: 'other.yml' },
      { inputs: { region: 'eu' } },
      { inputs: { region: 'us' } },
      { matrixKey: '{"region": "eu"}' },
    ];
    const keys = new Set([key, ...changes.map((c) => rollbackKey({ ...parts, ...c }))]);
    expect(keys.size).toBe(changes.length + 1);
  });

  it('tells matrix legs apart, and is the same for every attempt of one leg however toJSON spaces it', () => {
    const us = rollbackKey({ ...parts, matrixKey: '{\n  "region": "us",\n  "tier": 1\n}' });
    const eu = rollbackKey({ ...parts, matrixKey: '{\n  "region": "eu",\n  "tier": 1\n}' });
    expect(us).not.toBe(eu);
    expect(rollbackKey({ ...parts, matrixKey: '{"tier":1,"region":"us"}' })).toBe(us);
    expect(rollbackKey({ ...parts, inputs: { a: '1', b: null } })).toBe(
      rollbackKey({ ...parts, inputs: { b: null, a: '1' } }),
    );
  });
});

describe('rollbackInputs', () => {
  it('sends version, reason, run URL and key by default, filled from the verification', () => {
    expect(rollbackInputs({}, values('vr-1'))).toEqual({
      version: '2.14.0',
      reason: 'p99 latency +85% vs baseline',
      'run-url': 'https://github.com/o/r/actions/runs/123456',
      'vigil-key': 'vr-1',
    });
  });

  it('merges rollback-inputs over the defaults: placeholders filled, null removes, unknown placeholders kept', () => {
    const out = rollbackInputs(
      {
        version: 'v{{version}}',
        'run-url': null,
        target: '{{environment}}/{{service}}',
        note: '{{nope}} {{score}}',
      },
      values('vr-1'),
    );
    expect(out).toEqual({
      version: 'v2.14.0',
      reason: 'p99 latency +85% vs baseline',
      'vigil-key': 'vr-1',
      target: 'production/checkout',
      note: '{{nope}} 12',
    });
  });

  it('cuts long reasons and refuses more inputs than GitHub accepts', () => {
    const long = rollbackInputs({}, { ...values('k'), reason: 'x'.repeat(5000) });
    expect(long.reason).toHaveLength(1000);
    const extra = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`i${i}`, 'v']));
    // 4 default inputs + 21 = 25, GitHub's maximum; one more is refused, naming rollback-inputs.
    expect(Object.keys(rollbackInputs(extra(21), values('k')))).toHaveLength(maxDispatchInputs);
    expect(() => rollbackInputs(extra(22), values('k'))).toThrow(/rollback-inputs: 26 workflow inputs/);
  });
});

describe('dispatchRollbackOnce', () => {
  it('dispatches once with the inputs, then finds that run by the key in its title on every later attempt', async () => {
    const gh = memoryGitHub({ workflows: { 'rollback.yml': withKeyInTitle } });
    const key = rollbackKey(parts);
    const first = await dispatchRollbackOnce(gh.api, request(key));
    expect(first).toMatchObject({
      reused: false,
      runId: 9000,
      url: 'https://github.com/o/r/actions/runs/9000',
    });
    expect(first.warnings).toEqual([]);
    expect(gh.dispatches).toEqual([
      {
        workflow: 'rollback.yml',
        ref: 'main',
        inputs: {
          version: '2.14.0',
          reason: 'p99 latency +85% vs baseline',
          'run-url': 'https://github.com/o/r/actions/runs/123456',
          'vigil-key': key,
        },
        runId: 9000,
      },
    ]);
    for (let attempt = 2; attempt <= 4; attempt++) {
      const again = await dispatchRollbackOnce(gh.api, request(key));
      expect(again).toMatchObject({
        reused: true,
        runId: 9000,
        url: 'https://github.com/o/r/actions/runs/9000',
      });
    }
    expect(gh.dispatches).toHaveLength(1);
  });

  it('dispatches again for another verification (another key) in the same repository', async () => {
    const gh = memoryGitHub({ workflows: { 'rollback.yml': withKeyInTitle } });
    await dispatchRollbackOnce(gh.api, request(rollbackKey(parts)));
    const other = await dispatchRollbackOnce(gh.api, request(rollbackKey({ ...parts, version: '2.15.0' })));
    expect(other.reused).toBe(false);
    expect(gh.dispatches.map((d) => d.runId)).toEqual([9000, 9001]);
  });

  it('finds the earlier dispatch through the deployment status marker when the run title lacks the key', async () => {
    const gh = memoryGitHub({ workflows: { 'rollback.yml': { inputs: declared } } });
    const key = rollbackKey(parts);
    const first = await dispatchRollbackOnce(gh.api, request(key, { deploymentId: 77 }));
    expect(first.reused).toBe(false);
    // What the action writes after dispatching (deployment.ts), exactly as a runner's first attempt would.
    await setDeploymentStatus(gh.api, {
      owner: 'o',
      repo: 'r',
      deploymentId: 77,
      state: 'failure',
      description: deploymentDescription(
        { verdict: 'fail', score: 12.3, reason: 'p99 latency +85% vs baseline '.repeat(10) },
        { key, runId: first.runId! },
      ),
      runUrl: 'https://github.com/o/r/actions/runs/123456',
    });
    const [status] = gh.statuses.get(77)!;
    expect(status!.description!.length).toBeLessThanOrEqual(140);
    const again = await dispatchRollbackOnce(gh.api, request(key, { deploymentId: 77 }));
    expect(again).toMatchObject({ reused: true, runId: first.runId });
    expect(gh.dispatches).toHaveLength(1);
  });

  it('warns when nothing would let a re-run recognise the rollback', async () => {
    const gh = memoryGitHub({ workflows: { 'rollback.yml': { inputs: declared } } });
    const r = await dispatchRollbackOnce(gh.api, request(rollbackKey(parts)));
    expect(r.reused).toBe(false);
    expect(r.warnings.join('\n')).toMatch(
      /run-name: Rollback \$\{\{ inputs.version \}\} \(\$\{\{ inputs.vigil-key \}\}\)/,
    );
  });

  it('carries on without run details when GitHub returns none (204)', async () => {
    const gh = memoryGitHub({ workflows: { 'rollback.yml': withKeyInTitle }, returnRunDetails: false });
    const r = await dispatchRollbackOnce(gh.api, request(rollbackKey(parts)));
    expect(r.runId).toBeUndefined();
    expect(r.warnings[0]).toContain('no run details');
    expect(gh.dispatches).toHaveLength(1);
  });

  it('says which permission, workflow or inputs to fix when GitHub refuses', async () => {
    const key = rollbackKey(parts);
    const noPermission = memoryGitHub({ workflows: { 'rollback.yml': withKeyInTitle }, canDispatch: false });
    await expect(dispatchRollbackOnce(noPermission.api, request(key))).rejects.toThrow(
      /Add `permissions: actions: write` to the job/,
    );
    const unknown = memoryGitHub({ workflows: {} });
    await expect(dispatchRollbackOnce(unknown.api, request(key))).rejects.toThrow(
      /rollback-workflow "rollback.yml" was not found in o\/r/,
    );
    const undeclared = memoryGitHub({ workflows: { 'rollback.yml': { inputs: ['version', 'reason'] } } });
    await expect(dispatchRollbackOnce(undeclared.api, request(key))).rejects.toThrow(
      /does not declare the inputs \["run-url","vigil-key"\]/,
    );
    const noTrigger = memoryGitHub({
      workflows: { 'rollback.yml': { ...withKeyInTitle, triggers: ['push'] } },
    });
    await expect(dispatchRollbackOnce(noTrigger.api, request(key))).rejects.toThrow(
      /add `on: workflow_dispatch`/,
    );
    for (const gh of [noPermission, unknown, undeclared, noTrigger]) expect(gh.dispatches).toHaveLength(0);
  });

  it('dispatches when the look-up for an earlier dispatch fails, and names the call that failed', async () => {
    const gh = memoryGitHub({ workflows: { 'rollback.yml': withKeyInTitle }, listRunsFails: 500 });
    const r = await dispatchRollbackOnce(gh.api, request(rollbackKey(parts)));
    expect(gh.dispatches).toHaveLength(1);
    expect(r.reused).toBe(false);
    expect(r.warnings.join('\n')).toContain(
      'could not check whether an earlier attempt already dispatched this rollback (GET /repos/o/r/actions/workflows/rollback.yml/runs answered 500: Server Error)',
    );
  });

  it('still dispatches when the deployment statuses cannot be read, and says which permission is missing', async () => {
    const gh = memoryGitHub({ workflows: { 'rollback.yml': withKeyInTitle }, canReadDeployments: false });
    const r = await dispatchRollbackOnce(gh.api, request(rollbackKey(parts), { deploymentId: 77 }));
    expect(r.reused).toBe(false);
    expect(r.warnings.join('\n')).toContain('permissions: deployments: write');
    expect(gh.dispatches).toHaveLength(1);
  });
});

describe('rollbackRefOf', () => {
  it('takes the input, then the default branch, then GITHUB_REF_NAME, then GITHUB_REF without its prefix', () => {
    expect(rollbackRefOf({ configured: 'release', defaultBranch: 'main', ref: 'refs/heads/x' })).toBe(
      'release',
    );
    expect(rollbackRefOf({ defaultBranch: 'main', refName: 'feature' })).toBe('main');
    expect(rollbackRefOf({ refName: 'feature', ref: 'refs/heads/other' })).toBe('feature');
    expect(rollbackRefOf({ ref: 'refs/tags/v1.2' })).toBe('v1.2');
  });

  it('names GITHUB_REF and the rollback-ref input when nothing gives a ref (a local run, act, another CI)', () => {
    expect(() => rollbackRefOf({})).toThrow(/GITHUB_REF .*set the rollback-ref input/);
    expect(() => rollbackRefOf({ refName: '', ref: '' })).toThrow(/GITHUB_REF/);
  });
});
