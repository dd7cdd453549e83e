import { describe, expect, it } from 'vitest';
import {
  type KayentaMetricResult,
  kayentaClassifyMetric,
  kayentaConfigFromDefinition,
  kayentaJudge,
  kayentaScore,
} from '../../src/judges/kayenta/index.ts';
import { ctx, metricData, range } from './helpers.ts';

// Every canary point above every baseline point (Kayenta's own "High" example).
const HIGH_CANARY = [20, 22, 21, 25, 30];
const HIGH_BASELINE = [1, 2.2, 1.1, 2.5, 3];

describe('kayentaClassifyMetric', () => {
  it('classifies a clear increase High with the interval, band and ratio', () => {
    const r = kayentaClassifyMetric(HIGH_BASELINE, HIGH_CANARY, { name: 'latency' });
    expect(r.classification).toBe('High');
    expect(r.reason).toBe('latency was classified as High');
    // 25 differences from 17 (20 - 3) to 28.9 (30 - 1.1); at 98% with 5 + 5 points the interval spans almost all.
    expect(r.lower as number).toBeCloseTo(17, 3);
    expect(r.upper as number).toBeCloseTo(29, 3);
    expect(r.estimate as number).toBeCloseTo(20, 3);
    // Tolerance band 0.25 x |20| = 5 on each side.
    expect(r.bounds?.[1] as number).toBeCloseTo(5, 3);
    expect(r.ratio).toBeCloseTo(23.6 / 1.96, 12);
    expect(r.critical).toBe(false);
  });

  it('classifies a decrease Low, and lets the direction ignore the harmless side', () => {
    expect(kayentaClassifyMetric(HIGH_CANARY, HIGH_BASELINE).classification).toBe('Low');
    expect(kayentaClassifyMetric(HIGH_CANARY, HIGH_BASELINE, { direction: 'decrease' }).classification).toBe(
      'Low',
    );
    expect(kayentaClassifyMetric(HIGH_CANARY, HIGH_BASELINE, { direction: 'increase' }).classification).toBe(
      'Pass',
    );
    expect(kayentaClassifyMetric(HIGH_BASELINE, HIGH_CANARY, { direction: 'decrease' }).classification).toBe(
      'Pass',
    );
  });

  it('passes when the interval is not clear of the tolerance band', () => {
    // Kayenta's "Mean Ratio Effect Size: Pass" case: canary lower but the interval reaches above -band.
    const r = kayentaClassifyMetric([20, 22, 21, 25, 30], [10, 12.2, 10.1, 12.5, 23], {
      tolerance: 0.1,
      confidenceLevel: 0.95,
      effectSize: { allowedDecrease: 0.5, allowedIncrease: 1 },
    });
    expect(r.classification).toBe('Pass');
    expect(r.upper as number).toBeGreaterThan((r.bounds as [number, number])[0]);
  });

  it('applies the effect-size thresholds (mean ratio and CLES)', () => {
    // mean ratio 12.04: High needs allowedIncrease <= 12.04.
    expect(
      kayentaClassifyMetric(HIGH_BASELINE, HIGH_CANARY, { effectSize: { allowedIncrease: 12 } })
        .classification,
    ).toBe('High');
    expect(
      kayentaClassifyMetric(HIGH_BASELINE, HIGH_CANARY, { effectSize: { allowedIncrease: 12.1 } })
        .classification,
    ).toBe('Pass');
    // CLES: every canary point is above every baseline point, so P(canary > baseline) = 1.
    const cles = kayentaClassifyMetric(HIGH_BASELINE, HIGH_CANARY, { effectSize: { measure: 'cles' } });
    expect(cles.effectSize).toBe(1);
    expect(cles.classification).toBe('High');
    expect(
      kayentaClassifyMetric(HIGH_BASELINE, HIGH_CANARY, {
        effectSize: { measure: 'cles', allowedIncrease: 1.01 },
      }).classification,
    ).toBe('Pass');
  });

  it('marks critical failures only when the effect reaches the critical threshold', () => {
    const crit = kayentaClassifyMetric(HIGH_BASELINE, HIGH_CANARY, { critical: true });
    expect(crit.classification).toBe('High');
    expect(crit.critical).toBe(true);
    expect(crit.reason).toMatch(/\(Critical\)/);
    const notCrit = kayentaClassifyMetric(HIGH_BASELINE, HIGH_CANARY, {
      critical: true,
      effectSize: { allowedIncrease: 5, criticalIncrease: 13 },
    });
    expect(notCrit.classification).toBe('High');
    expect(notCrit.critical).toBe(false);
    const low = kayentaClassifyMetric([10, 20.2, 10.1, 20.5, 30], [2, 2, 2, 2, 3], {
      critical: true,
      effectSize: { criticalDecrease: 1.2 },
    });
    expect(low.classification).toBe('Low');
    expect(low.critical).toBe(true);
  });

  it('reports missing data by the NaN strategy, mustHaveData and critical', () => {
    expect(kayentaClassifyMetric([1, 2, 3], []).classification).toBe('Nodata');
    const critical = kayentaClassifyMetric([1, 2, 3], [], { critical: true });
    expect(critical.classification).toBe('Nodata');
    expect(critical.critical).toBe(true);
    expect(critical.reason).toBe('Missing data for metric');
    expect(kayentaClassifyMetric([1, 2, 3], [], { mustHaveData: true }).classification).toBe(
      'NodataFailMetric',
    );
    // mustHaveData on a critical metric stays Nodata, but critical.
    const both = kayentaClassifyMetric([1, 2, 3], [], { mustHaveData: true, critical: true });
    expect(both.classification).toBe('Nodata');
    expect(both.critical).toBe(true);
    expect(kayentaClassifyMetric([1, 2, 3], [], { nanStrategy: 'replace' }).classification).toBe('Pass');
  });

  it('removes NaN points, or replaces them by 0', () => {
    const removed = kayentaClassifyMetric([1, 2, 3, Number.NaN], [Number.NaN, Number.NaN]);
    expect(removed.classification).toBe('Nodata');
    expect(removed.baselineCount).toBe(3);
    expect(removed.canaryCount).toBe(0);
    const replaced = kayentaClassifyMetric([1, 2, 3, Number.NaN], [Number.NaN, Number.NaN], {
      nanStrategy: 'replace',
    });
    expect(replaced.canaryCount).toBe(2);
    expect(replaced.baselineCount).toBe(4);
    expect(replaced.canaryMean).toBe(0);
    expect(replaced.baselineMean).toBe(1.5);
  });

  it('removes outliers outside the wider of the 3 x IQR and p1/p99 fences', () => {
    // 1..99 and 10000: Q1 = 25.75, Q3 = 75.25 (type 7), upper fence max(p99 = 198.01, 75.25 + 3 x 49.5 = 223.75).
    const values = [...range(1, 99), 10000];
    const r = kayentaClassifyMetric(
      values,
      values.map((v) => v + 0.5),
      { outliers: { strategy: 'remove' } },
    );
    expect(r.baselineCount).toBe(99);
    expect(r.canaryCount).toBe(99);
    expect(r.baselineMean).toBe(50);
    const kept = kayentaClassifyMetric(
      values,
      values.map((v) => v + 0.5),
    );
    expect(kept.baselineCount).toBe(100);
  });

  it('passes identical and single-valued data without testing', () => {
    const same = kayentaClassifyMetric([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]);
    expect(same.classification).toBe('Pass');
    expect(same.reason).toBe('The Canary and Baseline data are identical');
    expect(kayentaClassifyMetric([1, 1, 1], [1, 1]).classification).toBe('Pass');
    expect(kayentaClassifyMetric([1, 1, 1, 1, 1], [1, 1, 1, 1, 10]).classification).toBe('Pass');
  });

  it('breaks all-tied sides with fixed-seed noise, so the verdict is reproducible', () => {
    const a = kayentaClassifyMetric([1, 1, 1, 1, 1], [10, 10, 10, 10, 10]);
    const b = kayentaClassifyMetric([1, 1, 1, 1, 1], [10, 10, 10, 10, 10]);
    expect(a.classification).toBe('High');
    expect(a).toEqual(b);
    expect(a.ratio as number).toBeCloseTo(10, 3);
    // Zero baseline: the noise is 0 there, the mean ratio is undefined and the effect thresholds are skipped.
    const zero = kayentaClassifyMetric([0, 0, 0, 0, 0], [54.9, 54.5, 55.1, 55.6, 57.4], {
      effectSize: { allowedIncrease: 1.2 },
    });
    expect(zero.classification).toBe('High');
    expect(zero.ratio).toBeNull();
  });
});

