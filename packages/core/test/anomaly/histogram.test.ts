import { describe, expect, it } from 'vitest';
import { noise } from './noise.ts';
import { createDetector, restoreDetector, scoreSeries } from '../../src/anomaly/index.ts';
import { createHistogram, divergence, learnHistogram } from '../../src/anomaly/histogram.ts';
import type { DetectorState } from '../../src/anomaly/types.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);

/** KL divergence computed directly from its definition, with the same smoothing (a reference). */
function referenceKl(bins: number[], window: number, nBins: number, alpha: number): number {
  const learnt = bins.slice(0, -1);
  const long = new Array<number>(nBins).fill(0);
  // long-run shares: the newest value weighs alpha, each older one (1 - alpha) times the next newer one
  learnt.forEach((b, i) => {
    long[b]! += (1 - alpha) ** (learnt.length - 1 - i);
  });
  const total = long.reduce((a, x) => a + x, 0);
  const eps = 0.1 / window;
  const recent = bins.slice(-window);
  let kl = 0;
  for (let b = 0; b < nBins; b++) {
    const c = recent.filter((x) => x === b).length;
    if (c === 0) continue;
    const p = c / window;
    const q = (long[b]! / total + eps) / (1 + eps * nBins);
    kl += p * Math.log(p / q);
  }
  return kl;
}

describe('recent-vs-long-run histogram divergence', () => {
  it('equals the Kullback-Leibler divergence computed from its definition', () => {
    const rnd = noise(4);
    const window = 10;
    const nBins = 6;
    const alpha = 0.002;
    const h = createHistogram(window, nBins);
    const seen: number[] = [];
    let exact = 0;
    for (let i = 0; i < 1500; i++) {
      // a skewed mix that changes, so the divergence moves
      const u = rnd() + 0.5;
      const bin = i < 1000 ? Math.floor(u * u * 3) : 3 + Math.floor(u * 3);
      seen.push(bin);
      if (i >= window) {
        const kl = referenceKl(seen, window, nBins, alpha);
        // The cached logs are refreshed in full every 8 points (exact there); in between the smoothing term
        // of a nearly empty bin drifts with the total weight, by up to 8 x max(alpha, 1 / points) in log.
        if ((i - 1) % 8 === 0) {
          expect(divergence(h, bin)).toBeCloseTo(kl, 9);
          exact++;
        } else expect(Math.abs(divergence(h, bin) - kl)).toBeLessThan(8 * Math.max(alpha, 1 / i));
      }
      learnHistogram(h, bin, alpha);
    }
    expect(exact).toBeGreaterThan(100);
  });

  it('is near zero for a stable mix and large when the mix changes', () => {
    const rnd = noise(8);
    const h = createHistogram(24, 12);
    let stable = 0;
    for (let i = 0; i < 3000; i++) {
      const bin = 5 + Math.floor((rnd() + 0.5) * 2);
      if (i === 2999) stable = divergence(h, bin);
      learnHistogram(h, bin, 0.002);
    }
    let changed = 0;
    for (let i = 0; i < 24; i++) {
      const bin = i % 2 === 0 ? 0 : 11; // the same centre, a much wider spread
      changed = divergence(h, bin);
      learnHistogram(h, bin, 0.002);
    }
    // sampling noise of 24 values plus the smoothing (5% of the mass spread over 12 bins)
    expect(stable).toBeLessThan(0.25);
    // every recent value in a bin that held almost nothing in the long run
    expect(changed).toBeGreaterThan(2);
  });

  it('alerts when a steady series starts to swing around the same mean, and not before', () => {
    const rnd = noise(21);
    const changeAt = 3 * 1440;
    const points = Array.from({ length: changeAt + 600 }, (_, i) => ({
      t: T0 + i * MIN,
      v: 50 + (i < changeAt ? rnd() : 12 * rnd()),
    }));
    const scored = scoreSeries(points);
    const first = scored.findIndex((p, i) => i >= 1440 && p.alert);
    expect(first).toBeGreaterThanOrEqual(changeAt);
    expect(first).toBeLessThan(changeAt + 30);
    expect(scored[first]!.reason).toMatch(/expected|distributed unlike/);
  });

  it('restores a state saved before the entropy model existed', () => {
    const rnd = noise(2);
    const d = createDetector();
    for (let i = 0; i < 500; i++) d.update(T0 + i * MIN, 10 + rnd());
    const old = JSON.parse(JSON.stringify(d.snapshot())) as DetectorState;
    delete old.entropyModel;
    delete old.hist;
    const restored = restoreDetector(old);
    for (let i = 500; i < 700; i++) {
      const p = restored.update(T0 + i * MIN, 10 + rnd());
      expect(p.score).toBeGreaterThanOrEqual(0);
      expect(p.alert).toBe(false);
    }
    expect(restored.snapshot().hist).not.toBeNull();
  });
});
