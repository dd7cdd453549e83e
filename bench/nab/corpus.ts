// Loads a NAB corpus (the subset in ../shared/bench-data/nab, or a checkout of NAB): data files, labelled windows,
// profiles.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTimestamp } from '../../packages/core/src/formats/time.ts';
import type { CostMatrix, LabelledFile } from './scorer.ts';

/** A NAB data file with its values, ready for a detector and the scorer. */
export interface NabFile extends LabelledFile {
  values: number[];
}

/** `2014-04-01 00:00:00[.ffffff]` read as UTC epoch milliseconds (NAB timestamps carry no zone). */
export function parseNabTimestamp(text: string): number {
  const t = parseTimestamp(text);
  if (Number.isNaN(t)) throw new Error(`timestamp "${text}" is not in NAB's form YYYY-MM-DD HH:MM:SS`);
  return t;
}

export function nabRoot(repoRoot: string): string {
  return resolve(repoRoot, '../shared/bench-data/nab');
}

/** Reads every labelled data file, sorted by relative path. */
export function loadCorpus(root: string): NabFile[] {
  const labels = JSON.parse(
    readFileSync(corpusFile(root, ['labels/combined_windows.json']), 'utf8'),
  ) as Record<string, [string, string][]>;
  const files: NabFile[] = [];
  // Folders only: a checkout of NAB also has a README in data/.
  const categories = readdirSync(join(root, 'data'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const category of categories) {
    for (const f of readdirSync(join(root, 'data', category)).sort()) {
      if (!f.endsWith('.csv')) continue;
      const name = `${category}/${f}`;
      const windows = labels[name];
      if (!windows) continue;
      const lines = readFileSync(join(root, 'data', name), 'utf8')
        .split('\n')
        .slice(1);
      const timestamps: number[] = [];
      const values: number[] = [];
      for (const line of lines) {
        if (!line.trim()) continue;
        const comma = line.indexOf(',');
        timestamps.push(parseNabTimestamp(line.slice(0, comma)));
        values.push(Number(line.slice(comma + 1)));
      }
      files.push({
        name,
        timestamps,
        values,
        windows: windows.map(([a, b]) => [parseNabTimestamp(a), parseNabTimestamp(b)]),
      });
    }
  }
  return files;
}

/** Profiles by name, e.g. `standard`, `reward_low_FP_rate`, `reward_low_FN_rate`. */
export function loadProfiles(root: string): Record<string, CostMatrix> {
  // The bench data keeps the profiles at the top; a checkout of NAB keeps them in config/.
  const raw = JSON.parse(
    readFileSync(corpusFile(root, ['profiles.json', 'config/profiles.json']), 'utf8'),
  ) as Record<string, { CostMatrix: CostMatrix }>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.CostMatrix]));
}

/** The first of `candidates` (paths inside `root`) that exists; else an error that names them all. */
function corpusFile(root: string, candidates: readonly string[]): string {
  for (const c of candidates) if (existsSync(join(root, c))) return join(root, c);
  throw new Error(
    `${root} is not a NAB corpus: none of ${candidates.join(', ')} is there (expected data/<category>/*.csv, labels/combined_windows.json and profiles.json or config/profiles.json)`,
  );
}
