import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { root, runVigil } from './support/vigil.ts';

const bin = join(root, 'packages/cli/src/bin.ts');

const vigil = (argv: string[], env: NodeJS.ProcessEnv = {}) => runVigil(argv, { env });

describe('vigil', () => {
  it("lists every command and prints each one's help", async () => {
    const { code, stdout } = await vigil(['--help']);
    expect(code).toBe(0);
    for (const c of [
      'verify',
      'compare',
      'doctor',
      'flare',
      'record',
      'replay',
      'logs parse',
      'logs compare',
      'anomalies',
      'schema',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
      const help = await vigil([...c.split(' '), '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: vigil /);
    }
  });

  it("shows no path of this repository's workspace (../shared/...) in any help", async () => {
    const { stdout } = await vigil(['--help']);
    const commands = [...stdout.matchAll(/^ {2}([a-z]+(?: [a-z]+)?) {2,}/gm)].map((m) => m[1]!);
    expect(commands).toContain('anomalies');
    for (const c of commands) {
      const help = await vigil([...c.split(' '), '--help']);
      expect(help.stdout, c).not.toMatch(/\.\.\/|shared\/bench-data/);
    }
  });

  it('answers an unknown command or option with exit 3 and what to do', async () => {
    const unknown = await vigil(['verfy']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('unknown command "verfy"');
    const option = await vigil(['compare', '--basline', 'x']);
    expect(option.code).toBe(3);
    expect(option.stderr).toContain("Unknown option '--basline'");
    expect(option.stderr).toContain('Run "vigil compare --help"');
    const missing = await vigil(['compare', '--canary', 'x.csv']);
    expect(missing.stderr).toBe(
      'vigil: vigil compare: --baseline is required. Run "vigil compare --help".\n',
    );
  });
});

describe('vigil compare', () => {
  const args = [
    'compare',
    '--baseline',
    'examples/compare/baseline.csv',
    '--kind',
    'latency',
    '--unit',
    'ms',
  ];

  it('fails the example regression with exit 1 and explains it with numbers', async () => {
    const { code, stdout } = await vigil([
      ...args,
      '--canary',
      'examples/compare/canary.csv',
      '--metric',
      'p99 latency',
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL {2}score \d+\/100 /);
    expect(stdout).toMatch(/p99 latency +fail +1\.00 +180 ms +244 ms +\+36%/);
  });

  it('passes the healthy canary with exit 0, and --json carries verdict, score and per-judge details', async () => {
    const { code, stdout } = await vigil([
      ...args,
      '--canary',
      'examples/compare/canary-healthy.csv',
      '--json',
    ]);
    expect(code).toBe(0);
    const j = JSON.parse(stdout);
    expect(j.verdict).toBe('pass');
    expect(j.score).toBeGreaterThanOrEqual(50);
    expect(j.metrics[0].judges.map((x: { judge: string }) => x.judge)).toEqual(
      expect.arrayContaining(['paired', 'distribution']),
    );
  });

  it('judges with Kayenta semantics on request', async () => {
    const { code, stdout } = await vigil([
      ...args,
      '--canary',
      'examples/compare/canary.csv',
      '--judge',
      'kayenta',
      '--json',
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).metrics[0].judges[0].judge).toBe('kayenta');
  });

  it('names the file and line of bad input, with exit 3', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    await writeFile(
      join(dir, 'bad.csv'),
      'timestamp,instance,value\n2026-01-01T00:00:00Z,a,12\nlater,a,13\n',
    );
    const { code, stderr } = await vigil([
      'compare',
      '--baseline',
      join(dir, 'bad.csv'),
      '--canary',
      join(dir, 'bad.csv'),
    ]);
    expect(code).toBe(3);
    expect(stderr).toBe(
      `vigil: ${join(dir, 'bad.csv')}:3: timestamp "later" is neither ISO-8601 nor epoch seconds\n`,
    );
  });
});

describe('vigil compare on infinities, gaps and odd numbers', () => {
  /** The healthy canary with every line whose index `pick` selects given `value`. */
  async function canaryWith(value: string, pick: (i: number) => boolean): Promise<string> {
    const lines = (await readFile(join(root, 'examples/compare/canary-healthy.csv'), 'utf8'))
      .trimEnd()
      .split('\n');
    const out = lines.map((line, i) => (i > 0 && pick(i) ? line.replace(/,[^,]*$/, `,${value}`) : line));
    const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    const file = join(dir, 'canary.csv');
    await writeFile(file, `${out.join('\n')}\n`);
    return file;
  }
  const compare = (canary: string) =>
    vigil([
      'compare',
      '--baseline',
      'examples/compare/baseline.csv',
      '--canary',
      canary,
      '--kind',
      'latency',
      '--unit',
      'ms',
    ]);

  it('fails a latency canary that is Infinity half the time, in every spelling (it passed, score 45)', async () => {
    for (const spelling of ['Infinity', '+Inf', 'inf']) {
      const { code, stdout } = await compare(await canaryWith(spelling, (i) => i % 2 === 0));
      expect(code, stdout).toBe(1);
      expect(stdout).toMatch(
        /infinity: the canary reported \+Inf \(worse than any finite value\) in 90 of 180 points/,
      );
    }
  });

  it('does not pass a canary that is 90% NaN (it passed, score 70): inconclusive, exit 2, the cause named', async () => {
    const { code, stdout } = await compare(await canaryWith('NaN', (i) => i % 10 !== 0));
    expect(code).toBe(2);
    expect(stdout).toContain(
      'canary coverage 18 of 180 expected points, 10% (need 80%): 162 points were NaN',
    );
  });

  it('rejects hex with the line number, exit 3', async () => {
    const file = await canaryWith('0x10', (i) => i === 4);
    const { code, stderr } = await compare(file);
    expect(code).toBe(3);
    expect(stderr).toBe(
      `vigil: ${file}:5: value "0x10" is not a number (use a decimal number, +Inf, -Inf, Inf, Infinity or NaN)\n`,
    );
  });
});

describe('vigil verify, record, replay', () => {
  it('verifies the demo: exit 1, the explained verdict, and the three reports', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    const { code, stdout, stderr } = await vigil([
      'verify',
      '-c',
      'examples/checkout/vigil.yaml',
      '--report-dir',
      dir,
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^vigil: verifying checkout 2\.14\.0 \(30m every 1m, sensitivity medium\)$/m);
    expect(stderr).toMatch(/^\[14:01:00\] poll 1\/30: /m);
    expect(stdout).toMatch(/^FAIL {2}score \d+\/100 {2}stopped early after \d+ of 30 polls/m);
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(report.schema).toBe('vigil.report/v1');
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('<svg');
  });

  it('rejects an invalid spec with exit 3, naming the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    await writeFile(
      join(dir, 'v.yaml'),
      'apiVersion: vigil/v1\nservice: s\nproviders: { r: { type: replay, file: x } }\nmetrics: [{ name: m, query: q, kind: latncy }]\n',
    );
    const { code, stderr } = await vigil(['verify', '-c', join(dir, 'v.yaml')]);
    expect(code).toBe(3);
    expect(stderr).toContain(
      'metrics[0].kind: must be one of "error", "latency", "throughput", "resource", "other"',
    );
  });

  it('records a run and replays it offline to the same verdict and numbers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    const rec = join(dir, 'rec.json');
    const recorded = await vigil([
      'record',
      '-c',
      'examples/checkout-healthy/vigil.yaml',
      '--output',
      rec,
      '--quiet',
    ]);
    expect(recorded.code).toBe(0);
    const replayed = await vigil([
      'replay',
      '-c',
      'examples/checkout-healthy/vigil.yaml',
      '--recording',
      rec,
      '--json',
    ]);
    expect(replayed.code).toBe(0);
    const original = await vigil([
      'verify',
      '-c',
      'examples/checkout-healthy/vigil.yaml',
      '--json',
      '--quiet',
    ]);
    const [a, b] = [JSON.parse(replayed.stdout), JSON.parse(original.stdout)];
    expect(a.verdict).toBe(b.verdict);
    expect(a.metrics.map((m: { canary: unknown }) => m.canary)).toEqual(
      b.metrics.map((m: { canary: unknown }) => m.canary),
    );
    expect(a.logs.clusters.length).toBe(b.logs.clusters.length);
  });

  it('prints the spec and report schemas that docs/ holds', async () => {
    expect(JSON.parse((await vigil(['schema'])).stdout)).toEqual(
      JSON.parse(await readFile(join(root, 'docs/spec.schema.json'), 'utf8')),
    );
    expect(JSON.parse((await vigil(['schema', '--report'])).stdout)).toEqual(
      JSON.parse(await readFile(join(root, 'docs/report.schema.json'), 'utf8')),
    );
  });
});

describe('vigil doctor and flare', () => {
  it('reports an unreachable provider with a hint, and the flare bundle holds no secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    const token = 'tok-3f9a1c77-very-secret';
    await writeFile(
      join(dir, 'v.yaml'),
      'apiVersion: vigil/v1\nservice: s\nproviders:\n  prom: { type: prometheus, url: "http://127.0.0.1:9", auth: { type: bearer, token: "${env:PROM_TOKEN}" }, http: { retries: 0, timeoutMs: 2000 } }\nmetrics: [{ name: m, query: \'up{pod=~"{{instances}}"}\' }]\n',
    );
    const env = { PROM_TOKEN: token };
    const checked = await vigil(['doctor', '-c', join(dir, 'v.yaml')], env);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/^provider prom \(prometheus\)$/m);
    expect(checked.stdout).toMatch(/✗ /);
    expect(checked.stdout).not.toContain(token);
    const bundle = join(dir, 'flare.tar.gz');
    const flare = await vigil(['flare', '-c', join(dir, 'v.yaml'), '--output', bundle], env);
    expect(flare.code).toBe(0);
    const tar = gunzipSync(await readFile(bundle)).toString('utf8');
    expect(tar).toContain('vigil-flare/spec.redacted.json');
    expect(tar).toContain('"token": "***"');
    expect(tar).not.toContain(token);
  });
});

