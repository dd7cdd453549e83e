import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readInputs, secretInputNames } from '../src/inputs.ts';
import { defaultRollbackInputs } from '../src/rollback.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const yamlFile = async (path: string) => parse(await readFile(join(repoRoot, path), 'utf8'));

interface ActionYml {
  runs: { using: string; main: string };
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required: boolean; default: string }>;
  outputs: Record<string, { description: string }>;
}

/** Every input name readInputs asks for, over settings that reach each branch. */
function inputsRead(): Set<string> {
  const names = new Set<string>();
  const settings: Record<string, string>[] = [
    { spec: 'v.yaml' },
    {
      spec: 'v.yaml',
      'on-failure': 'rollback',
      'rollback-workflow': 'r.yml',
      'github-token': 't',
      'backstage-url': 'https://b',
      'backstage-token': 'x',
      'backstage-entity-ref': 'component:default/a',
    },
  ];
  for (const values of settings) {
    readInputs((name) => {
      names.add(name);
      return values[name] ?? '';
    });
  }
  for (const n of secretInputNames) names.add(n);
  return names;
}

describe('action.yml', () => {
  it('runs the committed bundle on node24, with branding', async () => {
    const action = (await yamlFile('action.yml')) as ActionYml;
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(action.branding.icon).toBeTruthy();
    expect(action.branding.color).toBeTruthy();
  });

  it('documents exactly the inputs the Action reads, each with a description, required and default', async () => {
    const action = (await yamlFile('action.yml')) as ActionYml;
    expect(Object.keys(action.inputs).sort()).toEqual([...inputsRead()].sort());
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description?.length, name).toBeGreaterThan(10);
      expect(input.required, name).toBe(false);
      expect(typeof input.default, name).toBe('string');
    }
  });

  it('documents every output the Action sets', async () => {
    const action = (await yamlFile('action.yml')) as ActionYml;
    const main = await readFile(join(repoRoot, 'packages/action/src/main.ts'), 'utf8');
    const set = new Set([...main.matchAll(/core\.setOutput\('([^']+)'/g)].map((m) => m[1]!));
    expect([...set].sort()).toEqual(Object.keys(action.outputs).sort());
    for (const [name, o] of Object.entries(action.outputs))
      expect(o.description?.length, name).toBeGreaterThan(5);
  });
});

describe('example workflows', () => {
  it('deploy-and-verify.yml uses only inputs that action.yml declares, with the permissions they need', async () => {
    const action = (await yamlFile('action.yml')) as ActionYml;
    const wf = (await yamlFile('examples/workflows/deploy-and-verify.yml')) as {
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
    };
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    const vigil = steps.find((s) => s.uses?.includes('/vigil@'));
    expect(vigil).toBeDefined();
    for (const k of Object.keys(vigil!.with ?? {})) expect(Object.keys(action.inputs), k).toContain(k);
    expect(wf.permissions).toMatchObject({ actions: 'write', deployments: 'write' });
  });

  it('the matrix example gives each leg its own key and region, with inputs that rollback.yml declares', async () => {
    const action = (await yamlFile('action.yml')) as ActionYml;
    const wf = (await yamlFile('examples/workflows/deploy-matrix.yml')) as {
      permissions: Record<string, string>;
      jobs: Record<
        string,
        {
          strategy?: { matrix: Record<string, unknown> };
          steps: { uses?: string; with?: Record<string, string> }[];
        }
      >;
    };
    const job = Object.values(wf.jobs)[0]!;
    expect(job.strategy?.matrix).toBeDefined();
    const vigil = job.steps.find((s) => s.uses?.includes('/vigil@'))!;
    for (const k of Object.keys(vigil.with ?? {})) expect(Object.keys(action.inputs), k).toContain(k);
    expect(vigil.with!['matrix-key']).toBe('${{ toJSON(matrix) }}');
    const rollback = (await yamlFile('examples/workflows/rollback.yml')) as {
      on: { workflow_dispatch: { inputs: Record<string, unknown> } };
    };
    const extra = JSON.parse(vigil.with!['rollback-inputs']!) as Record<string, string>;
    for (const k of Object.keys(extra))
      expect(Object.keys(rollback.on.workflow_dispatch.inputs)).toContain(k);
    expect(wf.permissions).toMatchObject({ actions: 'write', contents: 'read' });
  });

  it('runs the rollback in its own concurrency group, so a queued deploy cannot cancel it', async () => {
    const rollback = (await yamlFile('examples/workflows/rollback.yml')) as {
      concurrency: { group: string };
    };
    for (const file of ['deploy-and-verify.yml', 'deploy-matrix.yml']) {
      const deploy = (await yamlFile(`examples/workflows/${file}`)) as { concurrency: { group: string } };
      const groupOf = (g: string) => g.replace(/\$\{\{ *inputs\.environment *\}\}/, 'production');
      expect(groupOf(rollback.concurrency.group), file).not.toBe(groupOf(deploy.concurrency.group));
    }
  });

  it('docs/github-action.md names every input and output, and shows timeout-minutes and continue-on-error', async () => {
    const action = (await yamlFile('action.yml')) as ActionYml;
    const docs = await readFile(join(repoRoot, 'docs/github-action.md'), 'utf8');
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)])
      expect(docs, name).toContain(`\`${name}\``);
    expect(docs).toMatch(/^\s+timeout-minutes: \d+/m);
    expect(docs).toMatch(/^\s+continue-on-error: /m);
  });

  it('rollback.yml takes every input Vigil sends and shows the key in its run-name', async () => {
    const wf = (await yamlFile('examples/workflows/rollback.yml')) as {
      'run-name': string;
      on: { workflow_dispatch: { inputs: Record<string, unknown> } };
    };
    const declared = Object.keys(wf.on.workflow_dispatch.inputs);
    for (const k of Object.keys(defaultRollbackInputs)) expect(declared).toContain(k);
    const deploy = await readFile(join(repoRoot, 'examples/workflows/deploy-and-verify.yml'), 'utf8');
    const extra = JSON.parse(/rollback-inputs: '(.*)'/.exec(deploy)![1]!) as Record<string, string>;
    for (const k of Object.keys(extra)) expect(declared).toContain(k);
    expect(wf['run-name']).toMatch(/\$\{\{ *inputs\.vigil-key *\}\}/);
  });
});
