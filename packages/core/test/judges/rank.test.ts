import { describe, expect, it } from 'vitest';
import { rankJudge } from '../../src/judges/rank.ts';
import { normalSf } from '../../src/stats/distributions.ts';
import { ctx, metricData, range } from './helpers.ts';

describe('rankJudge', () => {
  it('fails a clear increase with the numbers a person can check', () => {
    // baseline 1..10, canary 11..20: every canary point is higher, U = 100 of 100 pairs.
    const r = rankJudge(metricData([range(1, 10)], [range(11, 20)]), ctx());
    expect(r.outcome).toBe('fail');
    expect(r.classification).toBe('high');
    expect(r.evidence.u).toBe(100);
    expect(r.evidence.cles).toBe(1);
    // Asymptotic (both n > 8), no ties, continuity: z = (100 - 50 - 0.5) / sqrt(10*10*21/12).
    expect(r.evidence.p).toBeCloseTo(normalSf(49.5 / Math.sqrt(175)), 15);
    // Every pairwise difference lies in 1..19 with median 10: the HL shift is 10 (R's root, tol 1e-4).
    expect(r.evidence.estimate as number).toBeCloseTo(10, 3);
    expect(r.evidence.ciLower as number).toBeGreaterThan(0);
    expect(r.evidence.meanRatio).toBeCloseTo(15.5 / 5.5, 12);
    expect(r.risk).toBeGreaterThanOrEqual(0.8);
    expect(r.explanation).toMatch(/Regression/);
    expect(r.explanation).toMatch(/p = /);
  });

  it('passes identical distributions split across instances', () => {
    const b = range(1, 60);
    const c = [...b].reverse();
    const r = rankJudge(metricData([b.slice(0, 30), b.slice(30)], [c.slice(0, 20), c.slice(20)]), ctx());
    expect(r.outcome).toBe('pass');
    expect(r.evidence.u).toBe(1800);
    expect(r.evidence.estimate as number).toBeCloseTo(0, 3);
    expect(r.risk).toBeLessThan(0.5);
  });

  it('is direction-aware: a drop passes when higher is worse, fails when lower is worse', () => {
    const up = metricData([range(11, 20)], [range(1, 10)], { direction: 'higher-is-worse' });
    const down = metricData([range(11, 20)], [range(1, 10)], { direction: 'lower-is-worse' });
    const both = metricData([range(11, 20)], [range(1, 10)], { direction: 'both' });
    const a = rankJudge(up, ctx());
    expect(a.outcome).toBe('pass');
    expect(a.evidence.alternative).toBe('greater');
    const b = rankJudge(down, ctx());
    expect(b.outcome).toBe('fail');
    expect(b.classification).toBe('low');
    const c = rankJudge(both, ctx());
    expect(c.outcome).toBe('fail');
    expect(c.evidence.alternative).toBe('two-sided');
    // Two-sided p is twice the one-sided one here (same |z|).
    expect(c.evidence.p as number).toBeCloseTo(2 * (b.evidence.p as number), 14);
  });

  it('warns instead of failing when the change is significant but below the minimum relative change', () => {
    // 2% higher on 400 points per side with small noise: very significant, below 5%.
    const base = range(0, 399).map((i) => 100 + ((i * 37) % 100) / 100);
    const canary = base.map((v) => v * 1.02);
    const r = rankJudge(metricData([base], [canary]), ctx(0.005, 0.05));
    expect(r.evidence.p as number).toBeLessThan(0.005);
    expect(r.evidence.relativeChange as number).toBeGreaterThan(0.015);
    expect(r.evidence.relativeChange as number).toBeLessThan(0.05);
    expect(r.outcome).toBe('warn');
    expect(r.explanation).toMatch(/below the minimum change/);
    const strict = rankJudge(metricData([base], [canary]), ctx(0.005, 0.01));
    expect(strict.outcome).toBe('fail');
  });

  it('warns instead of failing when the absolute change is below the minimum for the kind', () => {
    // latency 1 ms -> 1.5 ms: +50% but only 0.5 ms, below a 2 ms minimum.
    const base = range(0, 59).map((i) => 1 + (i % 10) / 100);
    const canary = base.map((v) => v + 0.5);
    const r = rankJudge(metricData([base], [canary], { kind: 'latency', unit: 'ms' }), ctx(0.005, 0.05, 2));
    expect(r.outcome).toBe('warn');
    expect(r.evidence.minAbsoluteChange).toBe(2);
    expect(r.explanation).toMatch(/ms/);
    const loose = rankJudge(metricData([base], [canary], { kind: 'latency' }), ctx(0.005, 0.05, 0.25));
    expect(loose.outcome).toBe('fail');
  });

  it('drops NaN points and reports no-data when too few remain', () => {
    const r = rankJudge(metricData([[1, Number.NaN, 2, 3]], [[Number.NaN, 5, 6, 7]]), ctx());
    expect(r.evidence.nBaseline).toBe(3);
    expect(r.evidence.nCanary).toBe(3);
    const none = rankJudge(metricData([[1, 2, 3]], [[Number.NaN, Number.NaN, 4]]), ctx());
    expect(none.outcome).toBe('no-data');
    expect(none.classification).toBe('nodata');
    expect(none.explanation).toMatch(/1 canary/);
  });

  it('passes a metric whose every point holds the same value', () => {
    const r = rankJudge(metricData([[0, 0, 0, 0]], [[0, 0, 0]]), ctx());
    expect(r.outcome).toBe('pass');
    expect(r.risk).toBe(0);
  });

  it('treats a move away from a zero baseline as infinitely large relative change, gated by the absolute minimum', () => {
    const base = new Array(30).fill(0);
    const canary = range(1, 30).map((i) => i / 100);
    // Every difference is a canary value: the HL shift is their median, 0.155.
    const r = rankJudge(
      metricData([base], [canary], { kind: 'error', unit: 'ratio' }),
      ctx(0.005, 0.05, 0.05),
    );
    expect(r.evidence.relativeChange).toBeNull();
    expect(r.evidence.estimate as number).toBeCloseTo(0.155, 3);
    expect(r.outcome).toBe('fail');
    const gated = rankJudge(
      metricData([base], [canary], { kind: 'error', unit: 'ratio' }),
      ctx(0.005, 0.05, 0.2),
    );
    expect(gated.outcome).toBe('warn');
  });
});
