import { describe, expect, it } from 'vitest';
import { alignByTime } from '../../src/judges/align.ts';
import { instanceEffect, pairedJudge, serialCorrelation } from '../../src/judges/paired.ts';
import { sensitivitySettings } from '../../src/judges/sensitivity.ts';
import { stratifiedRankSum, stratifiedScoreTest } from '../../src/judges/stratifiedRank.ts';
import { judgeVerification } from '../../src/judgment/index.ts';
import { definition, rng, series, synthetic } from './fixtures.ts';

const ctx = { settings: sensitivitySettings('medium') };

describe('alignByTime', () => {
  const ten = Array.from({ length: 10 }, (_, i) => i);

  it('lines up series that share their timestamps', () => {
    const a = alignByTime(
      [series('baseline', 'b', ten)],
      [
        series(
          'canary',
          'c',
          ten.map((x) => 2 * x),
        ),
      ],
    );
    expect(a?.times).toHaveLength(10);
    expect(Array.from(a!.canary[0]!)).toEqual(ten.map((x) => 2 * x));
  });

  it('keeps a minute where one instance has a gap, marking the gap NaN', () => {
    const gap = ten.map((x) => (x === 3 ? Number.NaN : x));
    const a = alignByTime(
      [series('baseline', 'b1', gap), series('baseline', 'b2', ten)],
      [series('canary', 'c', ten)],
    );
    expect(a?.times).toHaveLength(10);
    expect(Number.isNaN(a!.baseline[0]![3]!)).toBe(true);
    expect(a!.baseline[1]![3]).toBe(3);
  });

  it('uses only the common minutes and refuses a before/after layout', () => {
    // Canary shifted by 2 minutes: 8 common minutes of 10 on each side.
    const a = alignByTime([series('baseline', 'b', ten)], [series('canary', 'c', ten, 2)]);
    expect(a?.times).toHaveLength(8);
    expect(a!.canary[0]![0]).toBe(0);
    expect(a!.baseline[0]![0]).toBe(2);
    expect(alignByTime([series('baseline', 'b', ten)], [series('canary', 'c', ten, 10)])).toBeNull();
  });
});

describe('stratifiedRankSum (van Elteren)', () => {
  it('matches a hand computation without ties', () => {
    // Each stratum: canary ranks 3 and 4 -> W = 7, E = 5, V = (2*2/12) * 5 = 5/3, weight 1/5.
    // z = (2 * 0.2 * 2) / sqrt(2 * 0.04 * 5/3) = 2.19089023; one-sided p = 0.0142299.
    const r = stratifiedRankSum(
      [
        { b: [1, 2], c: [3, 4] },
        { b: [10, 20], c: [30, 40] },
      ],
      'greater',
    );
    expect(r.z).toBeCloseTo(2.1908902300206647, 9);
    expect(r.p).toBeCloseTo(0.014229868458155296, 9);
    expect(r.probabilityHigher).toBe(1);
    expect(r.strata).toBe(2);
  });

  it('uses mid-ranks and the tie-corrected variance', () => {
    // 1,1,1,2: ranks 2,2,2,4; canary {1,2} -> W = 6, E = 5; tie term 3^3-3 = 24;
    // V = (4/12) * (5 - 24/12) = 1, so z = (6-5)/1 = 1 whatever the weight.
    const r = stratifiedRankSum([{ b: [1, 1], c: [1, 2] }], 'greater');
    expect(r.z).toBeCloseTo(1, 12);
    expect(r.scores).toEqual([1]);
  });

  it('skips strata where every value is tied', () => {
    const r = stratifiedRankSum([{ b: [5, 5], c: [5] }], 'two-sided');
    expect(r.strata).toBe(0);
    expect(r.p).toBe(1);
  });
});

describe('stratifiedScoreTest', () => {
  it('matches the permutation mean and variance by hand', () => {
    // scores 0,0 | 0,2: mean 0.5, canary sum 2 (expected 1), ss = 3, var = (2*2/(4*3)) * 3 = 1 -> z = 1.
    const r = stratifiedScoreTest([{ b: [0, 0], c: [0, 2] }], 'greater');
    expect(r.z).toBeCloseTo(1, 12);
    expect(r.p).toBeCloseTo(0.15865525393145707, 9);
  });
});

describe('serialCorrelation', () => {
  it('computes the lag-1 autocorrelation by hand', () => {
    // mean 0; sum of lagged products -3; sum of squares 4.
    expect(serialCorrelation([1, -1, 1, -1]).rho).toBeCloseTo(-0.75, 12);
    expect(serialCorrelation([1, -1, 1, -1]).significant).toBe(false);
  });
});

describe('instanceEffect', () => {
  it('estimates persistent instance offsets from the two-way layout', () => {
    // Baseline 2 instances x 3 minutes; F = MS(instance)/MS(residual) = 5.041667/0.041667 = 121,
    // variance = (5.041667 - 0.041667)/3 = 5/3. The single canary instance contributes nothing.
    const aligned = alignByTime(
      [series('baseline', 'b1', [1, 2, 3.5]), series('baseline', 'b2', [3, 4, 5])],
      [series('canary', 'c1', [2, 3, 4])],
    );
    // Only 3 timestamps: below the judges' minimum, so build the layout by hand.
    expect(aligned).toBeNull();
    const e = instanceEffect({
      times: [0, 1, 2],
      baseline: [Float64Array.from([1, 2, 3.5]), Float64Array.from([3, 4, 5])],
      canary: [Float64Array.from([2, 3, 4])],
    });
    expect(e.f).toBeCloseTo(121, 9);
    expect(e.variance).toBeCloseTo(5 / 3, 9);
    expect(e.sidesFactor).toBeCloseTo(1.5, 12);
  });
});

