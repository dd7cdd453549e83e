import { describe, expect, it } from 'vitest';
import { judgeVerification } from '../../src/judgment/index.ts';
import type { KayentaMetricSettings, MetricData } from '../../src/model/metric.ts';
import { metricData } from '../judges/helpers.ts';

// Kayenta's own settings (nanStrategy replace, mustHaveData false) make missing data neutral inside its
// classifier; Vigil's coverage check comes first, so an imported Kayenta config can never turn missing canary
// data into a pass.
const baseline = [0, 1, 2].map((k) => Array.from({ length: 60 }, (_, i) => 100 + ((i * 7 + k) % 10)));
const withKayenta = (canary: number[][], kayenta?: KayentaMetricSettings): MetricData => {
  const d = metricData(baseline, canary, { kind: 'latency', unit: 'ms' });
  return kayenta ? { ...d, definition: { ...d.definition, kayenta } } : d;
};
const settings: (KayentaMetricSettings | undefined)[] = [
  undefined,
  { mustHaveData: false, nanStrategy: 'remove' },
  { nanStrategy: 'replace' },
];

describe('Kayenta mode on missing canary data', () => {
  it.each(settings)('an empty canary does not pass (%j)', (kayenta) => {
    const r = judgeVerification([withKayenta([[], [], []], kayenta)], { mode: 'kayenta' });
    expect(['fail', 'inconclusive']).toContain(r.verdict);
  });

  it.each(settings)(
    'a canary three times slower on half its points, NaN on the rest, does not pass (%j)',
    (kayenta) => {
      const canary = [0, 1, 2].map(() => Array.from({ length: 60 }, (_, i) => (i % 2 ? Number.NaN : 300)));
      const r = judgeVerification([withKayenta(canary, kayenta)], { mode: 'kayenta' });
      expect(['fail', 'inconclusive']).toContain(r.verdict);
      expect(r.metrics[0]!.coverage?.canary.fraction).toBe(0.5);
    },
  );

  it('nanStrategy replace on an all-NaN canary is inconclusive, not a pass', () => {
    const canary = [0, 1, 2].map(() => Array.from({ length: 60 }, () => Number.NaN));
    const r = judgeVerification([withKayenta(canary, { nanStrategy: 'replace' })], { mode: 'kayenta' });
    expect(r.verdict).toBe('inconclusive');
  });
});
