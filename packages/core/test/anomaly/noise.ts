import { seededRandom } from '../../src/random.ts';

/** Deterministic noise in [-0.5, 0.5): the core's seeded generator, centred; the same on every run. */
export function noise(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next() - 0.5;
}
