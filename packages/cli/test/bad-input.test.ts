import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, runVigil } from './support/vigil.ts';

const bin = join(root, 'packages/cli/src/bin.ts');

const vigil = (argv: string[], cwd = root) => runVigil(argv, { cwd });

/** Runs the real process (for cases that could hang it), killed after `ms`: a hang is a failure, not a wait. */
function vigilProcess(
  argv: string[],
  ms = 20_000,
): Promise<{ code: number | null; stderr: string; ms: number }> {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, [bin, ...argv], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr, ms: Date.now() - started });
    });
  });
}

/** Exit 3 and exactly one line on stderr, naming `what`, without a stack trace. */
function expectOneLine(r: { code: number | null; stderr: string }, what: RegExp) {
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(what);
  expect(r.code).toBe(3);
}

const minimal =
  'apiVersion: vigil/v1\nservice: s\nproviders: { r: { type: replay, file: rec.json } }\nmetrics: [{ name: m, query: q }]\n';

// A live spec whose window is ten minutes: a command that did the work before checking its outputs would
// not come back within the test's time.
let server: Server;
let liveSpec: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const now = Date.now();
    const points = Array.from({ length: 3 }, (_, i) => ({ t: now - (3 - i) * 60_000, v: 100 }));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ series: [{ instance: req.url?.includes('canary') ? 'c-1' : 'b-1', points }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bad-'));
  liveSpec = join(dir, 'live.yaml');
  await writeFile(
    liveSpec,
    `apiVersion: vigil/v1\nservice: s\nproviders:\n  apm: { type: http, url: "http://127.0.0.1:${port}/q?g={{group}}", pick: { series: "$.series[*]", points: "$.points[*]", timestamp: "$.t", value: "$.v", instance: "$.instance" } }\nstrategy: { type: canary, baseline: { pattern: "b-.*" }, canary: { pattern: "c-.*" } }\nduration: 10m\ninterval: 1m\nmetrics: [{ name: m, query: q }]\n`,
  );
});
afterAll(() => {
  server.close();
});

describe('outputs are checked before the work', () => {
  it('record --output /proc/rec.json stops at once with exit 3, before the ten-minute window', async () => {
    const r = await vigilProcess(['record', '-c', liveSpec, '--output', '/proc/rec.json', '--quiet']);
    expectOneLine(r, /^vigil: --output \/proc\/rec\.json: cannot write there/);
  });

  it('verify --report-dir /proc/x is exit 3 in one line, not a mkdir loop', async () => {
    const r = await vigilProcess(['verify', '-c', liveSpec, '--report-dir', '/proc/x', '--quiet']);
    expectOneLine(r, /^vigil: --report-dir \/proc\/x: cannot create the folder/);
  });

  it('flare --output /proc/version is exit 3 before doctor runs', async () => {
    const r = await vigilProcess(['flare', '-c', liveSpec, '--output', '/proc/version']);
    expectOneLine(r, /^vigil: --output \/proc\/version: cannot write there/);
  });

  it('a report folder that is a file is exit 3 naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-bad-'));
    await writeFile(join(dir, 'file'), 'x');
    const r = await vigil([
      'replay',
      '-c',
      'examples/checkout/vigil.yaml',
      '--recording',
      'examples/checkout/recording.json',
      '--report-dir',
      join(dir, 'file'),
    ]);
    expectOneLine(r, /--report-dir .*file: cannot create the folder \(.*is not a folder\)/);
  });

  it('anomalies creates a missing output folder, and refuses one it cannot create', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-bad-'));
    await writeFile(join(dir, 'in.csv'), 'timestamp,value\n1,1\n2,2\n');
    const ok = await vigil(['anomalies', '--input', 'in.csv', '--output', 'new/deeper/out.csv'], dir);
    expect(ok.code).toBe(0);
    expect((await readFile(join(dir, 'new/deeper/out.csv'), 'utf8')).split('\n')[0]).toBe(
      'timestamp,value,anomaly_score',
    );
    const bad = await vigilProcess([
      'anomalies',
      '--input',
      join(dir, 'in.csv'),
      '--output',
      '/proc/nope/out.csv',
    ]);
    expectOneLine(bad, /^vigil: --output \/proc\/nope\/out\.csv: cannot create the folder/);
  });

  it('anomalies names the line of a value that is not a number', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-bad-'));
    await writeFile(join(dir, 'in.csv'), 'timestamp,value\n1,1\n2,abc\n');
    const r = await vigil(['anomalies', '--input', 'in.csv', '--output', 'out.csv'], dir);
    expectOneLine(r, /line 3: value "abc" is not a number/);
    await expect(stat(join(dir, 'out.csv'))).rejects.toThrow();
  });

  it('logs parse never writes over its input: same path, relative path or symbolic link', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-bad-'));
    const log = 'a 1\na 2\nb x\n';
    await writeFile(join(dir, 'app.log'), log);
    await symlink(join(dir, 'app.log'), join(dir, 'link.log'));
    for (const output of ['app.log', './sub/../app.log', join(dir, 'app.log'), 'link.log']) {
      const r = await vigil(['logs', 'parse', '--input', 'app.log', '--output', output], dir);
      expectOneLine(r, /--output .* is the same file as --input .*app\.log/);
      expect(await readFile(join(dir, 'app.log'), 'utf8')).toBe(log);
    }
    const viaLink = await vigil(['logs', 'parse', '--input', 'link.log', '--output', 'app.log'], dir);
    expectOneLine(viaLink, /is the same file as --input/);
    expect(await readFile(join(dir, 'app.log'), 'utf8')).toBe(log);
  });

  it('anomalies and record refuse an output that is their input', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-bad-'));
    await writeFile(join(dir, 'in.csv'), 'timestamp,value\n1,1\n');
    const a = await vigil(['anomalies', '--input', 'in.csv', '--output', 'in.csv'], dir);
    expectOneLine(a, /is the same file as --input/);
    const r = await vigil(['record', '-c', liveSpec, '--output', liveSpec]);
    expectOneLine(r, /is the same file as -c/);
  });
});

