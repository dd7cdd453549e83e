/**
 * `vigil import kayenta` end to end on the bench cases: the example Kayenta canary config is imported into a
 * Vigil spec, the spec is loaded as `vigil verify` loads it, and Vigil's Kayenta mode judges generated canaries
 * (real NAB traces, every regression class, some sides swapped so decreases occur, NaN gaps) exactly as a
 * separate re-implementation of Kayenta's NetflixACAJudge judges them from the Kayenta config itself: the same
 * classification of every metric, the same score and the same Pass / Marginal / Fail.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSES, makeCase } from '../bench/judge/cases.ts';
import { loadTraces } from '../bench/judge/nab.ts';
import { mulberry32 } from '../bench/judge/prng.ts';
import { judgeVerification } from '../packages/core/src/judgment/index.ts';
import type { MetricData, MetricSeries } from '../packages/core/src/model/metric.ts';
import { definitionOf, kayentaScoringOf } from '../packages/core/src/spec/definition.ts';
import { importKayentaConfig } from '../packages/core/src/spec/import/kayenta.ts';
import { validateSpec } from '../packages/core/src/spec/load.ts';
import { kayentaReference } from './support/kayentaReference.ts';

const root = resolve(import.meta.dirname, '..');
const config = JSON.parse(readFileSync(resolve(root, 'examples/kayenta/canary-config.json'), 'utf8'));
const { traces } = loadTraces(resolve(root, '../shared/bench-data/nab/data'));
const TRIALS_PER_CLASS = 3;

const values = (series: MetricSeries[]) => series.flatMap((s) => s.points.map((p) => p.v));

/** Every 29th point of a side becomes NaN (a gap the NaN strategy decides about; coverage stays above 80%). */
function withGaps(series: MetricSeries[]): MetricSeries[] {
  let k = 0;
  return series.map((s) => ({
    ...s,
    points: s.points.map((p) => (++k % 29 === 0 ? { ...p, v: Number.NaN } : p)),
  }));
}

describe('an imported Kayenta config gives Kayenta verdicts on the bench cases', () => {
  const imported = importKayentaConfig(config);
  const spec = validateSpec(imported.spec, { env: imported.env });
  const definitions = spec.metrics.map(definitionOf);
  // The Atlas metric has no Vigil provider: it is left out of the spec (and listed), so out of Kayenta's run too.
  const kayentaConfig = {
    ...config,
    metrics: config.metrics.filter((m: { name: string }) => definitions.some((d) => d.name === m.name)),
  };

  it('maps every metric Vigil can read, and lists the one it cannot', () => {
    expect(definitions.map((d) => d.name)).toEqual(['p99 latency', 'error rate', 'request rate', 'cpu']);
    expect(imported.unmapped.some((u) => u.startsWith('metric "heap": atlas queries'))).toBe(true);
    expect(spec.policy).toMatchObject({
      judge: 'kayenta',
      passScore: 80,
      marginalScore: 60,
      earlyStop: false,
    });
  });

  it('classifies, scores and decides as the reference on every case', () => {
    const rng = mulberry32(20261202);
    let compared = 0;
    const seen = { verdicts: new Set<string>(), labels: new Set<string>() };
    CLASSES.forEach((cls) => {
      for (let t = 0; t < TRIALS_PER_CLASS; t++) {
        const data: MetricData[] = definitions.map((definition, i) => {
          // Each metric gets its own case; a class's regression lands on a different metric per trial, and
          // swapping sides turns it into a decrease.
          const regressed = i === (t + CLASSES.indexOf(cls)) % definitions.length;
          const c = makeCase(regressed ? cls : 'aa', traces, rng, t * 10 + i, 3).data;
          const swap = definition.direction === 'lower-is-worse' && regressed;
          const gaps = definition.kayenta?.nanStrategy === 'replace';
          const baseline = swap ? c.canary : c.baseline;
          const canary = swap ? c.baseline : c.canary;
          return {
            definition,
            baseline: gaps ? withGaps(baseline) : baseline,
            canary: gaps ? withGaps(canary) : canary,
          };
        });
        const vigil = judgeVerification(data, {
          mode: 'kayenta',
          noData: spec.policy.noData,
          ...kayentaScoringOf(spec.policy),
        });
        const reference = kayentaReference(
          kayentaConfig,
          Object.fromEntries(
            data.map((d) => [
              d.definition.name,
              { control: values(d.baseline), experiment: values(d.canary) },
            ]),
          ),
        );
        const labels = vigil.metrics.map(
          (m) => m.judges.find((j) => j.judge === 'kayenta')?.evidence.kayentaClassification,
        );
        const where = `${cls}, trial ${t}`;
        expect(labels, where).toEqual(reference.metrics.map((m) => m.classification));
        expect(vigil.score, where).toBe(reference.score);
        expect(vigil.verdict, where).toBe(
          { Pass: 'pass', Marginal: 'inconclusive', Fail: 'fail' }[reference.classification],
        );
        seen.verdicts.add(vigil.verdict);
        for (const l of labels) seen.labels.add(String(l));
        compared++;
      }
    });
    expect(compared).toBe(CLASSES.length * TRIALS_PER_CLASS);
    // The cases reach every verdict and a High and a Low, so the comparison is not of passes alone.
    expect([...seen.verdicts].sort()).toEqual(['fail', 'inconclusive', 'pass']);
    expect(seen.labels).toContain('High');
    expect(seen.labels).toContain('Low');
  });
});
