/**
 * Builds replay recordings for end-to-end tests: a shared per-minute signal plus per-instance noise, with
 * an optional change applied to one group from a given minute. Deterministic (seeded).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@vigil/core';

export function seeded(seed: number) {
  const next = seededRandom(seed);
  return { next, gauss: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()) };
}

export interface SeriesPlan {
  /** Rendered query key (as the engine renders it with the replay provider's verbatim substitution). */
  query: string;
  group?: 'baseline' | 'canary';
  instances: string[];
  start: number;
  minutes: number;
  level: number;
  noise: number;
  /** Multiplies values from `from` minutes on. */
  change?: { from: number; factor: number };
  seed: number;
}

export function series(p: SeriesPlan) {
  const r = seeded(p.seed);
  const shared = Array.from({ length: p.minutes }, (_, i) => p.level * (1 + 0.1 * Math.sin(i / 5)));
  return {
    provider: 'rec',
    query: p.query,
    ...(p.group ? { group: p.group } : {}),
    series: p.instances.map((instance) => ({
      instance,
      points: shared.map((v, i): [number, number] => {
        const factor = p.change && i >= p.change.from ? p.change.factor : 1;
        return [p.start + i * 60_000, Math.round((v + p.noise * r.gauss()) * factor * 100) / 100];
      }),
    })),
  };
}

/** Writes a spec and its recording into a fresh temp dir; returns the dir. */
export async function writeScenario(spec: string, recording: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-e2e-'));
  await writeFile(join(dir, 'vigil.yaml'), spec);
  await writeFile(join(dir, 'recording.json'), JSON.stringify(recording));
  return dir;
}
