/**
 * `pnpm bench action [--runs N]`: what a runner pays for the Action before it does any work.
 * - Bundle size of dist/*.js (raw and gzip, as the runner checks it out); target <= 1.5 MB.
 * - Cold start: from spawning `node dist/index.js` (INPUT_* as a runner sets them) to the first request that
 *   reaches the provider (a stub Prometheus on 127.0.0.1), median and spread over N runs. Node's own start
 *   (`node -e 0` to exit) is measured the same way, for comparison. Target: median <= 150 ms.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { printTable } from './table.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(repoRoot, 'dist/index.js');

export default async function bench(args: string[]): Promise<void> {
  const i = args.indexOf('--runs');
  const runs = i >= 0 ? Number(args[i + 1]) : 15;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');

  // index.js and any chunk it loads later: everything a runner checks out and may parse.
  const files = (await readdir(dirname(bundle))).filter((f) => f.endsWith('.js'));
  const code = Buffer.concat(await Promise.all(files.map((f) => readFile(join(dirname(bundle), f)))));
  const work = await mkdtemp(join(tmpdir(), 'vigil-bench-action-'));
  const firstRequest: { resolve?: (t: bigint) => void } = {};
  const server = createServer((_req, res) => {
    firstRequest.resolve?.(process.hrtime.bigint());
    firstRequest.resolve = undefined;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { version: '2.42.0' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const promUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await writeFile(join(work, 'event.json'), '{"repository":{"default_branch":"main"}}');
  await writeFile(join(work, 'output'), '');
  await writeFile(join(work, 'summary'), '');
  const env = {
    PATH: process.env.PATH ?? '',
    NO_PROXY: '127.0.0.1',
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STEP_SUMMARY: join(work, 'summary'),
    GITHUB_EVENT_PATH: join(work, 'event.json'),
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '1',
    GITHUB_WORKSPACE: work,
    RUNNER_TEMP: work,
    INPUT_SERVICE: 'demo',
    INPUT_PROVIDER: 'prometheus',
    'INPUT_PROMETHEUS-URL': promUrl,
    'INPUT_PROMETHEUS-TOKEN': 'bench-token',
    INPUT_METRICS:
      'p99: histogram_quantile(0.99, sum by (le, pod) (rate(x_bucket{pod=~"{{instances}}"}[1m])))',
    'INPUT_ON-FAILURE': 'fail',
    INPUT_PREFLIGHT: 'true',
  };

  const toFirstRequest: number[] = [];
  const nodeStart: number[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      const got = new Promise<bigint>((res) => {
        firstRequest.resolve = res;
      });
      const t0 = process.hrtime.bigint();
      const child = spawn(process.execPath, [bundle], { env, stdio: 'ignore' });
      const t1 = await Promise.race([got, exitOf(child).then(() => undefined)]);
      if (t1 === undefined) throw new Error('the Action exited before it sent a request to the provider');
      toFirstRequest.push(Number(t1 - t0) / 1e6);
      child.kill('SIGKILL');
      await exitOf(child);

      const s0 = process.hrtime.bigint();
      await exitOf(spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }));
      nodeStart.push(Number(process.hrtime.bigint() - s0) / 1e6);
    }
  } finally {
    server.close();
    await rm(work, { recursive: true, force: true });
  }

  console.log(`Action bundle: ${bundle}`);
  printTable(
    ['measure', 'value', 'unit'],
    [
      [
        `bundle size (dist/*.js, ${files.length} file${files.length > 1 ? 's' : ''})`,
        code.length / 1024,
        'KiB',
      ],
      ['bundle size, gzip', gzipSync(code).length / 1024, 'KiB'],
    ],
  );
  console.log('');
  printTable(
    ['cold start', 'runs', 'median ms', 'min ms', 'p90 ms', 'max ms'],
    [
      ['spawn -> first provider request', runs, ...spread(toFirstRequest)],
      ['node -e 0 (spawn -> exit)', runs, ...spread(nodeStart)],
    ],
  );
}

function spread(xs: number[]): number[] {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return [q(0.5), s[0]!, q(0.9), s.at(-1)!];
}

function exitOf(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r();
    else child.once('exit', () => r());
  });
}
