/**
 * Pass means judged: coverage, minimum data and infinities. Each case is one that passed before (the
 * defects of issues #13 and #14), with the exact numbers the judgment now reports.
 */
import { describe, expect, it } from 'vitest';
import { judgeMetric, judgeVerification } from '../../src/judgment/index.ts';
import type { MetricData } from '../../src/model/metric.ts';
import { MINUTE, synthetic, T0 } from '../judges/fixtures.ts';

/** Replaces the canary's values at the given point indexes (per instance) with `v`. */
function withCanary(data: MetricData, v: number, at: (j: number, i: number) => boolean): MetricData {
  return {
    ...data,
    canary: data.canary.map((s, i) => ({
      ...s,
      points: s.points.map((p, j) => (at(j, i) ? { ...p, v } : p)),
    })),
  };
}

/** Drops canary points (per instance) for which `drop` holds: rows that never arrived. */
function dropCanary(data: MetricData, drop: (j: number, i: number) => boolean): MetricData {
  return {
    ...data,
    canary: data.canary.map((s, i) => ({ ...s, points: s.points.filter((_, j) => !drop(j, i)) })),
  };
}

const aa = () => synthetic({ seed: 1 });
const grid = (steps: number) => ({ start: T0, step: MINUTE, steps });

describe('coverage', () => {
  it('passes a complete A/A metric and reports full coverage of both sides', () => {
    const m = judgeMetric(aa());
    expect(m.outcome).toBe('pass');
    expect(m.dataIssue).toBeUndefined();
    expect(m.coverage?.canary).toMatchObject({
      expected: 180,
      usable: 180,
      fraction: 1,
      steps: 60,
      stepsCovered: 60,
      instances: 3,
    });
    expect(m.coverage?.baseline).toMatchObject({ expected: 180, usable: 180, fraction: 1 });
  });

  it('does not pass a canary with 75% gaps (missing rows)', () => {
    const m = judgeMetric(dropCanary(aa(), (j) => j % 4 !== 0));
    expect(m.outcome).toBe('no-data');
    expect(m.coverage?.canary).toMatchObject({ expected: 180, usable: 45, fraction: 0.25, nonFinite: 0 });
    expect(m.dataIssue).toEqual({
      cause: 'low-coverage',
      detail:
        'canary coverage 45 of 180 expected points, 25% (need 80%): 135 points missing in time (least covered: canary-0 25%, canary-1 25%, canary-2 25%)',
    });
    expect(judgeVerification([aa(), dropCanary(aa(), (j) => j % 4 !== 0)]).verdict).toBe('inconclusive');
  });

  it('does not pass a canary whose values are 90% NaN, and names them', () => {
    const m = judgeMetric(withCanary(aa(), Number.NaN, (j) => j % 10 !== 0));
    expect(m.outcome).toBe('no-data');
    expect(m.dataIssue).toEqual({
      cause: 'non-finite',
      detail:
        'canary coverage 18 of 180 expected points, 10% (need 80%): 162 points were NaN or the harmless infinity',
    });
  });

  it('does not pass when canary pods stop reporting half way through the run', () => {
    const data = { ...dropCanary(aa(), (j) => j >= 30), expected: { grid: grid(60) } };
    const m = judgeMetric(data);
    expect(m.outcome).toBe('no-data');
    expect(m.coverage?.canary).toMatchObject({
      expected: 180,
      usable: 90,
      fraction: 0.5,
      steps: 60,
      stepsCovered: 30,
    });
    expect(m.dataIssue?.cause).toBe('low-coverage');
  });

  it('names the explicitly named canary instances that never reported', () => {
    const data: MetricData = {
      ...aa(),
      canary: aa().canary.slice(0, 1),
      expected: { grid: grid(60), instances: { canary: ['canary-0', 'canary-7', 'canary-8'] } },
    };
    const m = judgeMetric(data);
    expect(m.outcome).toBe('no-data');
    expect(m.coverage?.canary).toMatchObject({
      expected: 180,
      usable: 60,
      missingInstances: ['canary-7', 'canary-8'],
    });
    expect(m.dataIssue).toEqual({
      cause: 'missing-instances',
      detail: 'canary coverage 60 of 180 expected points, 33% (need 80%): no values from canary-7, canary-8',
    });
  });

  it('names provider errors as the cause, and the no-data policy "pass" never accepts them', () => {
    const data: MetricData = {
      ...dropCanary(aa(), (j) => j >= 20),
      expected: { grid: grid(60) },
      errors: {
        canary: [
          'prometheus: connect ECONNREFUSED 127.0.0.1:9090',
          'prometheus: connect ECONNREFUSED 127.0.0.1:9090',
        ],
      },
    };
    const m = judgeMetric(data);
    expect(m.dataIssue).toEqual({
      cause: 'provider-error',
      detail:
        'canary: 1 provider error (prometheus: connect ECONNREFUSED 127.0.0.1:9090), 60 of 180 expected points, 33%',
    });
    const j = judgeVerification([data], { noData: 'pass' });
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toContain('provider errors are never accepted by the no-data policy');
    // Gaps without errors are what `noData: pass` is for, and it still accepts them.
    expect(judgeVerification([dropCanary(aa(), (j) => j >= 20)], { noData: 'pass' }).verdict).toBe('pass');
  });

  it('keeps a fail found on partial data', () => {
    const data = {
      ...dropCanary(synthetic({ seed: 2, shift: 0.5 }), (j) => j >= 30),
      expected: { grid: grid(60) },
    };
    const m = judgeMetric(data);
    expect(m.outcome).toBe('fail');
    expect(m.dataIssue?.cause).toBe('low-coverage');
    expect(m.explanation).toContain('(on partial data: canary coverage 90 of 180 expected points, 50%');
  });

  it('follows policy minCoverage', () => {
    const data = dropCanary(aa(), (j) => j % 4 === 1);
    expect(judgeMetric(data).coverage?.canary.fraction).toBe(0.75);
    expect(judgeMetric(data).outcome).toBe('no-data');
    expect(judgeMetric(data, { minCoverage: 0.7 }).outcome).toBe('pass');
  });
});