function result(
  classification: KayentaMetricResult['classification'],
  groups: string[],
  extra: Partial<KayentaMetricResult> = {},
) {
  return { ...kayentaClassifyMetric([1], [1]), classification, groups, ...extra };
}

describe('kayentaScore', () => {
  it('weights group scores: 70% x 50 + 30% x 100 = 65, Marginal', () => {
    const s = kayentaScore(
      [result('Pass', ['latency']), result('High', ['latency']), result('Pass', ['errors'])],
      { groupWeights: { latency: 70 }, passThreshold: 75, marginalThreshold: 50 },
    );
    expect(s.score).toBe(65);
    expect(s.classification).toBe('Marginal');
    expect(s.groups.find((g) => g.name === 'latency')?.score).toBe(50);
    expect(s.reason).toBeNull();
  });

  it('shares weight equally and rounds half-up to two decimals: (100 + 100 + 0) / 3 = 66.67', () => {
    const s = kayentaScore([result('Pass', ['a']), result('Pass', ['b']), result('Low', ['c'])]);
    expect(s.score).toBe(66.67);
    expect(s.classification).toBe('Marginal');
  });

  it('counts a group with no scorable result as 100 and leaves Nodata out of the group score', () => {
    const s = kayentaScore([result('Pass', ['a']), result('High', ['a']), result('Nodata', ['b'])]);
    expect(s.groups.find((g) => g.name === 'b')?.noData).toBe(true);
    expect(s.score).toBe(75); // (50 + 100) / 2
    expect(s.classification).toBe('Pass');
  });

  it('zeroes the score on a critical failure', () => {
    const s = kayentaScore([
      result('Pass', ['a']),
      result('High', ['a'], { critical: true, reason: 'The metric m was classified as High (Critical)' }),
    ]);
    expect(s.score).toBe(0);
    expect(s.classification).toBe('Fail');
    expect(s.reason).toBe('Canary Failed: The metric m was classified as High (Critical)');
  });

  it('zeroes the score when half the metrics or more have no data', () => {
    const s = kayentaScore([result('Pass', ['a']), result('Nodata', ['a'])]);
    expect(s.score).toBe(0);
    expect(s.reason).toMatch(/50% or more metrics returned NODATA/);
    expect(kayentaScore([result('Pass', ['a']), result('Pass', ['a']), result('Nodata', ['a'])]).score).toBe(
      100,
    );
  });

  it('counts NodataFailMetric as a failure in its group', () => {
    expect(kayentaScore([result('Pass', ['a']), result('NodataFailMetric', ['a'])]).score).toBe(50);
  });

  it('leaves muted metrics out of the score, even critical ones', () => {
    const s = kayentaScore([result('Pass', ['a']), result('High', ['a'], { muted: true, critical: true })]);
    expect(s.score).toBe(100);
    expect(s.scoredMetrics).toBe(1);
  });
});

