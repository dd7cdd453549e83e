import { describe, expect, it } from 'vitest';
import { ENTROPY_MODEL, NEW_LEVEL_MODEL, Verdict, type VerdictFields } from '../../src/anomaly/verdict.ts';

/** A Verdict on 130 where 100 was expected in [80, 120] by the recent-level model (15x), with `f` changed. */
const verdict = (f: Partial<VerdictFields>) =>
  new Verdict({
    t: 0,
    value: 130,
    score: 0.75,
    alert: true,
    expected: 100,
    lower: 80,
    upper: 120,
    why: 1,
    observed: 130,
    z: 15,
    damped: false,
    window: 0,
    ...f,
  });

describe('verdict reasons', () => {
  it('explains a prediction model by what came, what was expected and the surprise', () => {
    const v = verdict({ z: 15.04 });
    expect(v.reason).toBe('130 vs 100 expected from recent level (15.0x usual deviation)');
    // Below 0.25 the sentence is the model's fixed one.
    expect(verdict({ value: 101, score: 0.1, alert: false, observed: 101, z: 0.5 }).reason).toBe(
      'within the usual range around the recent level',
    );
  });

  it('explains the entropy model by its window and divergence', () => {
    const v = verdict({
      value: 7,
      score: 0.6,
      expected: 5,
      lower: 2,
      upper: 8,
      why: ENTROPY_MODEL,
      observed: 1.25,
      z: 3.33,
      damped: true,
      window: 24,
    });
    expect(v.reason).toBe(
      'the last 24 values are distributed unlike the long-run distribution of values around 5 (divergence 1.250 nats, 3.3x usual), just after an alert',
    );
  });

  it('names a new level whatever its score, with the levels around it', () => {
    // Damped just after an alert (score 0.107), a new level is still one.
    const damped = verdict({
      value: 15,
      score: 0.107,
      alert: false,
      expected: 12,
      lower: 10,
      upper: 20,
      why: NEW_LEVEL_MODEL,
      observed: 11,
      z: 19,
      damped: true,
    });
    expect(damped.reason).toBe(
      '15 is at a level never seen before: nothing came between 11 and 19 until now (recent level 12), just after an alert',
    );
    const top = verdict({
      value: 25,
      score: 0.55,
      expected: 12,
      lower: 10,
      upper: 20,
      why: NEW_LEVEL_MODEL,
      observed: 20,
      z: Number.NaN,
    });
    expect(top.reason).toBe(
      '25 is at a level never seen before: nothing came above 20 until now (recent level 12)',
    );
  });

  it('names a gap and a learning point', () => {
    expect(Verdict.gap(0, Number.NaN).reason).toBe('no value (gap)');
    const learning = Verdict.learning(0, 3, 0.2, false);
    expect([learning.reason, learning.score, learning.expected]).toEqual(['learning', 0.2, null]);
  });

  it('serialises like a plain point, its reason included', () => {
    const v = verdict({ t: 5, why: 0 });
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
