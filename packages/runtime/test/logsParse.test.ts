import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLogStream } from '../src/logsParse.ts';

// The parse keeps each line's shape index in a temporary file under TMPDIR: these tests give it a folder of
// its own, to see that what it writes there is gone afterwards.
let scratch: string;
let savedTmp: string | undefined;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'vigil-parse-test-'));
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = join(scratch, 'tmp');
  mkdirSync(process.env.TMPDIR);
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

function sink() {
  const parts: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _e, cb) {
        parts.push(chunk.toString());
        cb();
      },
    }),
    text: () => parts.join(''),
  };
}

describe('parseLogStream', () => {
  it('keeps every line in order across index blocks (262,144 lines each) and removes its temporary file', async () => {
    // 600,000 lines: two full blocks and a partial one; two events alternating in a pattern that a
    // shifted or repeated block would break.
    const n = 600_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      lines.push(
        i % 3 === 0
          ? `worker ${i} started in ${i % 97} ms`
          : `connection from 10.0.${i % 250}.${i % 7} closed`,
      );
    }
    const input = join(scratch, 'in.log');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const out = sink();
    const r = await parseLogStream(input, out.stream, (l) => l);
    expect(r).toEqual({ lines: n, templates: 2 });
    const rows = out.text().trimEnd().split('\n');
    expect(rows).toHaveLength(n + 1);
    const idOf = (row: string) => row.split(',')[1];
    const started = idOf(rows[1]!);
    const closed = idOf(rows[2]!);
    expect(started).not.toBe(closed);
    for (const i of [0, 1, 2, 262_142, 262_143, 262_144, 262_145, 524_287, 524_288, n - 1]) {
      const row = rows[i + 1]!;
      expect(row.startsWith(`${i + 1},`)).toBe(true);
      expect(idOf(row)).toBe(i % 3 === 0 ? started : closed);
    }
    expect(rows[262_145]).toMatch(/^262145,L[0-9a-f]+,connection from <\*> closed$/);
    expect(readdirSync(process.env.TMPDIR!)).toEqual([]);
  });

  it('removes its temporary file when the output fails', async () => {
    const input = join(scratch, 'in.log');
    writeFileSync(input, 'a 1\na 2\nb 3\n');
    const failing = {
      write() {
        throw new Error('disk full');
      },
    } as unknown as NodeJS.WritableStream;
    await expect(parseLogStream(input, failing, (l) => l)).rejects.toThrow('disk full');
    expect(readdirSync(process.env.TMPDIR!)).toEqual([]);
  });
});
