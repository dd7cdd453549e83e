/**
 * `pnpm bench service-guard [--entities N] [--requests N] [--concurrency N]`
 *
 * Throughput of Service Guard: entities analysed per minute by one replica and by two (separate backend
 * processes with Backstage's real scheduler sharing one PostgreSQL; replay provider, 10 metrics each),
 * for the first period (detectors trained on a day of history) and for steady-state periods (30 new points
 * per metric). Then the p99 latency of the health read endpoint under concurrent load on loopback.
 */
import '../packages/service-guard-backend/test/support/jestShim.ts';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { userHeader } from '../packages/service-guard-backend/test/support/backend.ts';
import { startPostgres } from '../packages/service-guard-backend/test/support/postgres.ts';
import {
  DAY,
  MINUTE,
  syntheticReplay,
  writeReplay,
} from '../packages/service-guard-backend/test/support/replay.ts';
import { printTable } from './table.ts';

const PERIOD = 30 * MINUTE;
const PERIOD_END = Date.UTC(2026, 10, 20, 12, 0);
const METRICS = 10;
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
}

/** Stored-entity events of all replicas: periodStart -> times (ms, performance.now) of each "written". */
const written = new Map<number, number[]>();

function startReplica(env: Record<string, string>): Promise<Replica> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [replicaScript], { env: { ...process.env, ...env } });
    let buf = '';
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on(
      'exit',
      (code) => code !== 0 && reject(new Error(`replica exited with ${code}: ${err.slice(-1500)}`)),
    );
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        const [what, , period] = line.split(' ');
        if (what === 'ready') resolve({ proc, baseUrl: line.slice(6) });
        else if (what === 'written') {
          const list = written.get(Number(period)) ?? [];
          list.push(performance.now());
          written.set(Number(period), list);
        } else if (what === 'failed' || what === 'duplicate') {
          reject(new Error(`replica reported ${line}`));
        }
      }
    });
  });
}

async function waitAll(period: number, count: number, timeoutMs = 20 * 60_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while ((written.get(period)?.length ?? 0) < count) {
    if (Date.now() > deadline)
      throw new Error(`period ${period}: ${written.get(period)?.length ?? 0} of ${count} in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return written.get(period)!;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export default async function serviceGuardBench(args: string[]): Promise<void> {
  const entities = flag(args, '--entities', 200);
  const requests = flag(args, '--requests', 3000);
  const concurrency = flag(args, '--concurrency', 16);
  const historyMs = DAY;
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-'));
  const throughput: (string | number)[][] = [];
  const latency: (string | number)[][] = [];
  try {
    const replay = writeReplay(
      dir,
      syntheticReplay(
        Array.from({ length: entities }, (_, i) => ({ service: `svc-${i}` })),
        { metrics: METRICS, from: PERIOD_END - historyMs - 2 * PERIOD, to: PERIOD_END + 4 * PERIOD },
      ),
    );
    for (const replicas of [1, 2]) {
      written.clear();
      const env = {
        SG_PG: await pg.createDatabase(`sg_bench_${replicas}`),
        SG_REPLAY: replay,
        SG_ENTITIES: String(entities),
        SG_NOW: String(PERIOD_END - PERIOD + 30_000),
        SG_SHARDS: '8',
        SG_HISTORY_MS: String(historyMs),
      };
      const started: Replica[] = [];
      try {
        // One after the other: Backstage's scheduler races on its migrations when started at once.
        for (let r = 0; r < replicas; r++) started.push(await startReplica(env));
        const periods = [PERIOD_END - 2 * PERIOD, PERIOD_END - PERIOD, PERIOD_END];
        for (const [i, period] of periods.entries()) {
          const t0 = performance.now();
          if (i > 0) for (const r of started) r.proc.stdin.write('advance\n');
          const times = await waitAll(period, entities);
          const first = Math.min(...times);
          const last = Math.max(...times);
          // From the trigger (the clock moving on) to the last entity stored, which includes the scheduler
          // picking the shard tasks up; and from the first stored entity to the last, the analysis itself.
          // The first period starts with the replicas, so it has only the second figure.
          const wall = i === 0 ? null : (last - t0) / 1000;
          const busy = (last - first) / 1000;
          throughput.push([
            i === 0 ? 'first period (1 day of history)' : `steady period ${i}`,
            replicas,
            entities,
            METRICS,
            wall === null ? '-' : wall.toFixed(1),
            wall === null ? '-' : String(Math.round((entities / wall) * 60)),
            busy,
            Math.round((entities / busy) * 60),
          ]);
        }
        if (replicas === 1) {
          const header = { authorization: userHeader() };
          const lat: number[] = [];
          let next = 0;
          const tStart = performance.now();
          await Promise.all(
            Array.from({ length: concurrency }, async () => {
              while (next < requests) {
                const i = next++;
                const t = performance.now();
                const res = await fetch(
                  `${started[0]!.baseUrl}/entities/component/default/svc-${i % entities}/health?limit=50`,
                  { headers: header },
                );
                await res.arrayBuffer();
                if (res.status !== 200) throw new Error(`health answered ${res.status}`);
                lat.push(performance.now() - t);
              }
            }),
          );
          const total = (performance.now() - tStart) / 1000;
          lat.sort((a, b) => a - b);
          latency.push([
            'GET /entities/:kind/:ns/:name/health (3 snapshots, 10 metrics)',
            'postgresql',
            requests,
            concurrency,
            percentile(lat, 50),
            percentile(lat, 99),
            Math.round(requests / total),
          ]);
        }
      } finally {
        for (const r of started) r.proc.stdin.write('stop\n');
        await Promise.all(
          started.map(
            (r) => new Promise((res) => (r.proc.exitCode !== null ? res(0) : r.proc.once('exit', res))),
          ),
        );
      }
    }
  } finally {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `Service Guard throughput (replay provider, ${METRICS} metrics per entity, 8 shards, PostgreSQL)`,
  );
  printTable(
    [
      'period',
      'replicas',
      'entities',
      'metrics',
      'wall s',
      'entities/min (wall)',
      'busy s',
      'entities/min (busy)',
    ],
    throughput,
  );
  console.log('');
  console.log('Health read endpoint on loopback (one backend process)');
  printTable(['endpoint', 'database', 'requests', 'concurrency', 'p50 ms', 'p99 ms', 'req/s'], latency);
}
