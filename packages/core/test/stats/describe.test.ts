import { describe, expect, it } from 'vitest';
import { finite, iqr, mean, median, quantile, variance } from '../../src/stats/describe.ts';

describe('descriptive statistics', () => {
  it('mean and sample variance by hand', () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    // sum of squared deviations 32, n - 1 = 7
    expect(variance([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(32 / 7, 14);
  });
  it('variance keeps precision on large offsets', () => {
    expect(variance([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16])).toBeCloseTo(30, 8);
  });
  it('type 7 quantiles as R quantile() gives them', () => {
    const s = [1, 2, 3, 4, 10];
    // R: quantile(c(1,2,3,4,10), c(.1,.25,.9)) = 1.4, 2, 7.6
    expect(quantile(s, 0.1)).toBeCloseTo(1.4, 14);
    expect(quantile(s, 0.25)).toBe(2);
    expect(quantile(s, 0.9)).toBeCloseTo(7.6, 14);
    expect(median([5, 1, 3, 2])).toBe(2.5);
    expect(iqr([1, 2, 3, 4, 10])).toBe(2);
  });
  it('NaN and empty inputs are explicit', () => {
    expect(mean([])).toBeNaN();
    expect(variance([1])).toBeNaN();
    expect(quantile([], 0.5)).toBeNaN();
    expect(mean([1, Number.NaN])).toBeNaN();
    expect(finite([1, Number.NaN, Number.POSITIVE_INFINITY, 2])).toEqual([1, 2]);
    expect(() => quantile([1], 2)).toThrow(/q must lie/);
  });
});
