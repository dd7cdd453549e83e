/** Loads the shared scipy / R reference values (read-only, outside the repo). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface MwuCase {
  x: number[];
  y: number[];
  n_x: number;
  n_y: number;
  hodges_lehmann_median_of_diffs: number;
  results: Record<string, { U: number; p: number }>;
}

export interface HlCase {
  name: string;
  confidence: number;
  experiment: number | number[];
  control: number | number[];
  ci: [number, number];
  estimate: number;
  source: string;
}

export interface StatsReference {
  mannwhitneyu: Record<string, MwuCase>;
  hodges_lehmann: HlCase[];
}

export const reference: StatsReference = JSON.parse(
  readFileSync(path.resolve(repoRoot, '../shared/bench-data/stats-reference.json'), 'utf8'),
);

/** Relative difference, with an absolute floor for values at zero. */
export function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