describe('the vigil process', () => {
  it('ends a live verification on SIGTERM with a partial, inconclusive result (exit 2), never a pass', async () => {
    const server = createServer((req, res) => {
      const now = Date.now();
      const points = Array.from({ length: 3 }, (_, i) => ({ t: now - (3 - i) * 60_000, v: 100 }));
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ series: [{ instance: req.url?.includes('canary') ? 'c-1' : 'b-1', points }] }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    await writeFile(
      join(dir, 'v.yaml'),
      `apiVersion: vigil/v1\nservice: s\nproviders:\n  apm: { type: http, url: "http://127.0.0.1:${port}/q?g={{group}}", pick: { series: "$.series[*]", points: "$.points[*]", timestamp: "$.t", value: "$.v", instance: "$.instance" } }\nstrategy: { type: canary, baseline: { pattern: "b-.*" }, canary: { pattern: "c-.*" } }\nduration: 10m\ninterval: 1m\nmetrics: [{ name: m, query: q }]\n`,
    );
    try {
      const child = spawn(process.execPath, [bin, 'verify', '-c', join(dir, 'v.yaml')], { cwd: root });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => {
        stdout += c;
      });
      let sent = false;
      child.stderr.on('data', (c) => {
        stderr += c;
        if (!sent && stderr.includes('verifying s')) {
          sent = true;
          setTimeout(() => child.kill('SIGTERM'), 500);
        }
      });
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(code).toBe(2);
      expect(stdout).toMatch(
        /^INCONCLUSIVE .*cancelled after 0s of 10m \(received SIGTERM\); a cancelled verification never passes/m,
      );
    } finally {
      server.close();
    }
  });
});

