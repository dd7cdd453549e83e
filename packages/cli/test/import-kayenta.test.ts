import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, runVigil } from './support/vigil.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A config file in the test folder; returns its path. */
async function config(name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

const METRIC = {
  name: 'latency',
  query: { type: 'prometheus', metricName: 'http_latency', resourceType: 'gce_instance' },
  groups: ['g'],
  analysisConfigurations: { canary: { direction: 'increase' } },
};

describe('vigil import kayenta', () => {
  it('writes the committed example spec from the example config, and lists what does not map', async () => {
    const out = join(dir, 'vigil.yaml');
    const r = await runVigil(['import', 'kayenta', 'examples/kayenta/canary-config.json', '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${out}: 4 metrics\n`);
    expect(r.stderr).toMatch(/^not mapped \(\d+, also comments in the spec\):\n {2}- /);
    expect(r.stderr).toContain('metric "heap": atlas queries have no Vigil provider');
    expect(await readFile(out, 'utf8')).toBe(
      await readFile(join(root, 'examples/kayenta/vigil.yaml'), 'utf8'),
    );
  });

  it.each([
    [
      'a direction Kayenta does not know',
      { metrics: [{ ...METRIC, analysisConfigurations: { canary: { direction: 'up' } } }] },
      'Kayenta config: metrics[0].analysisConfigurations.canary.direction: must be one of "increase", "decrease", "either" (got "up")',
    ],
    [
      'a group weight that is text',
      { name: 'x', metrics: [METRIC], classifier: { groupWeights: { g: '70' } } },
      'Kayenta config: classifier.groupWeights.g: must be a number of percent, 0 or more (got "70")',
    ],
    [
      'an effect size that is text',
      {
        name: 'x',
        metrics: [
          { ...METRIC, analysisConfigurations: { canary: { effectSize: { allowedIncrease: 'big' } } } },
        ],
      },
      'Kayenta config: metrics[0].analysisConfigurations.canary.effectSize.allowedIncrease: must be a number (got "big")',
    ],
    [
      'metrics that are not a list',
      { name: 'x', metrics: {} },
      'Kayenta config: metrics: must be a list of metrics (got an object)',
    ],
    [
      'a query without its type',
      { name: 'x', metrics: [{ ...METRIC, query: { metricName: 'm' } }] },
      'Kayenta config: metrics[0].query.type: is required (the metrics service, e.g. "prometheus")',
    ],
    [
      'a missing template',
      { name: 'x', metrics: [{ ...METRIC, query: { type: 'prometheus', customFilterTemplate: 'mine' } }] },
      'Kayenta config: metrics[0].query.customFilterTemplate: names template "mine", which is not under templates',
    ],
  ])('exits 3 in one line naming the field for %s', async (_what, value, message) => {
    const path = await config('bad.json', { name: 'x', ...value });
    const r = await runVigil(['import', 'kayenta', path]);
    expect(r).toEqual({ code: 3, stdout: '', stderr: `vigil: ${message}\n` });
  });

  it('exits 3 on a file that is not JSON, and on a missing config argument', async () => {
    const path = await config('broken.json', '{ "metrics": [');
    const r = await runVigil(['import', 'kayenta', path]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^vigil: config .*broken\.json: not JSON \(.*\)\n$/);
    const none = await runVigil(['import', 'kayenta']);
    expect(none).toMatchObject({
      code: 3,
      stderr: 'vigil: import kayenta: name one Kayenta canary config file (JSON)\n',
    });
  });
});
