// `pnpm bench nab --data DIR` reads other NAB corpora: the bench data's layout and a checkout of NAB (profiles in
// config/), and says what is missing from a folder that is neither.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCorpus, loadProfiles } from '../bench/nab/corpus.ts';

const PROFILES = { standard: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11, tnWeight: 1 } } };

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vigil-nab-'));
  mkdirSync(join(root, 'data', 'realThing'), { recursive: true });
  mkdirSync(join(root, 'labels'));
  writeFileSync(
    join(root, 'data', 'realThing', 'a.csv'),
    'timestamp,value\n2014-04-01 00:00:00,1.5\n2014-04-01 00:05:00,2\n',
  );
  writeFileSync(
    join(root, 'data', 'realThing', 'unlabelled.csv'),
    'timestamp,value\n2014-04-01 00:00:00,1\n',
  );
  writeFileSync(join(root, 'data', 'README.md'), '# a checkout of NAB has this beside the categories\n');
  writeFileSync(
    join(root, 'labels', 'combined_windows.json'),
    JSON.stringify({ 'realThing/a.csv': [['2014-04-01 00:00:00.000000', '2014-04-01 00:05:00.000000']] }),
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('NAB corpus', () => {
  it('reads labelled files and the profiles at the top (the bench data layout)', () => {
    writeFileSync(join(root, 'profiles.json'), JSON.stringify(PROFILES));
    const files = loadCorpus(root);
    expect(files.map((f) => f.name)).toEqual(['realThing/a.csv']);
    expect(files[0]!.values).toEqual([1.5, 2]);
    expect(files[0]!.windows).toEqual([[Date.UTC(2014, 3, 1), Date.UTC(2014, 3, 1, 0, 5)]]);
    expect(loadProfiles(root).standard!.fpWeight).toBe(0.11);
  });

  it('reads the profiles from config/ as a checkout of NAB keeps them', () => {
    mkdirSync(join(root, 'config'));
    writeFileSync(join(root, 'config', 'profiles.json'), JSON.stringify(PROFILES));
    expect(loadProfiles(root).standard!.tpWeight).toBe(1);
  });

  it('names what is missing from a folder that is not a NAB corpus', () => {
    expect(() => loadProfiles(root)).toThrow(
      `${root} is not a NAB corpus: none of profiles.json, config/profiles.json is there`,
    );
    rmSync(join(root, 'labels'), { recursive: true });
    expect(() => loadCorpus(root)).toThrow('none of labels/combined_windows.json is there');
  });
});
