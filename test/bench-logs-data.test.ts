// `pnpm bench logs --data DIR` is how the miner is scored on Loghub systems we do not have: a folder that
// cannot be scored must be named and left out, never crash the bench or be scored against the wrong truth.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLoghub } from '../bench/logs/loghub.ts';

const HEADER = 'LineId,Level,Content,EventId,EventTemplate';
const ROWS = [
  '1,INFO,"Accepted password for root from 10.0.0.1 port 22, ssh2",E1,"Accepted password for <*> from <*> port <*>, ssh2"',
  '2,WARN,Received disconnect from 10.0.0.2: 11: Bye Bye,E2,Received disconnect from <*>: <*>: Bye Bye',
];

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-loghub-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function system(name: string, files: Record<string, string>): void {
  mkdirSync(join(dir, name));
  for (const [suffix, text] of Object.entries(files))
    writeFileSync(join(dir, name, `${name}_2k.${suffix}`), text);
}

describe('loadLoghub', () => {
  it('reads quoted fields with commas, levels from the header, and the corrected truth when there is one', () => {
    const corrected = [HEADER, ROWS[0]!.replace(',E1,', ',E9,'), ROWS[1]].join('\n');
    system('Alpha', {
      'log_structured.csv': [HEADER, ...ROWS].join('\r\n'),
      'log_structured_corrected.csv': corrected,
    });
    const { systems, notes } = loadLoghub(dir);
    expect(notes).toEqual([]);
    expect(systems.map((s) => s.name)).toEqual(['Alpha']);
    const [a] = systems;
    expect(a!.contents).toEqual([
      'Accepted password for root from 10.0.0.1 port 22, ssh2',
      'Received disconnect from 10.0.0.2: 11: Bye Bye',
    ]);
    expect(a!.events.map((e) => e.level)).toEqual(['info', 'warn']);
    expect(a!.corrected.map((r) => r.EventId)).toEqual(['E9', 'E2']);
    expect(a!.original.map((r) => r.EventId)).toEqual(['E1', 'E2']);
  });

  it('uses the original truth for both when there is no corrected one, and says so', () => {
    system('Beta', { 'log_structured.csv': [HEADER, ...ROWS].join('\n') });
    const { systems, notes } = loadLoghub(dir);
    expect(systems[0]!.corrected).toBe(systems[0]!.original);
    expect(notes).toEqual(['Beta: no corrected ground truth, the original is used for both']);
  });

  it('reads the level from the text when the header has no Level column', () => {
    const header = 'LineId,Content,EventId,EventTemplate';
    system('Gamma', {
      'log_structured.csv': `${header}\n1,ERROR disk full,E1,ERROR disk full\n2,all good,E2,all good\n`,
    });
    expect(loadLoghub(dir).systems[0]!.events.map((e) => e.level)).toEqual(['error', 'unknown']);
  });

  it('names and leaves out the folders it cannot score, and scores the others', () => {
    system('Good', { 'log_structured.csv': [HEADER, ...ROWS].join('\n') });
    system('NoContent', { 'log_structured.csv': 'LineId,EventId,EventTemplate\n1,E1,x\n' });
    system('Short', {
      'log_structured.csv': [HEADER, ...ROWS].join('\n'),
      'log_structured_corrected.csv': [HEADER, ROWS[0]].join('\n'),
    });
    system('Empty', { 'log_structured.csv': `${HEADER}\n` });
    mkdirSync(join(dir, 'NoFiles'));
    const { systems, notes } = loadLoghub(dir);
    expect(systems.map((s) => s.name)).toEqual(['Good']);
    expect(notes).toEqual([
      'skipped Empty: Empty_2k.log_structured.csv has no rows',
      'Good: no corrected ground truth, the original is used for both',
      `skipped NoContent: NoContent_2k.log_structured.csv has no Content column`,
      `skipped NoFiles: no NoFiles_2k.log_structured.csv in ${join(dir, 'NoFiles')}`,
      'skipped Short: 1 corrected rows for 2 lines',
    ]);
  });

  it('names a data folder that does not exist', () => {
    expect(() => loadLoghub(join(dir, 'nowhere'))).toThrow(`${join(dir, 'nowhere')} does not exist`);
  });

  it('loads only the system asked for', () => {
    system('One', { 'log_structured.csv': [HEADER, ...ROWS].join('\n') });
    system('Two', { 'log_structured.csv': [HEADER, ...ROWS].join('\n') });
    expect(loadLoghub(dir, 'Two').systems.map((s) => s.name)).toEqual(['Two']);
  });
});
