import { describe, expect, it } from 'vitest';
import { binomialLowerTail, binomialUpperTail, logGamma } from '../../src/logs/binomial.ts';

// Reference values: exact sums of C(n,k) p^k (1-p)^(n-k) computed in Python with math.comb.
describe('binomial tails', () => {
  it('matches exact sums', () => {
    expect(binomialUpperTail(3, 5, 0.5)).toBeCloseTo(0.5, 12);
    expect(binomialUpperTail(8, 10, 0.3)).toBeCloseTo(0.0015903864, 10);
    expect(binomialUpperTail(35, 200, 0.1)).toBeCloseTo(0.0007843466540671626, 12);
    expect(binomialLowerTail(10, 40, 0.5)).toBeCloseTo(0.0011107168866146822, 12);
  });

  it('upper(k) + lower(k - 1) = 1', () => {
    for (const [n, p] of [
      [20, 0.2],
      [1000, 0.5],
      [37, 0.9],
    ] as const) {
      for (let k = 0; k <= n; k += Math.max(1, Math.floor(n / 17))) {
        expect(binomialUpperTail(k, n, p) + binomialLowerTail(k - 1, n, p)).toBeCloseTo(1, 9);
      }
    }
  });

  it('handles the edges', () => {
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
    expect(binomialUpperTail(4, 4, 0.5)).toBeCloseTo(1 / 16, 12);
  });

  it('logGamma matches log((n-1)!)', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
  });
});
