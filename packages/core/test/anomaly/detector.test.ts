import { describe, expect, it } from 'vitest';
import { noise } from './noise.ts';
import {
  ALERT_THRESHOLDS,
  type AnomalyPoint,
  createDetector,
  type DetectorState,
  restoreDetector,
  scoreSeries,
} from '../../src/anomaly/index.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

/** A daily sine (5-minute steps) with noise; `edit` may change values by index. */
function seasonal(days: number, edit: (i: number, v: number) => number = (_, v) => v) {
  const rnd = noise(7);
  const points = [];
  for (let i = 0; i < days * 288; i++) {
    const t = T0 + i * 5 * MIN;
    const v = 100 + 30 * Math.sin((2 * Math.PI * (t % DAY)) / DAY) + 2 * rnd();
    points.push({ t, v: edit(i, v) });
  }
  return points;
}

/** A point as a plain object, its reason included (a verdict writes its reason only when it is read). */
const plain = (p: AnomalyPoint) => ({ ...p, reason: p.reason });

describe('streaming anomaly detector', () => {
  it('flags an injected spike on a seasonal series at the spike and not before', () => {
    const spikeAt = 6 * 288 + 100;
    const scored = scoreSeries(seasonal(8, (i, v) => (i === spikeAt ? v + 60 : v)));
    const alerts = scored.map((p, i) => (p.alert ? i : -1)).filter((i) => i >= 0);
    expect(alerts[0]).toBe(spikeAt);
    expect(scored[spikeAt]!.score).toBeGreaterThanOrEqual(0.5);
    expect(scored[spikeAt]!.expected).not.toBeNull();
    expect(scored[spikeAt]!.value).toBeGreaterThan(scored[spikeAt]!.upper!);
    expect(scored[spikeAt]!.reason).toMatch(/expected/);
  });

  it('raises no alert on the same seasonal series without the spike after it has learnt a day', () => {
    const scored = scoreSeries(seasonal(8));
    expect(scored.slice(288).filter((p) => p.alert)).toEqual([]);
  });

  it('alerts on a level shift, then adapts to the new level', () => {
    const rnd = noise(3);
    const shiftAt = 1500;
    const points = Array.from({ length: 3000 }, (_, i) => ({
      t: T0 + i * 5 * MIN,
      v: (i < shiftAt ? 50 : 80) + rnd(),
    }));
    const scored = scoreSeries(points);
    const alerts = scored.map((p, i) => (p.alert ? i : -1)).filter((i) => i >= 0);
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]).toBe(shiftAt);
    // adapted: nothing in the last third
    expect(alerts.filter((i) => i > 2000)).toEqual([]);
  });

  it('treats NaN as a gap and keeps scoring after a silence', () => {
    const rnd = noise(11);
    const d = createDetector();
    for (let i = 0; i < 1000; i++) d.update(T0 + i * MIN, 10 + rnd());
    const gap = d.update(T0 + 1000 * MIN, Number.NaN);
    expect(gap).toMatchObject({ score: 0, alert: false, expected: null });
    expect(gap.reason).toMatch(/gap/);
    // after three hours without data, an ordinary value is not an anomaly
    const after = d.update(T0 + 1180 * MIN, 10 + rnd());
    expect(after.alert).toBe(false);
    expect(after.score).toBeLessThan(0.5);
  });

  it('keeps every score in [0, 1] and alert exactly at the sensitivity threshold', () => {
    const rnd = noise(5);
    for (const sensitivity of ['low', 'medium', 'high'] as const) {
      const points = Array.from({ length: 2000 }, (_, i) => ({
        t: T0 + i * MIN,
        v: i % 397 === 0 ? 40 * rnd() : rnd(),
      }));
      for (const p of scoreSeries(points, { sensitivity })) {
        expect(p.score).toBeGreaterThanOrEqual(0);
        expect(p.score).toBeLessThanOrEqual(1);
        expect(p.alert).toBe(p.score >= ALERT_THRESHOLDS[sensitivity]);
      }
    }
    expect(ALERT_THRESHOLDS.medium).toBe(0.5);
  });

  it('scores extreme values (1e308, -1e308, huge jumps, infinities) in [0, 1], alerting at the extreme point', () => {
    const extremes: [number, number][] = [
      [1e308, Number.NaN],
      [-1e308, Number.NaN],
      [1e308, -1e308],
      [-1e308, 1e308],
      [1e200, -1e200],
      [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    ];
    const rnd = noise(13);
    const flat = Array.from({ length: 5 * 288 }, (_, i) => ({ t: T0 + i * 5 * MIN, v: 20 + rnd() / 2 }));
    for (const [first, second] of extremes) {
      for (const series of [seasonal(5), flat]) {
        const spikeAt = 3 * 288 + 50;
        const scored = scoreSeries(
          series.map((p, i) => ({
            t: p.t,
            v: i === spikeAt ? first : i === spikeAt + 300 && !Number.isNaN(second) ? second : p.v,
          })),
        );
        for (const p of scored) {
          expect(Number.isNaN(p.score), `score at ${p.t} for ${first}`).toBe(false);
          expect(p.score).toBeGreaterThanOrEqual(0);
          expect(p.score).toBeLessThanOrEqual(1);
        }
        expect(scored[spikeAt]!.alert, `alert at the spike ${first}`).toBe(true);
        expect(scored[spikeAt]!.score).toBeGreaterThanOrEqual(0.5);
        if (!Number.isNaN(second)) expect(scored[spikeAt + 300]!.alert, `alert at ${second}`).toBe(true);
        // the detector is not poisoned: a fresh day of ordinary values raises no alert at its end
        expect(scored.slice(-100).filter((p) => p.alert)).toEqual([]);
      }
    }
  });

  it('snapshot and restore give the same scores as an uninterrupted run, through JSON', () => {
    const points = seasonal(4, (i, v) => (i === 900 ? v + 80 : i > 1000 && i < 1010 ? Number.NaN : v));
    const whole = scoreSeries(points);
    let d = createDetector();
    const resumed = [];
    for (let i = 0; i < points.length; i++) {
      if (i % 250 === 0) d = restoreDetector(JSON.parse(JSON.stringify(d.snapshot())) as DetectorState);
      resumed.push(d.update(points[i]!.t, points[i]!.v));
    }
    expect(resumed.map(plain)).toEqual(whole.map(plain));
  });

  it('snapshots plain JSON: null where nothing is known yet, never NaN', () => {
    const d = createDetector();
    expect(d.snapshot()).toMatchObject({ level: null, lastT: null, daily: null, naive: { scale: null } });
    // Two hours of 5-minute points from midnight: the sampling step is known after 5 intervals, so the daily
    // slots (one per 5 minutes) exist from the 6th point on; slots 0-4 and those after 2 am are still empty.
    for (let i = 0; i < 24; i++) d.update(T0 + i * 5 * MIN, 10 + (i % 3));
    const state = d.snapshot();
    const expected = Array.from({ length: 288 }, (_, i) => (i >= 5 && i < 24 ? 10 + (i % 3) : null));
    expect(state.daily!.values).toEqual(expected);
    expect(JSON.stringify(state)).not.toMatch(/NaN/);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('serialises a verdict with its reason', () => {
    const points = seasonal(8, (i, v) => (i === 6 * 288 + 100 ? v + 60 : v));
    const scored = scoreSeries(points);
    const spike = scored[6 * 288 + 100]!;
    const json = JSON.parse(JSON.stringify(spike)) as AnomalyPoint;
    expect(json.reason).toBe(spike.reason);
    expect(json.reason).toMatch(/expected from/);
    expect(json).toEqual(plain(spike));
    expect(JSON.parse(JSON.stringify(scored[0]))).toMatchObject({ score: 0, reason: 'learning' });
  });

  it('keeps its state bounded whatever the length of the series', () => {
    const d = createDetector();
    const rnd = noise(9);
    for (let i = 0; i < 20_000; i++) d.update(T0 + i * MIN, rnd());
    const small = JSON.stringify(d.snapshot()).length;
    for (let i = 20_000; i < 60_000; i++) d.update(T0 + i * MIN, rnd());
    expect(JSON.stringify(d.snapshot()).length).toBeLessThanOrEqual(small * 1.1);
    expect(small).toBeLessThan(40_000);
  });

  it('does not look ahead: scores of a prefix equal the prefix of the full run', () => {
    const points = seasonal(5, (i, v) => (i === 1200 ? v - 70 : v));
    const full = scoreSeries(points);
    for (const n of [10, 500, 1201, 1400]) {
      expect(scoreSeries(points.slice(0, n)).map(plain)).toEqual(full.slice(0, n).map(plain));
    }
  });

  it('rejects an unknown sensitivity and a foreign state, naming them', () => {
    expect(() => createDetector({ sensitivity: 'extreme' as 'low' })).toThrow(/sensitivity "extreme"/);
    expect(() => restoreDetector({ version: 2 } as unknown as DetectorState)).toThrow(/snapshot\(\)/);
  });
});
