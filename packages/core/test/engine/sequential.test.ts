import { describe, expect, it } from 'vitest';
import { bettingTest, countExcessTest, msprt, seededRandom } from '../../src/index.ts';

function rng(seed: number) {
  const next = seededRandom(seed);
  return { next, gauss: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()) };
}

describe('msprt', () => {
  it('equals the t-statistic Bayes factor with a normal prior on the effect size for one tau', () => {
    const xs = [0.1, 0.3, -0.05, 0.2, 0.15, 0.22, 0.08, 0.31, 0.12, 0.05, 0.18, 0.09];
    const n = 12;
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
    const t = mean / (sd / Math.sqrt(n));
    const nu = n - 1;
    const g = 1 + n * 0.5 ** 2;
    // Rouder et al. (2009), eq. 1, with the Cauchy prior replaced by N(0, 0.5^2):
    const bf = g ** -0.5 * ((1 + (t * t) / nu) / (1 + (t * t) / (nu * g))) ** ((nu + 1) / 2);
    const r = msprt(xs, { alpha: 0.05, taus: [0.5], interval: true });
    expect(r.logE).toBeCloseTo(Math.log(bf), 12);
    expect(r.mean).toBeCloseTo(mean, 12);
    expect(r.lower!).toBeLessThan(mean);
    expect(r.upper!).toBeGreaterThan(mean);
    // The interval's ends are exactly where the test starts to reject.
    const shifted = (mu: number) =>
      msprt(
        xs.map((x) => x - mu),
        { alpha: 0.05, taus: [0.5] },
      ).logE;
    expect(shifted(r.upper!)).toBeCloseTo(Math.log(20), 6);
    expect(shifted(r.lower!)).toBeCloseTo(Math.log(20), 6);
    // With five observations no effect could reach 1/alpha: the interval is unbounded.
    expect(msprt(xs.slice(0, 5), { alpha: 0.05, taus: [0.5], interval: true }).upper).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('keeps the false-alarm rate under alpha although it is checked after every observation', () => {
    const alpha = 0.05;
    let alarms = 0;
    const runs = 2000;
    for (let k = 0; k < runs; k++) {
      const r = rng(k + 1);
      const xs: number[] = [];
      for (let i = 0; i < 60; i++) {
        xs.push(r.gauss());
        if (msprt(xs, { alpha }).reject) {
          alarms++;
          break;
        }
      }
    }
    expect(alarms / runs).toBeLessThanOrEqual(alpha);
  });

  it('finds a shift of one standard deviation within a few observations', () => {
    const r = rng(42);
    const xs: number[] = [];
    let stopped = 0;
    for (let i = 0; i < 60 && stopped === 0; i++) {
      xs.push(1 + r.gauss());
      if (msprt(xs, { alpha: 0.002 }).reject) stopped = xs.length;
    }
    expect(stopped).toBeGreaterThanOrEqual(3);
    expect(stopped).toBeLessThanOrEqual(30);
  });
});

describe('countExcessTest', () => {
  it('is the average of binomial likelihood ratios against larger canary shares', () => {
    const p0 = 0.5;
    const expected = Math.log(
      [0.75, 1 - 1e-9, 1 - 1e-9, 1 - 1e-9]
        .filter((p1) => p1 > p0)
        .map((p1) => (p1 / p0) ** 8 * ((1 - p1) / (1 - p0)) ** 2)
        .reduce((a, b) => a + b, 0) / 4,
    );
    const r = countExcessTest(8, 10, p0, { alpha: 0.01 });
    expect(r.logE).toBeCloseTo(expected, 9);
  });

  it('never rejects when the canary has at most its share, and rejects a large excess', () => {
    expect(countExcessTest(3, 10, 0.5, { alpha: 0.01 }).reject).toBe(false);
    expect(countExcessTest(5, 10, 0.5, { alpha: 0.01 }).logE).toBeLessThan(0);
    expect(countExcessTest(40, 50, 0.5, { alpha: 0.01 }).reject).toBe(true);
  });

  it('holds alpha under the null when checked after every event', () => {
    const alpha = 0.05;
    let alarms = 0;
    for (let k = 0; k < 2000; k++) {
      const r = rng(k + 7);
      let canary = 0;
      for (let total = 1; total <= 200; total++) {
        if (r.next() < 0.5) canary++;
        if (countExcessTest(canary, total, 0.5, { alpha }).reject) {
          alarms++;
          break;
        }
      }
    }
    expect(alarms / 2000).toBeLessThanOrEqual(alpha);
  });
});

describe('bettingTest', () => {
  it('is the average wealth of betting fixed fractions', () => {
    const r = bettingTest([0.5, 0.25, -0.5], { alpha: 0.05, lambdas: [0.5, 1] });
    const w = (l: number) => (1 + l * 0.5) * (1 + l * 0.25) * (1 - l * 0.5);
    expect(r.logE).toBeCloseTo(Math.log((w(0.5) + w(1)) / 2), 12);
    expect(r.mean).toBeCloseTo(0.25 / 3, 12);
  });

  it('holds alpha for skewed bounded noise with mean 0, checked after every observation', () => {
    const alpha = 0.05;
    let alarms = 0;
    for (let k = 0; k < 2000; k++) {
      const r = rng(k + 99);
      const xs: number[] = [];
      for (let i = 0; i < 100; i++) {
        // -0.1 nine times out of ten, +0.9 once: mean 0, far from normal (clipped at 0.5 only lowers it)
        xs.push(r.next() < 0.9 ? -0.1 : 0.5);
        if (bettingTest(xs, { alpha }).reject) {
          alarms++;
          break;
        }
      }
    }
    expect(alarms / 2000).toBeLessThanOrEqual(alpha);
  });

  it('rejects when the canary wins most within-minute comparisons', () => {
    const xs = Array.from({ length: 30 }, (_, i) => (i % 5 === 0 ? -0.1 : 0.4));
    expect(bettingTest(xs, { alpha: 0.002 }).reject).toBe(true);
    expect(bettingTest(xs.slice(0, 4), { alpha: 0.002 }).reject).toBe(false);
  });
});
