/**
 * Wilcoxon signed-rank test for paired differences, with R `wilcox.test(d, exact = NULL, correct)`
 * semantics: zero differences are dropped; exact null distribution when fewer than 50 non-zero
 * differences remain and none are tied; otherwise the normal approximation with tie correction and,
 * optionally, continuity correction.
 */
import type { Alternative } from './distributions.ts';
import { normalCdf, normalSf } from './distributions.ts';
import { rankAverage } from './ranks.ts';

/** Options of {@link wilcoxonSignedRank}. */
export interface SignedRankOptions {
  /** `greater`: the differences tend to be positive. Default `two-sided`. */
  alternative?: Alternative;
  /** Continuity correction of the normal approximation. Default true. */
  continuity?: boolean;
}

/** Result of {@link wilcoxonSignedRank}. */
export interface SignedRankResult {
  /** Sum of the ranks of the positive differences (R's V). */
  w: number;
  p: number;
  /** Non-zero differences used. */
  n: number;
  method: 'exact' | 'asymptotic';
}

/** Null distribution counts of W for n untied differences: c[w], w = 0..n(n+1)/2. */
function signedRankCounts(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const c = new Float64Array(max + 1);
  c[0] = 1;
  for (let k = 1; k <= n; k++) {
    for (let w = (k * (k + 1)) / 2; w >= k; w--) c[w] = (c[w] as number) + (c[w - k] as number);
  }
  return c;
}

/** Signed-rank test of differences `d` (NaN not allowed; zeros are dropped). */
export function wilcoxonSignedRank(d: number[], opts: SignedRankOptions = {}): SignedRankResult {
  const alternative = opts.alternative ?? 'two-sided';
  const continuity = opts.continuity ?? true;
  for (const v of d) {
    if (Number.isNaN(v))
      throw new RangeError('wilcoxonSignedRank: d must not contain NaN; remove NaN values first');
  }
  const nz = d.filter((v) => v !== 0);
  const n = nz.length;
  if (n === 0) return { w: 0, p: 1, n: 0, method: 'exact' };
  const { ranks, tieTerm } = rankAverage(nz.map(Math.abs));
  let w = 0;
  for (let i = 0; i < n; i++) if ((nz[i] as number) > 0) w += ranks[i] as number;
  const hasZeros = n < d.length;
  if (n < 50 && tieTerm === 0 && !hasZeros) {
    const counts = signedRankCounts(n);
    const total = 2 ** n;
    const cdf = (v: number) => {
      let s = 0;
      for (let i = 0; i <= Math.floor(v) && i < counts.length; i++) s += counts[i] as number;
      return s / total;
    };
    const sfAtLeast = (v: number) => 1 - cdf(v - 1);
    let p: number;
    if (alternative === 'greater') p = sfAtLeast(w);
    else if (alternative === 'less') p = cdf(w);
    else {
      const half = (n * (n + 1)) / 4;
      p = w > half ? sfAtLeast(w) : cdf(w);
      p = Math.min(1, 2 * p);
    }
    return { w, p, n, method: 'exact' };
  }
  const z0 = w - (n * (n + 1)) / 4;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  let correction = 0;
  if (continuity)
    correction = alternative === 'two-sided' ? Math.sign(z0) * 0.5 : alternative === 'greater' ? 0.5 : -0.5;
  const z = sigma === 0 ? 0 : (z0 - correction) / sigma;
  let p: number;
  if (alternative === 'greater') p = normalSf(z);
  else if (alternative === 'less') p = normalCdf(z);
  else p = Math.min(1, 2 * Math.min(normalCdf(z), normalSf(z)));
  return { w, p, n, method: 'asymptotic' };
}