describe('bad input is exit 3 in one line', () => {
  const laughs = `${minimal}x:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
`;

  it('a YAML billion laughs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-bad-'));
    await writeFile(join(dir, 'v.yaml'), laughs);
    const r = await vigil(['verify', '-c', join(dir, 'v.yaml')]);
    expectOneLine(
      r,
      /v\.yaml is not a valid Vigil spec: its aliases \(\*name\) expand beyond the limit of 100/,
    );
  });

  it('a spec whose logs.feedback file is malformed or missing, before any provider is asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-bad-'));
    const example = await readFile(join(root, 'examples/checkout/vigil.yaml'), 'utf8');
    await writeFile(
      join(dir, 'v.yaml'),
      example.replace('file: recording.json', `file: ${join(root, 'examples/checkout/recording.json')}`),
    );
    await writeFile(
      join(dir, 'log-feedback.yaml'),
      'rules:\n  - cluster: L1\n    action: nope\n    reason: r\n',
    );
    expectOneLine(
      await vigil(['verify', '-c', join(dir, 'v.yaml'), '--quiet']),
      /log-feedback\.yaml.*rules\[0\]\.action/,
    );
    await writeFile(
      join(dir, 'v.yaml'),
      (await readFile(join(dir, 'v.yaml'), 'utf8')).replace('log-feedback', 'gone'),
    );
    expectOneLine(
      await vigil(['verify', '-c', join(dir, 'v.yaml'), '--quiet']),
      /logs\.feedback .*gone\.yaml: no such file/,
    );
  });

  it('a 3000-deep mapping, in block and in flow style', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-bad-'));
    const block = Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i + 1)}a:`).join('\n');
    await writeFile(join(dir, 'block.yaml'), `${minimal}x:\n${block} 1\n`);
    await writeFile(join(dir, 'flow.yaml'), `${minimal}x: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`);
    await writeFile(join(dir, 'mid.yaml'), `${minimal}x: ${'['.repeat(200)}${']'.repeat(200)}\n`);
    for (const f of ['block.yaml', 'flow.yaml', 'mid.yaml']) {
      const r = await vigil(['verify', '-c', join(dir, f)]);
      expectOneLine(r, new RegExp(`${f} is not a valid Vigil spec: nested more than 64 levels deep`));
    }
  });

  it('a missing replay file, named by the spec or by --recording', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-bad-'));
    await writeFile(join(dir, 'v.yaml'), minimal);
    const bySpec = await vigil(['verify', '-c', join(dir, 'v.yaml'), '--quiet']);
    expectOneLine(bySpec, /recording .*rec\.json: no such file/);
    const byOption = await vigil([
      'replay',
      '-c',
      join(dir, 'v.yaml'),
      '--recording',
      join(dir, 'gone.json'),
    ]);
    expectOneLine(byOption, /--recording .*gone\.json: no such file/);
  });

  it('a garbage recording', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-bad-'));
    await writeFile(join(dir, 'v.yaml'), minimal);
    await writeFile(join(dir, 'rec.json'), '\u0000\u0001garbage{');
    const r = await vigil(['replay', '-c', join(dir, 'v.yaml'), '--recording', join(dir, 'rec.json')]);
    expectOneLine(r, /recording .*rec\.json: .*not JSON/);
    await writeFile(join(dir, 'rec.json'), '{"version": 1, "metrics": 7}');
    const shape = await vigil(['replay', '-c', join(dir, 'v.yaml'), '--recording', join(dir, 'rec.json')]);
    expectOneLine(shape, /recording .*rec\.json: metrics is not an array/);
  });
});
