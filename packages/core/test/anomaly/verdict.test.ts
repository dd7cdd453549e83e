import { describe, expect, it } from 'vitest';
import { ENTROPY_MODEL, NEW_LEVEL_MODEL, Verdict } from '../../src/anomaly/verdict.ts';

describe('verdict reasons', () => {
  it('explains a prediction model by what came, what was expected and the surprise', () => {
    const v = new Verdict(0, 130, 0.75, true, 100, 80, 120, 1, 130, 15.04, false, 0);
    expect(v.reason).toBe('130 vs 100 expected from recent level (15.0x usual deviation)');
    // Below 0.25 the sentence is the model's fixed one.
    expect(new Verdict(0, 101, 0.1, false, 100, 80, 120, 1, 101, 0.5, false, 0).reason).toBe(
      'within the usual range around the recent level',
    );
  });

  it('explains the entropy model by its window and divergence', () => {
    const v = new Verdict(0, 7, 0.6, true, 5, 2, 8, ENTROPY_MODEL, 1.25, 3.33, true, 24);
    expect(v.reason).toBe(
      'the last 24 values are distributed unlike the long-run distribution of values around 5 (divergence 1.250 nats, 3.3x usual), just after an alert',
    );
  });

  it('names a new level whatever its score, with the levels around it', () => {
    // Damped just after an alert (score 0.107), a new level is still one.
    const damped = new Verdict(0, 15, 0.107, false, 12, 10, 20, NEW_LEVEL_MODEL, 11, 19, true, 0);
    expect(damped.reason).toBe(
      '15 is at a level never seen before: nothing came between 11 and 19 until now (recent level 12), just after an alert',
    );
    const top = new Verdict(0, 25, 0.55, true, 12, 10, 20, NEW_LEVEL_MODEL, 20, Number.NaN, false, 0);
    expect(top.reason).toBe(
      '25 is at a level never seen before: nothing came above 20 until now (recent level 12)',
    );
  });

  it('serialises like a plain point, its reason included', () => {
    const v = new Verdict(5, 130, 0.75, true, 100, 80, 120, 0, 130, 15, false, 0);
    expect(JSON.parse(JSON.stringify(v))).toEqual({
      t: 5,
      value: 130,
      score: 0.75,
      alert: true,
      expected: 100,
      lower: 80,
      upper: 120,
      reason: '130 vs 100 expected from previous value (15.0x usual deviation)',
    });
  });
});
