import { describe, expect, it } from 'vitest';
import { noise } from './noise.ts';
import {
  type AnomalyPoint,
  createDetector,
  type DetectorState,
  type DetectorTuning,
  restoreDetector,
} from '../../src/anomaly/index.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);
/** The absent-activity evidence on, with its other constants as shipped (factor 1.2, 8 excursions, 4 spreads). */
const ON: Partial<DetectorTuning> = { absentGain: 1.2 };
const ABSENT = /^no value above/;

/** 5-minute points: noise around 10, and a spike to 100 at each index in `spikes`. */
function spiky(length: number, spikes: number[], seed = 3) {
  const rnd = noise(seed);
  const at = new Set(spikes);
  return Array.from({ length }, (_, i) => ({ t: T0 + i * 5 * MIN, v: at.has(i) ? 100 : 10 + rnd() }));
}

function run(points: { t: number; v: number }[], tuning: Partial<DetectorTuning>): AnomalyPoint[] {
  const d = createDetector({}, tuning);
  return points.map((p) => d.update(p.t, p.v));
}

const plain = (p: AnomalyPoint) => ({ ...p, reason: p.reason });
const absentAt = (scored: AnomalyPoint[]) =>
  scored.map((p, i) => (ABSENT.test(p.reason) ? i : -1)).filter((i) => i >= 0);

/** Spikes every 45 to 55 points (seeded), from point 100 up to `until`. */
function regularSpikes(until: number): number[] {
  const rnd = noise(17);
  const spikes: number[] = [];
  for (let i = 100; i < until; i += 50 + Math.round(10 * rnd())) spikes.push(i);
  return spikes;
}

describe('expected activity absent (absentGain)', () => {
  it('raises one alert when regular spikes stop, once the gap exceeds 1.2 x the longest gap seen', () => {
    const spikes = regularSpikes(2000);
    const last = spikes.at(-1)!;
    const longest = Math.max(...spikes.slice(1).map((s, i) => s - spikes[i]! - 1));
    const scored = run(spiky(3000, spikes), ON);
    // The gap counts the points after the last spike: it passes 1.2 x longest at this point, and not before.
    const due = last + Math.floor(1.2 * longest) + 1;
    expect(absentAt(scored)).toEqual([due]);
    expect(scored[due]!.alert).toBe(true);
    expect(scored[due]!.score).toBeCloseTo(1.2 / 2.2, 12);
    expect(scored[due]!.reason).toBe(
      `no value above ${scored[due]!.lower!.toPrecision(4)} for ${due - last} points; before, such values (peaks near ${scored[due]!.expected!.toPrecision(4)}) came at most ${longest} points apart`,
    );
    // The band is the excursion line up to the typical spike's height above the slow level.
    expect(scored[due]!.lower!).toBeGreaterThan(12);
    expect(scored[due]!.upper!).toBeGreaterThan(80);
    expect(scored[due]!.upper!).toBeLessThanOrEqual(100);
  });

  it('is off by default: the same series without the evidence scores exactly as with absentGain 0', () => {
    const points = spiky(3000, regularSpikes(2000));
    const shipped = run(points, {});
    expect(absentAt(shipped)).toEqual([]);
    expect(run(points, { absentGain: 0, absentFactor: 1.01, absentMin: 2 }).map(plain)).toEqual(
      shipped.map(plain),
    );
  });

  it('waits for absentMin excursions before a gap may count', () => {
    // 6 spikes 50 points apart (49 quiet points between), then silence: not yet a recurring pattern at the
    // default 8.
    const spikes = [100, 150, 200, 250, 300, 350];
    expect(absentAt(run(spiky(2000, spikes), ON))).toEqual([]);
    expect(absentAt(run(spiky(2000, spikes), { ...ON, absentMin: 6 }))).toEqual([
      350 + Math.floor(1.2 * 49) + 1,
    ]);
  });

  it('raises none for irregular spikes whose gaps stay within what they have shown', () => {
    // Gaps drawn from 10..300 points, the longest of them (300) early on: later gaps, however they vary, never
    // exceed 1.2 x the longest seen.
    const rnd = noise(29);
    const spikes = [100, 401];
    while (spikes.at(-1)! < 3700) spikes.push(spikes.at(-1)! + 11 + Math.floor(290 * (rnd() + 0.5)));
    const scored = run(spiky(4000, spikes), ON);
    expect(absentAt(scored)).toEqual([]);
  });

  it('raises none for series without spikes (noise, a daily sine, a flat line)', () => {
    const rnd = noise(5);
    const series = [
      Array.from({ length: 4000 }, (_, i) => ({ t: T0 + i * 5 * MIN, v: 50 + rnd() })),
      Array.from({ length: 4000 }, (_, i) => ({
        t: T0 + i * 5 * MIN,
        v: 50 + 20 * Math.sin(i / 45.8) + rnd(),
      })),
      Array.from({ length: 4000 }, (_, i) => ({ t: T0 + i * 5 * MIN, v: 7 })),
    ];
    for (const points of series) expect(absentAt(run(points, ON))).toEqual([]);
  });

  it('is deterministic, and a snapshot restored mid-gap (through JSON) continues exactly', () => {
    const points = spiky(3000, regularSpikes(2000));
    const whole = run(points, ON);
    expect(run(points, ON).map(plain)).toEqual(whole.map(plain));
    let d = createDetector({}, ON);
    const resumed: AnomalyPoint[] = [];
    for (let i = 0; i < points.length; i++) {
      if (i % 233 === 0) d = restoreDetector(JSON.parse(JSON.stringify(d.snapshot())) as DetectorState, ON);
      resumed.push(d.update(points[i]!.t, points[i]!.v));
    }
    expect(resumed.map(plain)).toEqual(whole.map(plain));
    expect(absentAt(resumed)).toHaveLength(1);
  });

  it('restores a state stored before the evidence existed (no absent field), starting it afresh', () => {
    const points = spiky(3000, regularSpikes(2000));
    const d = createDetector({}, ON);
    for (let i = 0; i < 200; i++) d.update(points[i]!.t, points[i]!.v);
    const old = d.snapshot();
    delete old.absent;
    const r = restoreDetector(old, ON);
    const rest = points.slice(200).map((p) => r.update(p.t, p.v));
    expect(rest.filter((p) => ABSENT.test(p.reason))).toHaveLength(1);
  });
});
