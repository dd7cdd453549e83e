// Leave-one-category-out check of the detector's configuration: for each NAB category, what is tuned (the
// threshold, and with some procedures constants from a small grid around the defaults) is chosen on the other
// categories only, then the held-out category is scored with it. The held-out raw scores of all categories,
// summed and normalised like the corpus score, say how much of the corpus score survives when nothing is tuned
// on the data it is scored on. Several procedures are reported side by side, because each extra knob chosen on
// three categories (25 to 49 windows) can fit their noise: the gap between them is part of the finding.
import type { DetectorTuning } from '../../packages/core/src/anomaly/index.ts';
import type { NabFile } from './corpus.ts';
import { type CostMatrix, normalise, type SweptFile, scoreCurve, sweepFile } from './scorer.ts';

/**
 * A grid over the constants that matter most after the alert scale: entropy weight, seasonal confirmation and
 * the size of the context grid (whose new levels and familiar jumps depend on its resolution). zAlert is not on
 * it: scaling zAlert and novelty is the same as moving the threshold, which every procedure already chooses, so
 * a zAlert axis only gave each fold a second, redundant way to fit the threshold to its three categories.
 */
export const LOCO_GRID: Partial<DetectorTuning>[] = [1.5, 2, 3].flatMap((entropyGain) =>
  [0.1, 0.2, 0.3].flatMap((seasonalConfirm) =>
    [16, 32, 64].map((contextBins) => ({ entropyGain, seasonalConfirm, contextBins })),
  ),
);

/**
 * How a fold chooses on its three categories:
 * - `configs`: `defaults` keeps the shipped constants (only the threshold may be chosen); `grid` tries all of
 *   LOCO_GRID;
 * - `threshold`: `chosen` picks the best threshold among every score that occurs; `neighbourhood` picks, on a
 *   grid of thresholds 0.0005 apart, the one whose neighbourhood scores best on average (evidence scaled by
 *   0.99 to 1.01, i.e. zAlert and novelty moved by up to 1%), so a lone peak of the score curve, reached by a
 *   few detections just above the line, does not win over a plateau; a number fixes the threshold;
 * - `rule`: `pooled` maximises the NAB score of the three categories together (dominated by the one with most
 *   windows); `mean` maximises the mean of their own normalised scores, so a choice must suit each category.
 */
export interface LocoProcedure {
  label: string;
  configs: 'defaults' | 'grid';
  threshold: 'chosen' | 'neighbourhood' | number;
  rule: 'pooled' | 'mean';
}

export const LOCO_PROCEDURES: LocoProcedure[] = [
  { label: 'defaults, threshold chosen', configs: 'defaults', threshold: 'chosen', rule: 'pooled' },
  { label: 'grid + threshold, pooled', configs: 'grid', threshold: 'chosen', rule: 'pooled' },
  { label: 'grid + threshold, mean of categories', configs: 'grid', threshold: 'chosen', rule: 'mean' },
  { label: 'grid at 0.5, pooled', configs: 'grid', threshold: 0.5, rule: 'pooled' },
  {
    label: 'defaults, threshold by neighbourhood',
    configs: 'defaults',
    threshold: 'neighbourhood',
    rule: 'pooled',
  },
  {
    label: 'grid + threshold by neighbourhood, pooled',
    configs: 'grid',
    threshold: 'neighbourhood',
    rule: 'pooled',
  },
];

/** Evidence factors averaged by the `neighbourhood` threshold choice, and the thresholds it tries. */
const NEIGHBOURHOOD = [0.99, 0.995, 1, 1.005, 1.01];
const NEIGHBOURHOOD_GRID = Array.from({ length: 1001 }, (_, i) => 0.8 - i * 0.0005);

/** The threshold at which the evidence behind threshold `t` is scaled by `factor` (score = e / (1 + e)). */
function scaledThreshold(t: number, factor: number): number {
  const e = (t / (1 - t)) * factor;
  return e / (1 + e);
}

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
 * A category's NAB raw score as a step function of the threshold: the curve's thresholds descend, and the
 * score at threshold t is that of the last entry whose threshold is >= t.
 */
type Curve = { threshold: number; score: number }[];

function scoreAt(curve: Curve, t: number): number {
  let lo = 0;
  let hi = curve.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (curve[mid]!.threshold >= t) lo = mid;
    else hi = mid - 1;
  }
  return curve[lo]!.score;
}

interface Category {
  name: string;
  windows: number;
}

/**
 * The best threshold for a set of categories under `rule` (ties go to the higher threshold, as in NAB), among
 * every threshold at which one of their curves changes.
 */
