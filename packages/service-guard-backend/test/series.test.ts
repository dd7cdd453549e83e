import './support/jestShim.ts';
import type { AnomalyPoint } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { MAX_SERIES_POINTS, metricSeries } from '../src/series.ts';

const MIN = 60_000;
const p = (t: number, value: number, expected: number | null, alert: boolean): AnomalyPoint => ({
  t,
  value,
  score: alert ? 0.9 : 0.1,
  alert,
  expected,
  lower: expected === null ? null : expected - 1,
  upper: expected === null ? null : expected + 1,
  reason: 'r',
});

describe('metric series', () => {
  it('keeps a short period whole, oldest first, without gaps, alerts only in the bad direction', () => {
    const pts = [
      p(2 * MIN, 30, 10, true),
      p(0, 10, null, false),
      p(MIN, 2, 10, true),
      p(3 * MIN, Number.NaN, 10, false),
    ];
    const s = metricSeries('higher-is-worse', [{ instance: 'a', points: pts }]);
    expect(s).toEqual([
      { t: 0, instance: 'a', value: 10, expected: null, lower: null, upper: null, alert: false },
      { t: MIN, instance: 'a', value: 2, expected: 10, lower: 9, upper: 11, alert: false },
      { t: 2 * MIN, instance: 'a', value: 30, expected: 10, lower: 9, upper: 11, alert: true },
    ]);
    expect(metricSeries('both', [{ instance: 'a', points: pts }]).filter((x) => x.alert)).toHaveLength(2);
  });

  it('thins a long period to the budget, shared by instances, keeping every alert and both ends', () => {
    const alertsA = new Set([100, 101, 102, 500, 999]);
    const alertsB = new Set([0, 250]);
    const a = Array.from({ length: 1000 }, (_, i) =>
      p(i * MIN, alertsA.has(i) ? 50 : 10, 10, alertsA.has(i)),
    );
    const b = Array.from({ length: 500 }, (_, i) => p(i * MIN, alertsB.has(i) ? 50 : 10, 10, alertsB.has(i)));
    const s = metricSeries('higher-is-worse', [
      { instance: 'a', points: a },
      { instance: 'b', points: b },
    ]);
    expect(MAX_SERIES_POINTS).toBe(120);
    // Budget 120 - 7 alerts = 113 quiet points: a has 995 of the 1,493, so floor(113 * 995 / 1493) = 75;
    // b has 498, so floor(113 * 498 / 1493) = 37.
    const ofA = s.filter((x) => x.instance === 'a');
    const ofB = s.filter((x) => x.instance === 'b');
    expect(ofA).toHaveLength(75 + 5);
    expect(ofB).toHaveLength(37 + 2);
    expect(ofA.filter((x) => x.alert).map((x) => x.t / MIN)).toEqual([100, 101, 102, 500, 999]);
    expect(ofB.filter((x) => x.alert).map((x) => x.t / MIN)).toEqual([0, 250]);
    // Quiet points spread evenly: first and last quiet minute of each instance; between two kept quiet points
    // 13 or 14 quiet steps (994 / 74 = 13.4), plus the 3 alert minutes 100..102, which are not quiet.
    const quietA = ofA.filter((x) => !x.alert).map((x) => x.t / MIN);
    expect(quietA[0]).toBe(0);
    expect(quietA.at(-1)).toBe(998);
    const gaps = quietA.slice(1).map((t, i) => t - quietA[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(13);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(14 + 3);
    const quietB = ofB.filter((x) => !x.alert).map((x) => x.t / MIN);
    expect([quietB[0], quietB.at(-1)]).toEqual([1, 499]);
  });

  it('keeps every point outside the band when thinning, not only the alert that opened the excursion', () => {
    // A day on a 1-minute step; from minute 600 the value stays far above the band for 40 minutes, and the
    // detector alerts once, at its start (it damps its evidence after an alert).
    const pts = Array.from({ length: 1440 }, (_, i) => {
      const high = i >= 600 && i < 640;
      return p(i * MIN, high ? 50 : 10, 10, i === 600);
    });
    const s = metricSeries('higher-is-worse', [{ instance: 'a', points: pts }]);
    const above = s.filter((x) => x.upper !== null && x.value > x.upper).map((x) => x.t / MIN);
    expect(above).toEqual(Array.from({ length: 40 }, (_, k) => 600 + k));
    expect(s.filter((x) => x.alert)).toHaveLength(1);
    // The quiet points share what is left of the budget: 120 - 40.
    expect(s).toHaveLength(120);
  });

  it('keeps every alert even beyond the budget', () => {
    const pts = Array.from({ length: 200 }, (_, i) => p(i * MIN, i < 150 ? 50 : 10, 10, i < 150));
    const s = metricSeries('higher-is-worse', [{ instance: 'a', points: pts }]);
    expect(s).toHaveLength(150);
    expect(s.every((x) => x.alert)).toBe(true);
  });
});
