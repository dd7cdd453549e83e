import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus, loadProfiles, nabRoot, parseNabTimestamp } from '../bench/nab/corpus.ts';
import {
  bestThreshold,
  type LabelledFile,
  normalise,
  probationLength,
  scaledSigmoid,
  scoreAtThreshold,
  scoreCorpus,
  scoreCurve,
  scorePlateau,
  sweepFile,
} from '../bench/nab/scorer.ts';

const root = nabRoot(resolve(import.meta.dirname, '..'));
const standard = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };

/** 20 rows one minute apart; one window over rows 8..11 (width 4); probation = floor(0.15 * 20) = 3 rows. */
const T0 = Date.UTC(2014, 0, 1);
const small: LabelledFile = {
  name: 'small.csv',
  timestamps: Array.from({ length: 20 }, (_, i) => T0 + i * 60_000),
  windows: [[T0 + 8 * 60_000, T0 + 11 * 60_000]],
};
function scoresAt(rows: Record<number, number>): number[] {
  return Array.from({ length: 20 }, (_, i) => rows[i] ?? 0);
}

describe('NAB scoring by hand', () => {
  it('the scaled sigmoid has the values of the NAB whitepaper', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3.5)).toBe(-1);
  });

  it('probation is min(floor(15% of rows), 750)', () => {
    expect(probationLength(20)).toBe(3);
    expect(probationLength(4033)).toBe(604);
    expect(probationLength(22696)).toBe(750);
  });

  it('scores a TP in the window, a FP after it and a FP before it; ignores probation', () => {
    // row 9: y = -(11 - 9 + 1) / 4 = -0.75, S = 2/(1+e^-3.75) - 1 = 0.954048; / S(-1) = 0.986614 -> 0.966992
    // row 14: y = (14 - 11) / (4 - 1) = 1, S = -0.986614, * 0.11 -> -0.108528
    // row 5: no preceding window -> -0.11;  row 1: probation, not scored
    const swept = sweepFile(small, scoresAt({ 1: 0.95, 5: 0.7, 9: 0.9, 14: 0.8 }), standard);
    expect(swept.scores).toHaveLength(17);
    expect(scoreAtThreshold(swept, 0.9, standard)).toBeCloseTo(0.966992, 5);
    expect(scoreAtThreshold(swept, 0.8, standard)).toBeCloseTo(0.966992 - 0.108528, 5);
    expect(scoreAtThreshold(swept, 0.5, standard)).toBeCloseTo(0.966992 - 0.108528 - 0.11, 5);
    // nothing detected: one missed window
    expect(scoreAtThreshold(swept, 0.99, standard)).toBe(-1);
    // the sweep visits every threshold; the best is 0.9
    expect(scoreCurve([swept], standard).map((c) => c.threshold)).toEqual([1.1, 0.9, 0.8, 0.7, 0]);
    expect(bestThreshold([swept], standard)).toEqual({ threshold: 0.9, score: expect.closeTo(0.966992, 5) });
  });

  it('the plateau is the run of thresholds around the best that keeps a share of its normalised score', () => {
    // As above: normalised (null -1, perfect 1) the curve is 98.35 at 0.9, 92.92 at 0.8, 87.42 at 0.7.
    const swept = [sweepFile(small, scoresAt({ 1: 0.95, 5: 0.7, 9: 0.9, 14: 0.8 }), standard)];
    expect(scorePlateau(swept, standard, -1, 1, 0.95)).toEqual({
      low: 0.8,
      high: 0.9,
      detectionsAtHigh: 1,
      detectionsAtLow: 1,
    });
    // 92.92 >= 0.9 x 98.35 but 87.42 is not: thresholds in (0.7, 0.9], where rows 9 and 14 are detected (row 1,
    // in probation, is never counted).
    expect(scorePlateau(swept, standard, -1, 1, 0.9)).toEqual({
      low: 0.7,
      high: 0.9,
      detectionsAtHigh: 1,
      detectionsAtLow: 2,
    });
    expect(scorePlateau(swept, standard, -1, 1, 0.8)).toMatchObject({
      low: 0,
      high: 0.9,
      detectionsAtLow: 3,
    });
  });

  it('only the earliest detection in a window counts', () => {
    // rows 8 (y = -1, worth exactly 1) and 11 (y = -0.25: S = 0.55460, / 0.986614 = 0.562123)
    const late = sweepFile(small, scoresAt({ 11: 0.9 }), standard);
    expect(scoreAtThreshold(late, 0.5, standard)).toBeCloseTo(0.562123, 5);
    const both = sweepFile(small, scoresAt({ 8: 0.6, 11: 0.9 }), standard);
    expect(scoreAtThreshold(both, 0.5, standard)).toBeCloseTo(1, 12);
    // at 0.7 only row 11 is a detection
    expect(scoreAtThreshold(both, 0.7, standard)).toBeCloseTo(0.562123, 5);
  });

  it('the low-FN profile doubles the cost of a miss, the low-FP profile the cost of a false alarm', () => {
    const lowFN = { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 };
    const lowFP = { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 };
    const scores = scoresAt({ 5: 0.7 });
    expect(scoreAtThreshold(sweepFile(small, scores, lowFN), 0.5, lowFN)).toBeCloseTo(-2.11, 12);
    expect(scoreAtThreshold(sweepFile(small, scores, lowFP), 0.5, lowFP)).toBeCloseTo(-1.22, 12);
  });

  it('normalises with the null and perfect scores', () => {
    expect(normalise(-55, -55, 55)).toBe(0);
    expect(normalise(55, -55, 55)).toBe(100);
    expect(normalise(24.2, -55, 55)).toBeCloseTo(72, 12);
  });

  it('rejects windows whose ends are not rows of the file', () => {
    const bad = { ...small, windows: [[T0 + 30_000, T0 + 11 * 60_000]] as [number, number][] };
    expect(() => sweepFile(bad, scoresAt({}), standard)).toThrow(/window/);
  });
});

describe('NAB scoring on the corpus', () => {
  const files = loadCorpus(root);
  const profiles = loadProfiles(root);

  it('reads the 35 files, their windows and the three profiles', () => {
    expect(files).toHaveLength(35);
    expect(files.reduce((n, f) => n + f.windows.length, 0)).toBe(55);
    expect(Object.keys(profiles).sort()).toEqual(['reward_low_FN_rate', 'reward_low_FP_rate', 'standard']);
    expect(parseNabTimestamp('2014-04-10 07:15:00.000000')).toBe(Date.UTC(2014, 3, 10, 7, 15));
  });

  it('a detector that never fires scores 0 under every profile', () => {
    const never = files.map((f) => new Array<number>(f.values.length).fill(0));
    for (const cost of Object.values(profiles)) {
      const r = scoreCorpus(files, never, cost);
      expect(r.best.score).toBe(0);
      expect(r.fixed.score).toBe(0);
      expect(r.nullScore).toBe(-55 * cost.fnWeight);
    }
  });

  it('a detector that fires exactly at the start of each window scores 100 under every profile', () => {
    const oracle = files.map((f) => {
      const starts = new Set(f.windows.map(([a]) => a));
      return f.timestamps.map((t) => (starts.has(t) ? 1 : 0));
    });
    for (const cost of Object.values(profiles)) {
      const r = scoreCorpus(files, oracle, cost);
      expect(r.best.score).toBeCloseTo(100, 10);
      expect(r.fixed.score).toBeCloseTo(100, 10);
    }
  });
});
