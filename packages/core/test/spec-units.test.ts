import { describe, expect, it } from 'vitest';
import { definitionOf } from '../src/spec/definition.ts';
import { evaluateFailFast, matchIgnoreRule } from '../src/judges/threshold.ts';
import { loadSpec } from '../src/index.ts';
import { series } from './judges/fixtures.ts';
import { minimalSpec, problemsOf } from './support/spec.ts';

const spec = (metric: string) => `${minimalSpec}${metric}`;

describe('units in the spec', () => {
  it('rejects an unknown unit, naming the known ones', () => {
    const [p, ...rest] = problemsOf(spec('    unit: furlongs'));
    expect(rest).toEqual([]);
    expect(p!.path).toBe('metrics[0].unit');
    expect(p!.message).toMatch(/unknown unit "furlongs"; use one of ns, us, ms, s, min, h/);
    expect(p!.message).toContain('KiB');
    expect(p!.message).toContain('ratio');
  });

  it('accepts aliases and stores the canonical symbol', () => {
    const s = loadSpec(spec('    unit: MilliSecond'));
    expect(definitionOf(s.metrics[0]!).unit).toBe('ms');
    expect(definitionOf(s.metrics[0]!).unitSource).toBe('spec');
  });

  it('converts limits written with a unit into the metric unit', () => {
    const s = loadSpec(
      spec(`    unit: s
    failFast:
      - { type: absolute, above: 500ms }
      - { type: relative, above: "50%", when: after, count: 3 }
    ignore:
      - { type: absolute, upper: "0.1 s" }
      - { type: relative, maxDeviation: "10%" }`),
    );
    const d = definitionOf(s.metrics[0]!);
    expect(d.thresholds?.failFast?.[0]?.above).toBeCloseTo(0.5, 12);
    expect(d.thresholds?.failFast?.[1]?.above).toBeCloseTo(0.5, 12);
    expect(d.thresholds?.ignore?.[0]).toEqual({ type: 'absolute', upper: 0.1 });
    expect(d.thresholds?.ignore?.[1]?.type === 'relative' && d.thresholds.ignore[1].maxDeviation).toBeCloseTo(
      0.1,
      12,
    );
    // 0.62 s breaches 500 ms; the explanation shows both with units.
    const data = {
      definition: d,
      baseline: [series('baseline', 'b', [0.2, 0.2, 0.2])],
      canary: [series('canary', 'c', [0.2, 0.62, 0.2])],
    };
    const hit = evaluateFailFast(data);
    expect(hit?.explanation).toMatch(/above 500 ms.*last value 620 ms/);
    expect(matchIgnoreRule(data)).toBeNull();
  });

  it('refuses limits whose unit cannot be compared with the metric', () => {
    const noUnit = problemsOf(spec('    failFast: [{ type: absolute, above: 500ms }]'));
    expect(noUnit).toEqual([
      {
        path: 'metrics[0].failFast[0].above',
        message: expect.stringMatching(/"500ms" has a unit, so the metric needs one.*unit: ms/),
      },
    ]);
    const bytes = problemsOf(spec('    unit: B\n    ignore: [{ type: absolute, upper: 2s }]'));
    expect(bytes[0]).toMatchObject({
      path: 'metrics[0].ignore[0].upper',
      message: expect.stringMatching(/cannot be compared with values in B/),
    });
    const odd = problemsOf(spec('    unit: ms\n    failFast: [{ type: absolute, above: 5 parsecs }]'));
    expect(odd[0]!.message).toMatch(/unknown unit "parsecs"/);
    const relative = problemsOf(spec('    unit: ms\n    failFast: [{ type: relative, above: 5ms }]'));
    expect(relative[0]!.message).toMatch(/relative limit is a fraction/);
  });
});
