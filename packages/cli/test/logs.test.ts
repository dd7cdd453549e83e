import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/command.ts';
import { logsCompareCommand, logsParseCommand } from '../src/commands/logs.ts';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-logs-'));
  const out = capture();
  const err = capture();
  const io = {
    stdout: out.stream,
    stderr: err.stream,
    cwd: dir,
    env: {},
    signal: new AbortController().signal,
  };
  return { dir, io, out };
}

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');

describe('vigil logs parse', () => {
  it('writes LineId,EventId,EventTemplate with CSV quoting', async () => {
    const { dir, io, out } = setup();
    writeFileSync(
      join(dir, 'in.log'),
      [
        'Invalid user webmaster from 173.234.31.186',
        'user "bob", id 42 logged in',
        'Invalid user test from 52.80.34.196',
        '',
      ].join('\n'),
    );
    expect(await logsParseCommand.run(['--input', 'in.log'], io)).toBe(0);
    const lines = out.text().trimEnd().split('\n');
    expect(lines[0]).toBe('LineId,EventId,EventTemplate');
    expect(lines).toHaveLength(4);
    const [, id1, t1] = lines[1]!.split(',');
    expect(t1).toBe('Invalid user <*> from <*>');
    expect(lines[3]).toBe(`3,${id1},Invalid user <*> from <*>`);
    expect(lines[2]).toMatch(/^2,L[0-9a-f]+,"user ""bob"", id <\*> logged in"$/);
  });

  it('writes to --output', async () => {
    const { dir, io } = setup();
    writeFileSync(join(dir, 'in.log'), 'a 1\na 2\n');
    expect(await logsParseCommand.run(['--input', 'in.log', '--output', 'out.csv'], io)).toBe(0);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8').split('\n')[2]).toMatch(/^2,L[0-9a-f]+,a <\*>$/);
  });

  it('rejects a missing --input', async () => {
    const { io } = setup();
    await expect(logsParseCommand.run([], io)).rejects.toThrow(UsageError);
    await expect(logsParseCommand.run(['--input', 'nope.log'], io)).rejects.toThrow(
      /--input .*nope\.log: no such file/,
    );
  });
});

describe('vigil logs compare', () => {
  const base = Array.from({ length: 200 }, (_, i) => ({
    t: i,
    message: `GET /items/${i} 200 in ${i % 9} ms`,
    level: 'info',
  }));

  it('fails on a repeated new error and passes when feedback marks it', async () => {
    const { dir, io, out } = setup();
    writeFileSync(join(dir, 'b.jsonl'), jsonl(base));
    const errors = Array.from({ length: 8 }, (_, i) => ({
      t: i,
      message: `NullPointerException at line ${i + 10}`,
      level: 'ERROR',
    }));
    writeFileSync(join(dir, 'c.jsonl'), jsonl([...base, ...errors]));
    expect(await logsCompareCommand.run(['--baseline', 'b.jsonl', '--canary', 'c.jsonl'], io)).toBe(1);
    expect(out.text()).toContain('unknown');
    expect(out.text()).toContain('NullPointerException at line <*>');

    writeFileSync(
      join(dir, 'fb.yaml'),
      'rules:\n  - template: "NullPointerException *"\n    action: not-a-risk-ignore-frequency\n    reason: known bug\n',
    );
    const again = setup();
    const io2 = { ...again.io, cwd: dir };
    expect(
      await logsCompareCommand.run(
        ['--baseline', 'b.jsonl', '--canary', 'c.jsonl', '--feedback', 'fb.yaml', '--json'],
        io2,
      ),
    ).toBe(0);
    const json = JSON.parse(again.out.text());
    expect(json.outcome).toBe('pass');
    expect(json.feedbackApplied).toBe(1);
  });

  it('reads plain text and detects the level', async () => {
    const { dir, io, out } = setup();
    writeFileSync(join(dir, 'b.log'), 'INFO started worker 1\nINFO started worker 2\n');
    writeFileSync(join(dir, 'c.log'), 'INFO started worker 3\nERROR disk /dev/sda1 failed\n');
    expect(await logsCompareCommand.run(['--baseline', 'b.log', '--canary', 'c.log', '--json'], io)).toBe(0);
    const json = JSON.parse(out.text());
    const disk = json.clusters.find((c: { class: string }) => c.class === 'unknown');
    expect(disk.level).toBe('error');
  });

  it('is inconclusive (2) with an empty canary and a usage error (UsageError) on bad input', async () => {
    const { dir, io } = setup();
    writeFileSync(join(dir, 'b.jsonl'), jsonl(base));
    writeFileSync(join(dir, 'c.jsonl'), '');
    expect(await logsCompareCommand.run(['--baseline', 'b.jsonl', '--canary', 'c.jsonl'], io)).toBe(2);
    writeFileSync(join(dir, 'bad.jsonl'), '{"message": 3}\n');
    await expect(
      logsCompareCommand.run(['--baseline', 'b.jsonl', '--canary', 'bad.jsonl'], io),
    ).rejects.toThrow(/bad\.jsonl:1: "message" must be a string/);
    writeFileSync(join(dir, 'fb.yaml'), 'rules:\n  - cluster: L1\n    action: nope\n    reason: r\n');
    await expect(
      logsCompareCommand.run(['--baseline', 'b.jsonl', '--canary', 'b.jsonl', '--feedback', 'fb.yaml'], io),
    ).rejects.toThrow(/rules\[0\]\.action/);
    await expect(logsCompareCommand.run(['--baseline', 'b.jsonl'], io)).rejects.toThrow(
      /--canary is required/,
    );
  });
});
