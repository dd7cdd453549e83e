import type { Point } from '../model/metric.ts';
import { createDetector, type DetectorTuning } from './detector.ts';
import type { AnomalyPoint, DetectorOptions } from './types.ts';

/** Scores a whole series with a fresh detector: the score of each point uses that point and earlier ones only. */
export function scoreSeries(
  points: readonly Point[],
  options: DetectorOptions = {},
  tuning: Partial<DetectorTuning> = {},
): AnomalyPoint[] {
  const detector = createDetector(options, tuning);
  return points.map((p) => detector.update(p.t, p.v));
}