describe('pairedJudge', () => {
  it('passes A/A cases', () => {
    for (let seed = 1; seed <= 20; seed++) {
      expect(pairedJudge(synthetic({ seed }), ctx).outcome).not.toBe('fail');
    }
  });

  it('fails an obvious +50% shift, high, with the shift in the evidence', () => {
    const r = pairedJudge(synthetic({ seed: 3, shift: 0.5 }), ctx);
    expect(r.outcome).toBe('fail');
    expect(r.classification).toBe('high');
    // The injected shift is 50 (0.5 x level 100); noise sd 5 per point, so the median over minutes is close.
    expect(r.evidence.shift as number).toBeGreaterThan(45);
    expect(r.evidence.shift as number).toBeLessThan(55);
    expect(r.explanation).toMatch(/canary \+\d+\.\d% vs baseline at the same minutes/);
  });

  it('sees a +10% shift that the shared signal hides from pooled values', () => {
    const r = pairedJudge(synthetic({ seed: 5, shift: 0.1 }), ctx);
    expect(r.outcome).toBe('fail');
  });

  it('does not fail an improvement of a higher-is-worse metric', () => {
    const r = pairedJudge(synthetic({ seed: 7, shift: -0.5 }), ctx);
    expect(r.outcome).toBe('pass');
    expect(r.risk).toBe(0);
  });

  it('passes a significant change below the minimum relative change', () => {
    // +2% on a 5% noise: significant over 60 minutes x 3 instances, but medium needs 5%.
    const r = pairedJudge(synthetic({ seed: 11, shift: 0.02, instances: 10 }), ctx);
    expect(r.evidence.p as number).toBeLessThan(0.001);
    expect(r.evidence.bigEnough).toBe(false);
    expect(r.outcome).toBe('pass');
  });

  it('steps aside when baseline and canary do not share timestamps', () => {
    const data = {
      definition: definition(),
      baseline: [series('baseline', 'b', Array(20).fill(1))],
      canary: [series('canary', 'c', Array(20).fill(2), 100)],
    };
    const r = pairedJudge(data, ctx);
    expect(r.outcome).toBe('no-data');
    expect(r.classification).toBe('nodata');
  });
});

describe('alignByTime memo', () => {
  it('aligns again when a series grew in place', () => {
    const b = [
      series(
        'baseline',
        'b',
        Array.from({ length: 10 }, (_, i) => i),
      ),
    ];
    const c = [
      series(
        'canary',
        'c',
        Array.from({ length: 10 }, (_, i) => i),
      ),
    ];
    expect(alignByTime(b, c)?.times).toHaveLength(10);
    b[0]!.points.push({ t: b[0]!.points[9]!.t + 60_000, v: 1 });
    c[0]!.points.push({ t: c[0]!.points[9]!.t + 60_000, v: 1 });
    expect(alignByTime(b, c)?.times).toHaveLength(11);
  });
});

describe('pairedJudge: the minimum change of a bursty metric', () => {
  // 10+10 instances x 60 minutes of a metric that is 0 in two minutes of three and 30 in the third (level 10
  // minute by minute), where each instance bursts to +2000 in one minute of twenty (disk writes, sporadic
  // traffic): the bursts make the mean about 110 and the median over all points 0.
  const bursty = (shift: number) => {
    const r = rng(41);
    const signal = Array.from({ length: 60 }, (_, j) => (j % 3 === 0 ? 30 : 0));
    const side = (group: 'baseline' | 'canary') =>
      Array.from({ length: 10 }, (_, i) =>
        series(
          group,
          `${group}-${i}`,
          signal.map((x) => x + (r() < 0.05 ? 2000 : 0) + (group === 'canary' ? shift : 0)),
        ),
      );
    return { definition: definition(), baseline: side('baseline'), canary: side('canary') };
  };

  it('fails every minute +1 (10% of the level between bursts), which is 1% of the burst-made mean', () => {
    const j = judgeVerification([bursty(1)], { sensitivity: 'medium' });
    expect(j.verdict).toBe('fail');
    const paired = j.metrics[0]!.judges.find((x) => x.judge === 'paired')!;
    expect(paired.outcome).toBe('fail');
    expect(paired.evidence.baselineMedian).toBe(0);
    expect(paired.evidence.baselineMean as number).toBeGreaterThan(90);
    expect(paired.evidence.baselineLevel).toBe(10);
    expect(paired.evidence.relativeChange).toBeCloseTo(0.1, 12);
    expect(paired.explanation).toMatch(
      /baseline level of 10 \(its median minute by minute; overall median 0\)/,
    );
  });

  it('passes the same metric unchanged', () => {
    expect(judgeVerification([bursty(0)], { sensitivity: 'medium' }).verdict).toBe('pass');
  });
});
