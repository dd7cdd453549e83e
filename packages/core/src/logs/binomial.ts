/**
 * Exact binomial tail probabilities, for the conditional test of a canary's share of a cluster's messages
 * (valid for small counts, where normal approximations are not).
 */

// Lanczos approximation (g = 7, n = 9), accurate to ~15 digits for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Natural log of the gamma function. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function logPmf(i: number, n: number, p: number): number {
  return logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1) + i * Math.log(p) + (n - i) * Math.log1p(-p);
}

/** P(X >= k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  if (k <= n * p) return 1 - binomialLowerTail(k - 1, n, p);
  // Terms fall from k upwards (k is above the mode): sum until they stop mattering.
  let term = Math.exp(logPmf(k, n, p));
  let sum = 0;
  const ratio = p / (1 - p);
  for (let i = k; i <= n; i++) {
    sum += term;
    if (term < sum * 1e-17) break;
    term *= ((n - i) / (i + 1)) * ratio;
  }
  return Math.min(1, sum);
}

/** P(X <= k) for X ~ Binomial(n, p). */
export function binomialLowerTail(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  if (k >= n * p) return 1 - binomialUpperTail(k + 1, n, p);
  let term = Math.exp(logPmf(k, n, p));
  let sum = 0;
  const ratio = (1 - p) / p;
  for (let i = k; i >= 0; i--) {
    sum += term;
    if (term < sum * 1e-17) break;
    term *= (i / (n - i + 1)) * ratio;
  }
  return Math.min(1, sum);
}