describe('kayentaJudge', () => {
  it('maps the metric definition onto Kayenta settings', () => {
    expect(
      kayentaConfigFromDefinition({
        name: 'p99',
        kind: 'latency',
        direction: 'lower-is-worse',
        critical: true,
        group: 'web',
      }),
    ).toEqual({ name: 'p99', groups: ['web'], direction: 'decrease', critical: true, muted: false });
  });

  it('adapts Kayenta classifications to Vigil outcomes', () => {
    const high = kayentaJudge(
      metricData([HIGH_BASELINE], [HIGH_CANARY], { direction: 'higher-is-worse' }),
      ctx(),
    );
    expect(high.judge).toBe('kayenta');
    expect(high.outcome).toBe('fail');
    expect(high.classification).toBe('high');
    expect(high.evidence.kayentaClassification).toBe('High');
    expect(high.explanation).toMatch(/98% interval/);
    const harmless = kayentaJudge(
      metricData([HIGH_BASELINE], [HIGH_CANARY], { direction: 'lower-is-worse' }),
      ctx(),
    );
    expect(harmless.outcome).toBe('pass');
    const empty = kayentaJudge(metricData([HIGH_BASELINE], [[Number.NaN]]), ctx());
    expect(empty.outcome).toBe('no-data');
    expect(empty.classification).toBe('nodata');
  });
});
