/**
 * `pnpm bench service-guard [--entities N] [--metrics N] [--replicas N] [--concurrency N] [--rate N] [--seconds N]`
 *
 * Service Guard at scale: N entities (default 10,000) x 10 replayed metrics, analysed every 5-minute period
 * by `--replicas` (default 2) backend processes with Backstage's real scheduler on one PostgreSQL. For the
 * first period (detectors trained on an hour of history) and a steady one it reports the wall time from
 * the period's end to the last entity stored, whether that is within the period, the share each replica
 * analysed, and the CPU time per entity. Then the health read endpoint under a fixed rate of `--rate`
 * requests per second (default 200) for `--seconds` (default 20) with autocannon: p50, p99, errors; the
 * target is p99 <= 50 ms. On a small machine pass a smaller `--entities`; the report extrapolates the
 * steady period to 10,000 entities linearly and says so.
 */
import '../packages/service-guard-backend/test/support/jestShim.ts';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { userHeader } from '../packages/service-guard-backend/test/support/backend.ts';
import { startPostgres } from '../packages/service-guard-backend/test/support/postgres.ts';
import {
  HOUR,
  MINUTE,
  syntheticReplay,
  writeReplay,
} from '../packages/service-guard-backend/test/support/replay.ts';
import { seededRandom } from '../packages/core/src/random.ts';
import { printTable } from './table.ts';

const PERIOD = 5 * MINUTE;
const PERIOD_END = Date.UTC(2026, 10, 20, 12, 0);
const HISTORY = HOUR;
const TARGET = 10_000;
const replicaScript = fileURLToPath(new URL('./service-guard/replica.ts', import.meta.url));

function flag(args: string[], name: string, def: number): number {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number, got "${args[i + 1]}"`);
  return v;
}

interface Replica {
  proc: ChildProcessWithoutNullStreams;
  baseUrl: string;
  /** Entities stored per period start. */
  written: Map<number, number>;
  cpu: (v: number) => void;
}

/** Stored-entity times of all replicas: periodStart -> performance.now() of each "written". */
const writtenAt = new Map<number, number[]>();

function startReplica(env: Record<string, string>): Promise<Replica> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [replicaScript], { env: { ...process.env, ...env } });
    const replica: Replica = { proc, baseUrl: '', written: new Map(), cpu: () => {} };
    let buf = '';
    let err = '';
    proc.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-10_000);
    });
    proc.on(
      'exit',
      (code) => code !== 0 && reject(new Error(`replica exited with ${code}: ${err.slice(-1500)}`)),
    );
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        const [what, arg, period] = line.split(' ');
        if (what === 'ready') {
          replica.baseUrl = line.slice(6);
          resolve(replica);
        } else if (what === 'cpu') replica.cpu(Number(arg));
        else if (what === 'written') {
          const p = Number(period);
          writtenAt.set(p, [...(writtenAt.get(p) ?? []), performance.now()]);
          replica.written.set(p, (replica.written.get(p) ?? 0) + 1);
        } else if (what === 'failed' || what === 'duplicate') {
          console.error(`replica reported ${line}`);
        }
      }
    });
  });
}

const cpuOf = (r: Replica) =>
  new Promise<number>((resolve) => {
    r.cpu = resolve;
    r.proc.stdin.write('cpu\n');
  });

async function waitAll(period: number, count: number, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while ((writtenAt.get(period)?.length ?? 0) < count) {
    if (Date.now() > deadline)
      throw new Error(`period ${period}: ${writtenAt.get(period)?.length ?? 0} of ${count} in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return writtenAt.get(period)!;
}

