import { describe, expect, it } from 'vitest';
import { DEFAULT_TUNING } from '../packages/core/src/anomaly/index.ts';
import { LOCO_GRID, LOCO_PROCEDURES, leaveOneCategoryOut } from '../bench/nab/loco.ts';
import { file, scores, standard } from './support/nabFixture.ts';

const files = ['a', 'b', 'c'].map(file);
const defaults = 0;
const byName = (label: string) => LOCO_PROCEDURES.find((p) => p.label === label)!;

describe('NAB leave-one-category-out', () => {
  // Categories a and b alert at 0.6 in their windows and falsely at 0.45; c's window only reaches 0.4. On all
  // three the best threshold is 0.4 (three windows for two false alarms); without c it is 0.6, which misses c.
  const config0 = [scores(0.6, 0.45), scores(0.6, 0.45), scores(0.4, 0)];
  // Another configuration that catches c's window at 0.9 but raises more false alarms on a and b.
  const config1 = [scores(0.6, 0.7), scores(0.6, 0.7), scores(0.9, 0)];

  it('chooses the threshold on the other categories only', () => {
    const r = leaveOneCategoryOut(
      files,
      [{}, {}],
      [config0, config1],
      defaults,
      standard,
      byName('defaults, threshold chosen'),
    );
    const c = r.rows.find((row) => row.category === 'c')!;
    expect(c.threshold).toBe(0.6);
    expect(c.heldOutRaw).toBe(-1);
    const a = r.rows.find((row) => row.category === 'a')!;
    expect(a.threshold).toBe(0.4);
    expect(a.heldOutRaw).toBeCloseTo(1 - 0.11, 12);
    // One window missed of three, two false alarms: 100 * (3 - 1 - 1 - 0.22 + 3) / 6.
    expect(r.heldOutScore).toBeCloseTo((100 * (1 - 0.11 + (1 - 0.11) - 1 + 3)) / 6, 10);
    // The same configuration at the fixed 0.5 misses c as well, and pays a's and b's false alarms nothing.
    expect(r.defaultScore).toBeCloseTo((100 * (1 + 1 - 1 + 3)) / 6, 10);
  });

  it('chooses the configuration on the other categories only, even when another suits the held-out one', () => {
    const grid = [{ contextBins: 32 }, { contextBins: 16 }];
    const r = leaveOneCategoryOut(
      files,
      grid,
      [config0, config1],
      defaults,
      standard,
      byName('grid + threshold, pooled'),
    );
    const c = r.rows.find((row) => row.category === 'c')!;
    // On a and b, config0 at 0.6 is perfect; config1 pays its false alarms at every threshold that catches a window.
    expect(c.chosen).toBe(grid[0]);
    expect(c.threshold).toBe(0.6);
    expect(c.heldOutRaw).toBe(-1);
    // Held out, a is judged by b and c: config1 at 0.6 catches both windows for one false alarm (1.89), config0
    // at 0.4 the same for one false alarm too, but config0 comes first in the grid at an equal score.
    const a = r.rows.find((row) => row.category === 'a')!;
    expect(a.chosen).toBe(grid[0]);
    expect(a.threshold).toBe(0.4);
  });

  it('by neighbourhood, prefers a plateau of the score curve to a lone peak just above it', () => {
    // On a and b together the best threshold is exactly 0.6: a's window (0.6) without a's false alarm (0.5999).
    // Moving the evidence by 1% either way loses a's window or pays its false alarm; just below 0.5999 every
    // threshold down to 0 catches both windows for the one false alarm. c's window scores 0.5985.
    const peak = [scores(0.6, 0.5999), scores(0.7, 0), scores(0.5985, 0)];
    const exact = leaveOneCategoryOut(
      files,
      [{}],
      [peak],
      defaults,
      standard,
      byName('defaults, threshold chosen'),
    );
    const c = exact.rows.find((row) => row.category === 'c')!;
    expect(c.threshold).toBe(0.6);
    expect(c.heldOutRaw).toBe(-1);
    const robust = leaveOneCategoryOut(
      files,
      [{}],
      [peak],
      defaults,
      standard,
      byName('defaults, threshold by neighbourhood'),
    );
    const cr = robust.rows.find((row) => row.category === 'c')!;
    // The highest threshold on the grid whose evidence x 1.01 stays below the false alarm's 0.5999.
    expect(cr.threshold).toBeCloseTo(0.5975, 9);
    expect(cr.heldOutRaw).toBe(1);
  });

  it('the grid holds the shipped tuning and no zAlert axis (zAlert moves with the threshold)', () => {
    expect(
      LOCO_GRID.filter((g) =>
        Object.entries(g).every(([k, v]) => DEFAULT_TUNING[k as keyof typeof DEFAULT_TUNING] === v),
      ),
    ).toHaveLength(1);
    expect(LOCO_GRID.some((g) => 'zAlert' in g || 'novelty' in g)).toBe(false);
  });
});
