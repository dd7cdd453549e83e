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
