import { describe, expect, it } from 'vitest';
import { noise } from './noise.ts';
import {
  contextBin,
  createContext,
  familiarity,
  isNewLevel,
  learnContext,
  nearestLevels,
  visitedRange,
} from '../../src/anomaly/context.ts';
import { createDetector, type DetectorState, restoreDetector } from '../../src/anomaly/index.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);

describe('context memory of jumps between value levels', () => {
  it('places values on a grid that doubles towards values off it, merging counts pairwise', () => {
    // 4 bins of width 1 centred on 0: [-2, -1), [-1, 0), [0, 1), [1, 2).
    const c = createContext(4, 0, 1, 0);
    expect(c.lo).toBe(-2);
    for (const v of [0.5, -1.5, 0.5, 1.5]) learnContext(c, contextBin(c, v));
    // 0.5 -> -1.5 (bin 2 -> 0), -1.5 -> 0.5 (0 -> 2), 0.5 -> 1.5 (2 -> 3).
    expect(c.counts[2 * 4 + 0]).toBe(1);
    expect(c.counts[0 * 4 + 2]).toBe(1);
    expect(c.counts[2 * 4 + 3]).toBe(1);
    expect(c.prev).toBe(3);

    // 5 is off the grid above: width 2, same lower edge, [-2, 6); old bins (0,1) -> 0 and (2,3) -> 1.
    const b = contextBin(c, 5);
    expect([c.lo, c.width, b, c.prev]).toEqual([-2, 2, 3, 1]);
    const upward = new Array<number>(16).fill(0);
    upward[1 * 4 + 0] = 1; // 2 -> 0
    upward[0 * 4 + 1] = 1; // 0 -> 2
    upward[1 * 4 + 1] = 1; // 2 -> 3, both now in bin 1
    expect(c.counts).toEqual(upward);

    // -20 is off it below: the grid grows downwards (width 4 on [-10, 6), then 8 on [-26, 6)), the old grid
    // ending up in the upper half each time.
    expect(contextBin(c, -20)).toBe(0);
    expect([c.lo, c.width]).toEqual([-26, 8]);
    const downward = new Array<number>(16).fill(0);
    downward[3 * 4 + 3] = 3; // every old transition, old bins 0 and 1 -> 2 -> 3
    expect(c.counts).toEqual(downward);
    expect(c.prev).toBe(3);
  });

  it('counts a jump and its neighbours, and says nothing about moves within one bin', () => {
    const c = createContext(8, 0, 1, 0); // [-4, 4)
    const bins = (v: number) => contextBin(c, v);
    learnContext(c, bins(-3.5)); // bin 0
    expect(familiarity(c, bins(2.5))).toBe(0); // 0 -> 6, never seen
    learnContext(c, bins(2.5));
    learnContext(c, bins(-3.5));
    expect(familiarity(c, bins(1.5))).toBe(1); // 0 -> 5: a neighbour of 0 -> 6
    expect(familiarity(c, bins(3.5))).toBe(1); // 0 -> 7: the other neighbour
    expect(familiarity(c, bins(-2.5))).toBe(-1); // 0 -> 1: too small a move
    expect(familiarity(c, bins(-1.5))).toBe(0); // 0 -> 2: a jump, never seen
  });
});

describe('new levels', () => {
  it('knows the levels visited, their span and the nearest ones around a bin, through widening', () => {
    const c = createContext(8, 0, 1, 0); // [-4, 4)
    for (const v of [-3.5, -3.2, 2.5]) learnContext(c, contextBin(c, v)); // bins 0, 0, 6
    expect(c.visits).toEqual([2, 0, 0, 0, 0, 0, 1, 0]);
    expect(isNewLevel(c, 3)).toBe(true);
    expect(isNewLevel(c, 1)).toBe(false); // next to bin 0
    expect(isNewLevel(c, 7)).toBe(false); // next to bin 6
    expect(nearestLevels(c, 3)).toEqual([-3, 2]);
    expect(nearestLevels(c, 7)).toEqual([3, Number.NaN]);
    expect(visitedRange(c)).toEqual([-4, 3]);
    // 10 widens the grid to width 2 on [-4, 12): bins (0,1) -> 0, (6,7) -> 3.
    learnContext(c, contextBin(c, 10));
    expect(c.visits).toEqual([2, 0, 0, 1, 0, 0, 0, 1]);
    expect(visitedRange(c)).toEqual([-4, 12]);
  });

  // A square wave between 10 and 20 (half-period 13 points, 65 minutes: no daily pattern) with a little noise;
  // from the high phase starting at point 1521 it comes back at 15 instead of 20, a level it never visited.
  const AT = 1521;
  const rnd = noise(5);
  const wave = Array.from({ length: 1700 }, (_, i) => {
    const high = Math.floor(i / 13) % 2 === 1;
    const level = i >= AT && i < AT + 13 ? 15 : high ? 20 : 10;
    return { t: T0 + i * 5 * MIN, v: level + 0.4 * rnd() };
  });
  const alertsOf = (points: { alert: boolean }[]) =>
    points.map((p, i) => (p.alert ? i : -1)).filter((i) => i >= 0);

  it('alerts at the first value at a level never visited, and not before', () => {
    const d = createDetector();
    const scored = wave.map((p) => d.update(p.t, p.v));
    expect(alertsOf(scored)).toEqual([AT]);
    // The value itself (15 plus the noise of that point), then the visited levels on either side of it: the
    // low phase's (10, binned) and the high phase's (20, binned).
    const why =
      /^(\d+\.\d\d) is at a level never seen before: nothing came between ([\d.]+) and ([\d.]+) until now/.exec(
        scored[AT]!.reason ?? '',
      );
    expect(why?.[1]).toBe(wave[AT]!.v.toFixed(2));
    expect(Number(why?.[2])).toBeGreaterThanOrEqual(9.8);
    expect(Number(why?.[2])).toBeLessThan(13);
    expect(Number(why?.[3])).toBeGreaterThan(17);
    expect(Number(why?.[3])).toBeLessThanOrEqual(20.2);
    expect(scored[AT]!.lower!).toBeLessThan(10);
    expect(scored[AT]!.upper!).toBeGreaterThan(20);
    // Without the new-level evidence the detector only notices the new mix of values later in that phase
    // (4 points later with this noise).
    const late = createDetector({}, { newLevelGain: 0 });
    const lateAlerts = alertsOf(wave.map((p) => late.update(p.t, p.v)));
    expect(lateAlerts).toHaveLength(1);
    expect(lateAlerts[0]).toBeGreaterThan(AT);
    expect(lateAlerts[0]).toBeLessThan(AT + 13);
  });
});

