/**
 * Secrets are values, not fields. A spec takes four secrets from the environment and uses them where a person
 * would: in the URL's query (S1), in a plain header (S2), after "Bearer " in a secret header (S3), and as a
 * basic-auth credential whose password (PW) is only inside its base64 (S4). The server echoes every one of
 * them back, in every case and encoding, in the error of one of the two metrics' queries. Every output of
 * every command path (verify and its three reports, doctor, flare and each file of its bundle, record and its
 * recording, replay, the Action's step summary, outputs and log) is then searched for each secret in each
 * form, case-insensitively.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages/cli/src/bin.ts');
const action = join(root, 'packages/action/src/index.ts');

const PW = 'BasicPw-5ZxCvBn';
const secrets = {
  S1: 'Query Key/Alpha+7Zx',
  S2: 'HdrPlain-9QwErTy',
  S3: 'BearerTok-4AsDfGh',
  S4: Buffer.from(`alice:${PW}`).toString('base64'),
};
/** Every value that must never be seen: the four, the password inside S4, and the basic-auth pair. */
const values = [...Object.values(secrets), PW, `alice:${PW}`];

const b64 = (s: string) => Buffer.from(s).toString('base64');
/** The forms a server may echo a value in. */
const forms = (v: string) => [
  v,
  v.toLowerCase(),
  v.toUpperCase(),
  encodeURIComponent(v),
  encodeURIComponent(v).toLowerCase(),
  new URLSearchParams({ v }).toString().slice(2),
  encodeURI(v),
  b64(v),
  b64(v).replace(/=+$/, ''),
];

/** Every secret, in every form, that occurs in `text` (case-insensitively), with where it was found. */
function leaks(where: string, text: string): string[] {
  const lower = text.toLowerCase();
  const found: string[] = [];
  for (const v of values) {
    for (const f of forms(v))
      if (f.length >= 4 && lower.includes(f.toLowerCase())) found.push(`${where}: ${f}`);
  }
  return found;
}

let server: Server;
let dir: string;
let spec: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    if (req.url?.includes('m=echo')) {
      // A server that echoes the request and every credential it got, in every form.
      const echo = [
        `url=${req.url}`,
        `headers=${JSON.stringify(req.headers)}`,
        ...values.flatMap((v) => forms(v).map((f) => `[${f}]`)),
      ].join(' ');
      res.statusCode = 400;
      res.end(JSON.stringify({ error: echo }));
      return;
    }
    const now = Date.now();
    const points = Array.from({ length: 5 }, (_, i) => ({ t: now - (5 - i) * 1000, v: 100 + (i % 2) }));
    const instance = req.url?.includes('g=canary') ? 'c-1' : 'b-1';
    res.end(JSON.stringify({ series: [{ instance, points }], note: `served ${req.url}` }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  dir = await mkdtemp(join(tmpdir(), 'vigil-secrets-'));
  spec = join(dir, 'vigil.yaml');
  await writeFile(
    spec,
    `apiVersion: vigil/v1
service: shop
providers:
  apm:
    type: http
    url: "http://127.0.0.1:${port}/q?key=\${env:S1}&g={{group}}&m={{query}}"
    headers: { X-Api: "\${env:S2}" }
    secretHeaders: { Authorization: "Bearer \${env:S3}", X-Basic: "Basic \${env:S4}" }
    pick: { series: "$.series[*]", points: "$.points[*]", timestamp: "$.t", value: "$.v", instance: "$.instance" }
    http: { retries: 0, timeoutMs: 3000 }
strategy: { type: canary, baseline: { pattern: "b-.*" }, canary: { pattern: "c-.*" } }
duration: 3s
interval: 1s
policy: { earlyStop: false }
metrics:
  - { name: good, query: ok }
  - { name: echo, query: echo }
`,
  );
});

afterAll(() => {
  server.close();
});

