// Leave-one-category-out check of the detector's configuration: for each NAB category, the constants (from a
// small grid around the defaults) and the threshold are chosen on the other categories only, then the held-out
// category is scored with them. The held-out raw scores of all categories, summed and normalised like the
// corpus score, say how much of the corpus score survives when nothing is tuned on the data it is scored on.
import type { DetectorTuning } from '../../packages/core/src/anomaly/index.ts';
import type { NabFile } from './corpus.ts';
import {
  bestThreshold,
  type CostMatrix,
  corpusScoreAt,
  normalise,
  type SweptFile,
  sweepFile,
} from './scorer.ts';

/**
 * A grid over the constants that matter most: alert scale, entropy weight, seasonal confirmation and the size of
 * the context grid (whose new levels and familiar jumps depend on its resolution).
 */
export const LOCO_GRID: Partial<DetectorTuning>[] = [4.7, 5.2355, 5.8].flatMap((zAlert) =>
  [1.5, 2, 3].flatMap((entropyGain) =>
    [0.1, 0.2, 0.3].flatMap((seasonalConfirm) =>
      [16, 32, 64].map((contextBins) => ({ zAlert, entropyGain, seasonalConfirm, contextBins })),
    ),
  ),
);

export interface LocoRow {
  /** The held-out category. */
  category: string;
  windows: number;
  /** The configuration and threshold chosen on the other categories. */
  chosen: Partial<DetectorTuning>;
  threshold: number;
  /** Raw score of the held-out category with them, and with the defaults at the fixed threshold 0.5. */
  heldOutRaw: number;
  defaultRaw: number;
}

export interface LocoResult {
  rows: LocoRow[];
  /** Normalised corpus score from the held-out raw scores. */
  heldOutScore: number;
  /** Normalised corpus score of the defaults at 0.5 (for comparison). */
  defaultScore: number;
}

function categoryOf(f: NabFile): string {
  return f.name.split('/')[0]!;
}

/**
 * `scoresByConfig[c][i]` are the anomaly scores of file i under configuration `grid[c]`; `defaults` is the index
 * of the shipped configuration in the grid.
 */
export function leaveOneCategoryOut(
  files: NabFile[],
  grid: Partial<DetectorTuning>[],
  scoresByConfig: Float64Array[][],
  defaults: number,
  cost: CostMatrix,
): LocoResult {
  const swept: SweptFile[][] = scoresByConfig.map((scores) =>
    files.map((f, i) => sweepFile(f, scores[i]!, cost)),
  );
  const categories = [...new Set(files.map(categoryOf))];
  const rows: LocoRow[] = [];
  for (const category of categories) {
    const inside = files.map((f) => categoryOf(f) === category);
    let best = { c: 0, threshold: 0.5, score: Number.NEGATIVE_INFINITY };
    grid.forEach((_, c) => {
      const r = bestThreshold(
        swept[c]!.filter((_, i) => !inside[i]),
        cost,
      );
      if (r.score > best.score) best = { c, threshold: r.threshold, score: r.score };
    });
    rows.push({
      category,
      windows: files.reduce((n, f, i) => n + (inside[i] ? f.windows.length : 0), 0),
      chosen: grid[best.c]!,
      threshold: best.threshold,
      heldOutRaw: corpusScoreAt(
        swept[best.c]!.filter((_, i) => inside[i]),
        best.threshold,
        cost,
      ),
      defaultRaw: corpusScoreAt(
        swept[defaults]!.filter((_, i) => inside[i]),
        0.5,
        cost,
      ),
    });
  }
  // The null detector never fires: each window costs fnWeight.
  const windows = files.reduce((n, f) => n + f.windows.length, 0);
  const nullScore = -windows * cost.fnWeight;
  const perfect = windows * cost.tpWeight;
  const sum = (key: 'heldOutRaw' | 'defaultRaw') => rows.reduce((s, r) => s + r[key], 0);
  return {
    rows,
    heldOutScore: normalise(sum('heldOutRaw'), nullScore, perfect),
    defaultScore: normalise(sum('defaultRaw'), nullScore, perfect),
  };
}