function choose(
  curves: Curve[],
  cats: Category[],
  rule: LocoProcedure['rule'],
  fixed: number | 'neighbourhood' | null,
  cost: CostMatrix,
): { threshold: number; value: number } {
  const windows = cats.reduce((n, c) => n + c.windows, 0);
  const value = (raws: number[]): number => {
    if (rule === 'pooled') {
      const sum = raws.reduce((a, r) => a + r, 0);
      return normalise(sum, -windows * cost.fnWeight, windows * cost.tpWeight);
    }
    // A category without windows can only lose (false alarms): its raw score is charged on the scale of the
    // categories' windows together, as the pooled score would.
    let total = 0;
    let counted = 0;
    let penalty = 0;
    raws.forEach((r, i) => {
      const w = cats[i]!.windows;
      if (w > 0) {
        total += normalise(r, -w * cost.fnWeight, w * cost.tpWeight);
        counted++;
      } else penalty += (100 * r) / (windows * (cost.tpWeight + cost.fnWeight));
    });
    return total / counted + penalty;
  };
  if (fixed === 'neighbourhood') {
    let best = { threshold: 1.1, value: Number.NEGATIVE_INFINITY };
    for (const t of NEIGHBOURHOOD_GRID) {
      let sum = 0;
      for (const f of NEIGHBOURHOOD) {
        const u = scaledThreshold(t, f);
        sum += value(curves.map((c) => scoreAt(c, u)));
      }
      if (sum / NEIGHBOURHOOD.length > best.value) best = { threshold: t, value: sum / NEIGHBOURHOOD.length };
    }
    return best;
  }
  if (fixed !== null) return { threshold: fixed, value: value(curves.map((c) => scoreAt(c, fixed))) };
  // Every threshold at which a curve changes, descending; each curve's entry for it by a forward walk.
  const candidates = Float64Array.from(new Set(curves.flatMap((c) => c.map((e) => e.threshold))))
    .sort()
    .reverse();
  const at = curves.map(() => 0);
  const raws = curves.map(() => 0);
  let best = { threshold: 1.1, value: Number.NEGATIVE_INFINITY };
  for (const t of candidates) {
    curves.forEach((c, k) => {
      let j = at[k]!;
      while (j + 1 < c.length && c[j + 1]!.threshold >= t) j++;
      at[k] = j;
      raws[k] = c[j]!.score;
    });
    const v = value(raws);
    if (v > best.value) best = { threshold: t, value: v };
  }
  return best;
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
  procedure: LocoProcedure = LOCO_PROCEDURES[1]!,
): LocoResult {
  const categories: Category[] = [...new Set(files.map(categoryOf))].map((name) => ({
    name,
    windows: files.reduce((n, f) => n + (categoryOf(f) === name ? f.windows.length : 0), 0),
  }));
  // curves[c][k]: category k's score curve under configuration c.
  const curves: Curve[][] = scoresByConfig.map((scores) => {
    const swept: SweptFile[] = files.map((f, i) => sweepFile(f, scores[i]!, cost));
    return categories.map((k) =>
      scoreCurve(
        swept.filter((_, i) => categoryOf(files[i]!) === k.name),
        cost,
      ),
    );
  });
  const configs = procedure.configs === 'grid' ? grid.map((_, c) => c) : [defaults];
  const fixed = procedure.threshold === 'chosen' ? null : procedure.threshold;
  const rows: LocoRow[] = categories.map((held, h) => {
    const inside = categories.filter((_, k) => k !== h);
    let best = { c: defaults, threshold: 0.5, value: Number.NEGATIVE_INFINITY };
    for (const c of configs) {
      const r = choose(
        curves[c]!.filter((_, k) => k !== h),
        inside,
        procedure.rule,
        fixed,
        cost,
      );
      if (r.value > best.value) best = { c, threshold: r.threshold, value: r.value };
    }
    return {
      category: held.name,
      windows: held.windows,
      chosen: grid[best.c]!,
      threshold: best.threshold,
      heldOutRaw: scoreAt(curves[best.c]![h]!, best.threshold),
      defaultRaw: scoreAt(curves[defaults]![h]!, 0.5),
    };
  });
  // The null detector never fires: each window costs fnWeight.
  const windows = categories.reduce((n, k) => n + k.windows, 0);
  const nullScore = -windows * cost.fnWeight;
  const perfect = windows * cost.tpWeight;
  const sum = (key: 'heldOutRaw' | 'defaultRaw') => rows.reduce((s, r) => s + r[key], 0);
  return {
    rows,
    heldOutScore: normalise(sum('heldOutRaw'), nullScore, perfect),
    defaultScore: normalise(sum('defaultRaw'), nullScore, perfect),
  };
}