describe('minimum data', () => {
  it('does not judge 4 points a side at medium: too little data (4 points, need 8)', () => {
    const data = synthetic({ seed: 3, instances: 1, points: 4 });
    const m = judgeMetric(data);
    expect(m.outcome).toBe('no-data');
    expect(m.dataIssue).toEqual({
      cause: 'too-little-data',
      detail: 'canary: too little data (4 points, need 8)',
    });
    expect(judgeVerification([data]).reason).toBe(
      'Inconclusive: 1 of 1 metrics had no data (m: canary: too little data (4 points, need 8)); the rest passed (score 0).',
    );
  });

  it('needs time steps as well as points: 9 points in 1 minute are not enough', () => {
    const data = synthetic({ seed: 3, instances: 9, points: 1 });
    expect(judgeMetric(data).dataIssue).toEqual({
      cause: 'too-little-data',
      detail: 'canary: too little data (1 time step covered, need 3)',
    });
  });

  it('reads its defaults from the sensitivity: 10 points pass medium, not low', () => {
    const data = synthetic({ seed: 3, instances: 1, points: 10 });
    expect(judgeMetric(data).outcome).toBe('pass');
    expect(judgeMetric(data, { sensitivity: 'low' }).dataIssue?.detail).toBe(
      'canary: too little data (10 points, need 12)',
    );
  });
});

describe('infinities are values', () => {
  it('fails a canary whose p99 is +Inf half the time (histogram_quantile in the top bucket)', () => {
    const data = withCanary(aa(), Number.POSITIVE_INFINITY, (j) => j % 2 === 0);
    const m = judgeMetric(data);
    expect(m.outcome).toBe('fail');
    expect(m.decidedBy).toEqual(['infinity']);
    expect(m.coverage?.canary).toMatchObject({ usable: 180, worstInfinite: 90, fraction: 1 });
    const inf = m.judges.find((j) => j.judge === 'infinity')!;
    expect(inf.explanation).toMatch(
      /^the canary reported \+Inf \(worse than any finite value\) in 90 of 180 points \(50%\), the baseline in 0 of 180 points \(0%\)/,
    );
    expect(judgeVerification([data]).verdict).toBe('fail');
  });

  it('fails a canary that turns +Inf for good mid-run, and one that is +Inf throughout', () => {
    expect(judgeMetric(withCanary(aa(), Number.POSITIVE_INFINITY, (j) => j >= 40)).outcome).toBe('fail');
    const all = judgeMetric(withCanary(aa(), Number.POSITIVE_INFINITY, () => true));
    expect(all.outcome).toBe('fail');
    expect(all.canary.points).toBe(0);
  });

  it('judges -Inf as the worst value of a lower-is-worse metric, and +Inf there as a gap', () => {
    const lower = synthetic({ seed: 1, def: { direction: 'lower-is-worse' } });
    expect(judgeMetric(withCanary(lower, Number.NEGATIVE_INFINITY, (j) => j % 2 === 0)).outcome).toBe('fail');
    const m = judgeMetric(withCanary(lower, Number.POSITIVE_INFINITY, (j) => j % 2 === 0));
    expect(m.outcome).toBe('no-data');
    expect(m.dataIssue?.cause).toBe('non-finite');
  });

  it('passes when both sides report +Inf alike, and a fail-fast rule sees +Inf above its limit', () => {
    const both = withCanary(aa(), Number.POSITIVE_INFINITY, (j) => j % 20 === 0);
    const same = {
      ...both,
      baseline: both.baseline.map((s) => ({
        ...s,
        points: s.points.map((p, j) => (j % 20 === 0 ? { ...p, v: Number.POSITIVE_INFINITY } : p)),
      })),
    };
    expect(judgeMetric(same).outcome).toBe('pass');
    const rule = withCanary(aa(), Number.POSITIVE_INFINITY, (j, i) => j === 5 && i === 0);
    rule.definition = {
      ...rule.definition,
      thresholds: { failFast: [{ type: 'absolute', above: 500, when: 'immediately' }] },
    };
    const m = judgeMetric(rule);
    expect(m.outcome).toBe('fail');
    expect(m.decidedBy).toEqual(['threshold']);
  });

  it('Kayenta mode does not pass a metric it could not judge either', () => {
    const j = judgeVerification([dropCanary(aa(), (j) => j % 4 !== 0)], { mode: 'kayenta' });
    expect(j.verdict).toBe('inconclusive');
    expect(j.metrics[0]!.dataIssue?.cause).toBe('low-coverage');
  });
});