describe('new levels on series without anomalies', () => {
  it('add no alert to a long random walk nor to small integer counts', () => {
    for (const kind of ['walk', 'counts']) {
      const rnd = noise(11);
      let x = 0;
      const series = Array.from({ length: 30_000 }, (_, i) => {
        const g = rnd() + rnd() + rnd() + rnd();
        x += 0.1 * g;
        return { t: T0 + i * MIN, v: kind === 'walk' ? x : Math.max(0, Math.round(3 + 3.4 * g)) };
      });
      const alerts = (gain: number) => {
        const d = createDetector({}, { newLevelGain: gain });
        return series.filter((p) => d.update(p.t, p.v).alert).length;
      };
      const without = alerts(0);
      expect(without).toBeLessThanOrEqual(2);
      expect(alerts(1.2)).toBe(without);
    }
  });
});

describe('familiar jumps in the detector', () => {
  // A steady series (three interleaved small cycles) with a burst to the same level every 150 points, then one
  // burst to a level never seen.
  const bursts = [1000, 1150, 1300, 1450, 1600];
  const points = Array.from({ length: 1800 }, (_, i) => ({
    t: T0 + i * 5 * MIN,
    v: i === 1750 ? 60 : bursts.includes(i) ? 40 : 10 + 0.1 * (i % 2) + 0.05 * (i % 3),
  }));
  const evidence = (score: number) => score / (1 - score);

  it('damps the evidence of a burst the series has made twice before, and only then', () => {
    const withMemory = createDetector();
    const without = createDetector({}, { contextBins: 0 });
    const a = points.map((p) => withMemory.update(p.t, p.v));
    const b = points.map((p) => without.update(p.t, p.v));
    // The first two bursts are new: same verdict as without the memory, both alerts.
    for (const i of [1000, 1150]) {
      expect(a[i]!.score).toBe(b[i]!.score);
      expect(a[i]!.alert).toBe(true);
    }
    // From the third on, the jump 10 -> 40 is familiar: the value models' evidence is multiplied by
    // familiarDamp (0.4), which takes these bursts below the alert line the detector alone would cross.
    for (const i of [1300, 1450, 1600]) {
      expect(evidence(a[i]!.score) / evidence(b[i]!.score)).toBeCloseTo(0.4, 9);
      expect(b[i]!.alert).toBe(true);
      expect(a[i]!.alert).toBe(false);
    }
    // No score before the third burst is higher with the memory than without it.
    for (let i = 0; i < 1300; i++) expect(a[i]!.score).toBeLessThanOrEqual(b[i]!.score);
    // A burst to a new level is judged in full.
    expect(a[1750]!.score).toBe(b[1750]!.score);
    expect(a[1750]!.alert).toBe(true);
  });

  it('restores a state stored before the memory existed, starting the memory afresh', () => {
    const d = createDetector();
    for (const p of points.slice(0, 900)) d.update(p.t, p.v);
    const state = JSON.parse(JSON.stringify(d.snapshot())) as DetectorState;
    expect(state.context).not.toBeNull();
    delete state.context;
    const restored = restoreDetector(state);
    for (const p of points.slice(900, 1000)) restored.update(p.t, p.v);
    expect(restored.snapshot().context?.counts.reduce((x, y) => x + y, 0)).toBe(99);
  });
});
