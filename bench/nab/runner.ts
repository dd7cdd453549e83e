// Runs a detector over every file of the corpus, one fresh detector per file, and times it.
import type { AnomalyPoint } from '../../packages/core/src/anomaly/index.ts';
import type { NabFile } from './corpus.ts';

export type { NabFile } from './corpus.ts';

export interface DetectorRun {
  /** Anomaly score of every row of every file, in corpus order. */
  scores: Float64Array[];
  /** Wall time of the detection alone (no file reading, no scoring). */
  seconds: number;
  /** CPU time (user + system) of the same: on a shared machine, closer to what the detector itself costs. */
  cpuSeconds: number;
}

export function runDetector(
  files: NabFile[],
  create: () => { update(t: number, v: number): AnomalyPoint },
): DetectorRun {
  const scores = files.map((f) => new Float64Array(f.values.length));
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  files.forEach((f, i) => {
    const detector = create();
    const out = scores[i]!;
    for (let j = 0; j < f.values.length; j++) out[j] = detector.update(f.timestamps[j]!, f.values[j]!).score;
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { scores, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}
