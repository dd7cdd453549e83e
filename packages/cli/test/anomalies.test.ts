import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@vigil/core';
import { UsageError } from '../src/command.ts';
import { anomaliesCommand } from '../src/commands/anomalies.ts';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-anomalies-'));
  let text = '';
  const stdout = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  const io = { stdout, stderr: stdout, cwd: dir, env: {}, signal: new AbortController().signal };
  return { dir, io, out: () => text };
}

/** Five-minute NAB-style rows: a flat noisy series with one spike at row `spikeAt`. */
function nabCsv(rows: number, spikeAt: number): string {
  const lines = ['timestamp,value'];
  const random = seededRandom(1);
  for (let i = 0; i < rows; i++) {
    const t = new Date(Date.UTC(2014, 3, 1) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`${t},${(i === spikeAt ? 90 : 20 + (random() - 0.5)).toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('vigil anomalies', () => {
  it('writes timestamp,value,anomaly_score for every input row in order, alert at the spike', async () => {
    const { dir, io, out } = setup();
    writeFileSync(join(dir, 'in.csv'), nabCsv(800, 700));
    const code = await anomaliesCommand.run(['--input', 'in.csv', '--output', 'out.csv'], io);
    expect(code).toBe(0);
    const input = readFileSync(join(dir, 'in.csv'), 'utf8').trim().split('\n');
    const output = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n');
    expect(output[0]).toBe('timestamp,value,anomaly_score');
    expect(output).toHaveLength(input.length);
    const rows = output.slice(1).map((l) => l.split(','));
    rows.forEach((r, i) => {
      expect(`${r[0]},${r[1]}`).toBe(input[i + 1]);
      const score = Number(r[2]);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    });
    const alerts = rows.map((r, i) => (Number(r[2]) >= 0.5 ? i : -1)).filter((i) => i >= 0);
    expect(alerts).toEqual([700]);
    expect(out()).toMatch(/800 points scored, 1 alerts/);
  });

  it('refuses missing options, an unknown sensitivity and a file without the header', async () => {
    const { dir, io } = setup();
    await expect(anomaliesCommand.run(['--output', 'o.csv'], io)).rejects.toThrow(/--input is required/);
    writeFileSync(join(dir, 'in.csv'), nabCsv(10, 5));
    await expect(
      anomaliesCommand.run(['--input', 'in.csv', '--output', 'o.csv', '--sensitivity', 'max'], io),
    ).rejects.toThrow(/--sensitivity must be one of low, medium, high/);
    writeFileSync(join(dir, 'bad.csv'), 'time;value\n1;2\n');
    await expect(
      anomaliesCommand.run(['--input', 'bad.csv', '--output', 'o.csv'], io),
    ).rejects.toBeInstanceOf(UsageError);
    writeFileSync(join(dir, 'badts.csv'), 'timestamp,value\nyesterday,2\n');
    await expect(anomaliesCommand.run(['--input', 'badts.csv', '--output', 'o.csv'], io)).rejects.toThrow(
      /line 2: timestamp "yesterday"/,
    );
  });
});