export default async function serviceGuardBench(args: string[]): Promise<void> {
  const entities = flag(args, '--entities', TARGET);
  const metrics = flag(args, '--metrics', 10);
  const replicas = flag(args, '--replicas', 2);
  const rate = flag(args, '--rate', 200);
  const seconds = flag(args, '--seconds', 20);
  const concurrency = flag(args, '--concurrency', 4);
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-'));
  const periods: (string | number)[][] = [];
  const started: Replica[] = [];
  let health: autocannon.Result | undefined;
  let healthCpuMs = 0;
  let steady = { wall: 0, busy: 0 };
  try {
    const replay = writeReplay(
      dir,
      syntheticReplay(
        Array.from({ length: entities }, (_, i) => ({ service: `svc-${i}` })),
        { metrics, from: PERIOD_END - PERIOD - HISTORY, to: PERIOD_END + PERIOD },
      ),
    );
    const env = {
      SG_PG: await pg.createDatabase('sg_bench'),
      SG_REPLAY: replay,
      SG_ENTITIES: String(entities),
      SG_METRICS: String(metrics),
      SG_NOW: String(PERIOD_END + 30_000),
      SG_PERIOD_MS: String(PERIOD),
      SG_HISTORY_MS: String(HISTORY),
      SG_SHARDS: '1',
      SG_CONCURRENCY: String(concurrency),
    };
    // One after the other: Backstage's scheduler races on its own migrations when started at once.
    const t0 = performance.now();
    for (let r = 0; r < replicas; r++) started.push(await startReplica(env));
    const runs = [PERIOD_END - PERIOD, PERIOD_END];
    for (const [i, period] of runs.entries()) {
      // The first period starts with the processes: its CPU time counts from their start.
      const cpu0 = i === 0 ? started.map(() => 0) : await Promise.all(started.map(cpuOf));
      const t = i === 0 ? t0 : performance.now();
      if (i > 0) for (const r of started) r.proc.stdin.write('advance\n');
      const times = await waitAll(period, entities, 60 * 60_000);
      const wall = (Math.max(...times) - t) / 1000;
      // From the first entity stored to the last: the analysis itself, without the wait for the next tick.
      const busy = (Math.max(...times) - Math.min(...times)) / 1000;
      const cpu = (await Promise.all(started.map(cpuOf))).reduce((s, c, k) => s + c - cpu0[k]!, 0) / 1000;
      if (i > 0) steady = { wall, busy };
      periods.push([
        i === 0 ? 'first (detectors learn 1 h)' : 'steady (5 new points per metric)',
        entities,
        metrics,
        wall.toFixed(1),
        busy.toFixed(1),
        wall <= PERIOD / 1000 ? 'yes' : 'NO',
        started.map((r) => r.written.get(period) ?? 0).join(' / '),
        (cpu / entities).toFixed(1),
      ]);
    }
    const healthCpu0 = await cpuOf(started[0]!);
    // Which entity each request reads: the core's seeded generator, so every run asks for the same sequence.
    const pick = seededRandom(1);
    health = await autocannon({
      url: `${started[0]!.baseUrl}/entities/component/default/svc-0/health?limit=50`,
      headers: { authorization: userHeader() },
      connections: 10,
      overallRate: rate,
      duration: seconds,
      requests: [
        {
          setupRequest: (req) => {
            const i = Math.floor(pick() * entities);
            return { ...req, path: `/api/service-guard/entities/component/default/svc-${i}/health?limit=50` };
          },
        },
      ],
    });
    healthCpuMs = ((await cpuOf(started[0]!)) - healthCpu0) / 1000 / Math.max(1, health.requests.total);
  } finally {
    for (const r of started) r.proc.stdin.write('stop\n');
    await Promise.all(
      started.map(
        (r) => new Promise((res) => (r.proc.exitCode !== null ? res(0) : r.proc.once('exit', res))),
      ),
    );
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `Service Guard: ${entities} entities x ${metrics} replayed metrics, ${replicas} replica processes ` +
      `(1 worker, concurrency ${concurrency} each), one PostgreSQL, 5-minute period`,
  );
  printTable(
    [
      'period',
      'entities',
      'metrics',
      'wall s (period end to last stored)',
      'busy s (first to last stored)',
      'within the period',
      'analysed per replica',
      'CPU ms per entity',
    ],
    periods,
  );
  if (entities < TARGET) {
    // The wait for the workers' next tick does not grow with the entities; the analysis does.
    const projected = steady.wall - steady.busy + (steady.busy * TARGET) / entities;
    console.log(
      `Extrapolated linearly (measured ${entities}, not ${TARGET}): a steady period of ${TARGET} entities would take ` +
        `${projected.toFixed(0)} s on these ${replicas} replicas: ${projected <= PERIOD / 1000 ? 'within' : 'NOT within'} the 300 s period.`,
    );
  }
  if (health) {
    console.log('');
    console.log(
      `Health endpoint, ${rate} requests/s for ${seconds} s (autocannon, 10 connections), random entity`,
    );
    printTable(
      [
        'requests',
        'req/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'errors',
        'non-2xx',
        'backend CPU ms per request',
        'p99 <= 50 ms',
      ],
      [
        [
          health.requests.total,
          Math.round(health.requests.average),
          health.latency.p50,
          health.latency.p99,
          health.latency.max,
          health.errors,
          health.non2xx,
          healthCpuMs.toFixed(2),
          health.latency.p99 <= 50 ? 'yes' : 'NO',
        ],
      ],
    );
  }
}
