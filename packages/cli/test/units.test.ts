import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runVigil } from './support/vigil.ts';

const vigil = (argv: string[], cwd: string) => runVigil(argv, { cwd });

/** 3 instances x 30 one-minute points around `level`, with the same deterministic wobble of +-4 `noise`. */
function csv(level: number, prefix: string, noise: number): string {
  const rows = ['timestamp,instance,value'];
  for (let m = 0; m < 30; m++)
    for (let k = 0; k < 3; k++) {
      const wobble = (((m * 7 + k * 13) % 9) - 4) * noise;
      rows.push(`${1_700_000_000 + 60 * m},${prefix}-${k},${(level + wobble).toFixed(6)}`);
    }
  return `${rows.join('\n')}\n`;
}

async function files(baseline: number, canary: number, noise = baseline / 100): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-units-'));
  await writeFile(join(dir, 'baseline.csv'), csv(baseline, 'b', noise));
  await writeFile(join(dir, 'canary.csv'), csv(canary, 'c', noise));
  return dir;
}

describe('vigil compare with units', () => {
  it('fails latency in seconds that rose from 0.22 s to 0.62 s (the 2 ms floor is 0.002 s, not 2 s)', async () => {
    const dir = await files(0.22, 0.62);
    const args = ['compare', '--baseline', 'baseline.csv', '--canary', 'canary.csv', '--kind', 'latency'];
    const s = await vigil([...args, '--unit', 's'], dir);
    expect(s.stdout).toMatch(/FAIL/);
    expect(s.code).toBe(1);
    expect(s.stdout).not.toMatch(/2 s\)/);
    // The same latency written in ms, and in an alias of seconds, gets the same verdict.
    const ms = await files(220, 620);
    expect((await vigil([...args, '--unit', 'ms'], ms)).code).toBe(1);
    expect((await vigil([...args, '--unit', 'seconds'], dir)).code).toBe(1);
  });

  it('prints the floor with its unit when a seconds metric moves by less than it', async () => {
    // +10% of 1 ms written in seconds: 0.0001 s, below the 2 ms floor at medium.
    const dir = await files(0.001, 0.0011);
    const r = await vigil(
      ['compare', '--baseline', 'baseline.csv', '--canary', 'canary.csv', '--kind', 'latency', '--unit', 's'],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/below the minimum change \([^)]*2 ms\)/);
  });

  it('rejects an unknown --unit with exit 3 and the list of known units', async () => {
    const dir = await files(1, 1);
    const r = await vigil(
      ['compare', '--baseline', 'baseline.csv', '--canary', 'canary.csv', '--unit', 'furlongs'],
      dir,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/unknown unit "furlongs"/);
    expect(r.stderr).toMatch(/ms, s, min/);
    expect(r.stderr).toMatch(/MiB/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
