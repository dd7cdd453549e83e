/** Ranking shared by the rank tests. */

/** Average ranks (1-based, ties share the mean of their ranks) and the tie term sum(t^3 - t). */
export interface Ranking {
  ranks: Float64Array;
  /** sum over tie groups of t^3 - t, where t is the size of the group. */
  tieTerm: number;
}

/** Ranks `values` with ties averaged, as scipy.stats.rankdata(method='average') and R's rank() do. */
export function rankAverage(values: ArrayLike<number>): Ranking {
  const n = values.length;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    const v = values[order[i] as number] as number;
    while (j < n && values[order[j] as number] === v) j++;
    const t = j - i;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k] as number] = rank;
    if (t > 1) tieTerm += t * t * t - t;
    i = j;
  }
  return { ranks, tieTerm };
}

/** Rank sum of the first sample and the tie term of the pooled sample, from a merge. */
export interface MergedRankSum {
  rankSumX: number;
  tieTerm: number;
}

/**
 * Rank sum of (x - d) in the pooled sample (x - d, y) with average ranks for ties, and the tie term, for x and
 * y each sorted ascending: a merge, O(nx + ny), since shifting x keeps its order. Ties are exact equality of
 * the computed doubles x_i - d and y_j, which is what R's rank() and scipy's rankdata see.
 */
export function mergedRankSum(xs: Float64Array, ys: Float64Array, d = 0): MergedRankSum {
  const nx = xs.length;
  const ny = ys.length;
  let i = 0;
  let j = 0;
  let rank = 0; // ranks assigned so far
  let rankSumX = 0;
  let tieTerm = 0;
  while (i < nx || j < ny) {
    const xv = i < nx ? (xs[i] as number) - d : Number.POSITIVE_INFINITY;
    const yv = j < ny ? (ys[j] as number) : Number.POSITIVE_INFINITY;
    const v = Math.min(xv, yv);
    let cx = 0;
    while (i < nx && (xs[i] as number) - d === v) {
      cx++;
      i++;
    }
    let cy = 0;
    while (j < ny && (ys[j] as number) === v) {
      cy++;
      j++;
    }
    const t = cx + cy;
    rankSumX += cx * (rank + (t + 1) / 2);
    rank += t;
    if (t > 1) tieTerm += t * t * t - t;
  }
  return { rankSumX, tieTerm };
}

/** Ascending numeric sort into a typed array (native sort, no comparator). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}