function run(
  file: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [file, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...secrets, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function filesUnder(folder: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const e of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (e.isFile())
      out.push([join(e.parentPath, e.name), await readFile(join(e.parentPath, e.name), 'utf8')]);
  }
  return out;
}

/** The files of a .tar.gz (ustar: 512-byte headers, contents padded to 512). */
function untar(gz: Buffer): [string, string][] {
  const tar = gunzipSync(gz);
  const out: [string, string][] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = tar.toString('utf8', at, at + 100).replace(/\0.*$/s, '');
    if (!name) break;
    const size = Number.parseInt(
      tar
        .toString('ascii', at + 124, at + 136)
        .replace(/\0.*$/s, '')
        .trim(),
      8,
    );
    out.push([name, tar.toString('utf8', at + 512, at + 512 + size)]);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe('secrets never leak, in any case or encoding, from any output', () => {
  it('the server really received every secret and echoed them (so the test can fail)', async () => {
    const r = await run(cli, ['doctor', '-c', spec]);
    expect(seen.some((u) => u.includes(encodeURI(secrets.S1)))).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\*\*\*/);
  });

  it('verify: terminal and report.json, report.md, report.html', async () => {
    const reports = join(dir, 'reports');
    const r = await run(cli, ['verify', '-c', spec, '--report-dir', reports]);
    expect([0, 1, 2]).toContain(r.code);
    const files = await filesUnder(reports);
    expect(files.map(([f]) => f.slice(reports.length + 1)).sort()).toEqual([
      'report.html',
      'report.json',
      'report.md',
    ]);
    expect(files.find(([f]) => f.endsWith('report.json'))![1]).toMatch(/\*\*\*/);
    expect([
      ...leaks('verify stdout', r.stdout),
      ...leaks('verify stderr', r.stderr),
      ...files.flatMap(([f, t]) => leaks(f, t)),
    ]).toEqual([]);
    const json = await run(cli, ['verify', '-c', spec, '--json', '--quiet']);
    expect([...leaks('verify --json', json.stdout), ...leaks('verify --json stderr', json.stderr)]).toEqual(
      [],
    );
  });

  it('doctor, text and JSON', async () => {
    const text = await run(cli, ['doctor', '-c', spec]);
    const json = await run(cli, ['doctor', '-c', spec, '--json']);
    expect(JSON.parse(json.stdout).length).toBeGreaterThan(0);
    expect([
      ...leaks('doctor', text.stdout + text.stderr),
      ...leaks('doctor --json', json.stdout + json.stderr),
    ]).toEqual([]);
  });

  it('flare: every file of the bundle, spec.redacted.json and doctor.txt included', async () => {
    const bundle = join(dir, 'flare.tar.gz');
    const r = await run(cli, ['flare', '-c', spec, '--report-dir', join(dir, 'reports'), '--output', bundle]);
    expect(r.code).toBe(0);
    const files = untar(await readFile(bundle));
    expect(files.map(([f]) => f)).toEqual(
      expect.arrayContaining([
        'vigil-flare/spec.redacted.json',
        'vigil-flare/doctor.txt',
        'vigil-flare/reports/report.json',
      ]),
    );
    expect(files.find(([f]) => f.endsWith('spec.redacted.json'))![1]).toContain('127.0.0.1');
    expect([...leaks('flare', r.stdout + r.stderr), ...files.flatMap(([f, t]) => leaks(f, t))]).toEqual([]);
  });

  it('record and replay: terminal, recording, replayed reports', async () => {
    const rec = join(dir, 'rec.json');
    const recorded = await run(cli, [
      'record',
      '-c',
      spec,
      '--output',
      rec,
      '--report-dir',
      join(dir, 'rec-reports'),
    ]);
    expect([0, 1, 2]).toContain(recorded.code);
    const replayed = await run(cli, [
      'replay',
      '-c',
      spec,
      '--recording',
      rec,
      '--json',
      '--report-dir',
      join(dir, 'replayed'),
    ]);
    expect([0, 1, 2]).toContain(replayed.code);
    expect([
      ...leaks('record', recorded.stdout + recorded.stderr),
      ...leaks('recording', await readFile(rec, 'utf8')),
      ...(await filesUnder(join(dir, 'rec-reports'))).flatMap(([f, t]) => leaks(f, t)),
      ...leaks('replay', replayed.stdout + replayed.stderr),
      ...(await filesUnder(join(dir, 'replayed'))).flatMap(([f, t]) => leaks(f, t)),
    ]).toEqual([]);
  });

  it('the Action: step summary, outputs, annotations and log (masks aside)', async () => {
    const work = join(dir, 'action');
    await import('node:fs/promises').then((fs) => fs.mkdir(work, { recursive: true }));
    const output = join(work, 'output');
    const summary = join(work, 'summary.md');
    await writeFile(output, '');
    await writeFile(summary, '');
    await writeFile(join(work, 'event.json'), '{}');
    const r = await run(action, [], {
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_EVENT_PATH: join(work, 'event.json'),
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '1',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'verify',
      GITHUB_ACTION: 'verify',
      GITHUB_SHA: 'b'.repeat(40),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: work,
      INPUT_SPEC: 'vigil.yaml',
      'INPUT_REPORT-DIR': join(work, 'reports'),
      'INPUT_ON-FAILURE': 'fail',
      'INPUT_ON-INCONCLUSIVE': 'warn',
      INPUT_PREFLIGHT: 'false',
    });
    // `::add-mask::` lines hand the values to the runner so that it masks them: they must be there.
    const masks = r.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks.join('\n')).toContain(secrets.S3);
    const log = r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    const summaryText = await readFile(summary, 'utf8');
    expect(summaryText.length).toBeGreaterThan(0);
    expect([
      ...leaks('action log', log + r.stderr),
      ...leaks('action summary', summaryText),
      ...leaks('action outputs', await readFile(output, 'utf8')),
      ...(await filesUnder(join(work, 'reports'))).flatMap(([f, t]) => leaks(f, t)),
    ]).toEqual([]);
  });
});