describe('vigil record under SIGTERM', () => {
  it('marks the recording cancelled, and its replay does not pass (issue #14: a replay of it was PASS 84)', async () => {
    // Healthy, identical data on both sides, one point per second of whatever window is asked: a run that
    // went to its end would pass, so only the cancellation can keep the replay from passing.
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const start = Number(url.searchParams.get('start'));
      const end = Number(url.searchParams.get('end'));
      const group = url.searchParams.get('g') === 'canary' ? 'c' : 'b';
      const series = [1, 2].map((i) => ({
        instance: `${group}-${i}`,
        points: Array.from({ length: Math.max(0, Math.floor((end - start) / 1000)) }, (_, k) => ({
          t: start + k * 1000,
          v: 100 + ((k * 7 + i * 3) % 5),
        })),
      }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ series }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const dir = await mkdtemp(join(tmpdir(), 'vigil-rec-'));
    const spec = join(dir, 'v.yaml');
    const recording = join(dir, 'rec.json');
    await writeFile(
      spec,
      `apiVersion: vigil/v1\nservice: s\nproviders:\n  apm: { type: http, url: "http://127.0.0.1:${port}/q?g={{group}}&start={{start}}&end={{end}}", pick: { series: "$.series[*]", points: "$.points[*]", timestamp: "$.t", value: "$.v", instance: "$.instance" } }\nstrategy: { type: canary, baseline: { pattern: "b-.*" }, canary: { pattern: "c-.*" } }\nduration: 40s\ninterval: 2s\nmetrics: [{ name: m, query: q, kind: latency }]\n`,
    );
    try {
      const child = spawn(process.execPath, [bin, 'record', '-c', spec, '--output', recording], {
        cwd: root,
      });
      let stderr = '';
      let sent = false;
      child.stderr.on('data', (c) => {
        stderr += c;
        // SIGTERM once a few polls are in: the recording holds data, but not the whole window.
        if (!sent && (stderr.match(/left/g) ?? []).length >= 3) {
          sent = true;
          child.kill('SIGTERM');
        }
      });
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(sent).toBe(true);
      expect(code).toBe(2);
      const file = JSON.parse(await readFile(recording, 'utf8'));
      expect(file.completeness.cancelled).toBe(true);
      expect(file.completeness.status).toBe('cancelled');
      expect(file.completeness.covered.end).toBeLessThan(file.completeness.planned.end);
      expect(file.metrics.length).toBeGreaterThan(0);
      const replay = await vigil(['replay', '-c', spec, '--recording', recording, '--json']);
      expect(replay.code).toBe(2);
      const report = JSON.parse(replay.stdout);
      expect(report.verdict).not.toBe('pass');
      expect(report.outcome).not.toBe('passed');
      expect(report.errors.map((e: { message: string }) => e.message).join('\n')).toMatch(
        /the recording holds data up to .* only \(the recorded run was cancelled/,
      );
    } finally {
      server.close();
    }
  });
});

describe('--var: the variables of a spec served by vigil serve', () => {
  it('fills ${var:NAME} for verify and doctor, and names a missing or malformed one (exit 3)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-var-'));
    const text = (await readFile(join(root, 'examples/checkout/vigil.yaml'), 'utf8'))
      .replace('version: "2.14.0"', 'version: "${var:version}"')
      .replace('checkout-8a1d-.*', 'checkout-${var:canaryHash}-.*')
      .replace('file: recording.json', `file: ${join(root, 'examples/checkout/recording.json')}`)
      .replace(
        'feedback: log-feedback.yaml',
        `feedback: ${join(root, 'examples/checkout/log-feedback.yaml')}`,
      );
    await writeFile(join(dir, 'v.yaml'), text);
    const spec = join(dir, 'v.yaml');
    const run = await vigil([
      'verify',
      '-c',
      spec,
      '--var',
      'version=2.14.0',
      '--var',
      'canaryHash=8a1d',
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ version: '2.14.0', verdict: 'fail' });
    const missing = await vigil(['verify', '-c', spec, '--var', 'version=2.14.0']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(
      /strategy\.canary\.pattern: refers to the variable canaryHash, which has no value/,
    );
    const malformed = await vigil(['doctor', '-c', spec, '--var', 'canaryHash']);
    expect(malformed.code).toBe(3);
    expect(malformed.stderr).toBe(
      'vigil: vigil doctor: --var "canaryHash" is not NAME=VALUE (e.g. --var version=1.4.2)\n',
    );
  });
});
