import './support/jestShim.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from './support/postgres.ts';
import { DAY, HOUR, MINUTE, syntheticReplay, writeReplay } from './support/replay.ts';

const PERIOD_END = Date.UTC(2026, 10, 20, 12, 0);
const ENTITIES = 40;
const METRICS = 10;
const child = fileURLToPath(new URL('./support/crashChild.ts', import.meta.url));

/** Runs the backend in a child process; with `killAfter`, SIGKILLs it once that many entities are stored. */
function runChild(
  env: Record<string, string>,
  killAfter?: number,
): Promise<{ lines: string[]; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buf = '';
    let err = '';
    let killed = false;
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
      if (
        killAfter !== undefined &&
        !killed &&
        lines.filter((l) => l.startsWith('written ')).length >= killAfter
      ) {
        killed = true;
        p.kill('SIGKILL');
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (killed && signal === 'SIGKILL') resolve({ lines, killed });
      else if (code === 0) resolve({ lines, killed });
      else reject(new Error(`child exited with ${code ?? signal}: ${err.slice(-2000)}`));
    });
  });
}

describe('a backend killed in the middle of a run', () => {
  let pg: TestPostgres;
  let dir: string;
  let knex: Knex;
  let env: Record<string, string>;

  beforeAll(async () => {
    pg = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'sg-crash-'));
    const replay = syntheticReplay(
      Array.from({ length: ENTITIES }, (_, i) => ({ service: `svc-${i}` })),
      { metrics: METRICS, from: PERIOD_END - DAY, to: PERIOD_END + HOUR },
    );
    const connection = await pg.createDatabase('service_guard_crash');
    knex = knexFactory({ client: 'pg', connection });
    env = {
      SG_PG: connection,
      SG_REPLAY: writeReplay(dir, replay),
      SG_ENTITIES: String(ENTITIES),
      SG_NOW: String(PERIOD_END + 30_000),
    };
  });
  afterAll(async () => {
    await knex?.destroy();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every stored snapshot is whole: all its metric risks and one detector per metric at the period's end. */
  async function checkWhole(): Promise<string[]> {
    const snaps = await knex('sg_snapshots').select('id', 'entity_ref');
    const risks = (await knex('sg_metric_risks')
      .select('snapshot_id')
      .count({ n: '*' })
      .groupBy('snapshot_id')) as { snapshot_id: string | number; n: string | number }[];
    const riskCount = new Map(risks.map((r) => [Number(r.snapshot_id), Number(r.n)]));
    for (const s of snaps) expect(riskCount.get(Number(s.id)), s.entity_ref).toBe(METRICS);
    expect(risks).toHaveLength(snaps.length);
    const states = await knex('sg_detector_state').select('entity_ref', 'last_t');
    const refs = new Set(snaps.map((s) => s.entity_ref as string));
    // A detector's memory is stored with its snapshot or not at all.
    for (const st of states) expect(refs.has(st.entity_ref), st.entity_ref).toBe(true);
    expect(states).toHaveLength(snaps.length * METRICS);
    expect(new Set(states.map((s) => Number(s.last_t)))).toEqual(
      new Set(snaps.length ? [PERIOD_END - MINUTE] : []),
    );
    return [...refs];
  }

  it('leaves only whole analyses, and the restarted backend completes the period without duplicates', async () => {
    const first = await runChild(env, 10);
    expect(first.killed).toBe(true);
    const reported = first.lines.filter((l) => l.startsWith('written ')).map((l) => l.slice(8));
    const stored = await checkWhole();
    // Everything the process reported as stored is there (committed before it said so).
    for (const ref of reported) expect(stored).toContain(ref);
    expect(stored.length).toBeLessThan(ENTITIES);

    const second = await runChild(env);
    expect(second.lines.at(-1)).toBe('done');
    const written = second.lines.filter((l) => l.startsWith('written ')).map((l) => l.slice(8));
    const skipped = second.lines.filter((l) => l.startsWith('skipped ')).map((l) => l.slice(8));
    expect(second.lines.filter((l) => l.startsWith('failed ') || l.startsWith('duplicate '))).toEqual([]);
    // The restart analyses exactly what was missing; an entity stored but not yet released when the process
    // died is found stored (skipped), never analysed twice.
    for (const ref of skipped) expect(stored).toContain(ref);
    for (const ref of written) expect(stored).not.toContain(ref);
    expect(written.length + stored.length).toBe(ENTITIES);
    const all = await checkWhole();
    expect(all).toHaveLength(ENTITIES);
    console.log(
      `killed after ${stored.length} of ${ENTITIES} entities; the restart analysed the other ${written.length}`,
    );
  }, 180_000);
});
