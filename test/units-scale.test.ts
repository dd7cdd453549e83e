/**
 * Property: a verdict depends on the data, not on the unit it is written in. Generated bench cases (real NAB
 * traces, every class) are judged as written in seconds and again with every value times 1000 in
 * milliseconds, and as written in milliseconds and again times 0.001 in seconds.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSES, makeCase } from '../bench/judge/cases.ts';
import { loadTraces } from '../bench/judge/nab.ts';
import { mulberry32 } from '../bench/judge/prng.ts';
import { rescaled } from '../bench/judge/scales.ts';
import { judgeVerification } from '../packages/core/src/judgment/index.ts';
import type { MetricData, Sensitivity } from '../packages/core/src/model/metric.ts';

const { traces } = loadTraces(resolve(import.meta.dirname, '../../shared/bench-data/nab/data'));
const CASES_PER_CLASS = 4;

/** The case in `unit`, values times `factor`, keeping its kind (or as latency, whose floor is in ms). */
function written(data: MetricData, factor: number, unit: string, latency: boolean): MetricData {
  const r = rescaled(data, factor, unit);
  return latency ? r : { ...r, definition: { ...r.definition, kind: data.definition.kind } };
}

function verdicts(data: MetricData): string[] {
  return (['low', 'medium', 'high'] as Sensitivity[])
    .map((sensitivity) => judgeVerification([data], { sensitivity }).verdict as string)
    .concat(judgeVerification([data], { mode: 'kayenta' }).verdict);
}

describe('verdicts do not depend on the unit the values are written in', () => {
  for (const cls of CLASSES) {
    it(`${cls}: x1000 with s -> ms and x0.001 with ms -> s give the same verdicts`, () => {
      const rng = mulberry32(4242 + CLASSES.indexOf(cls));
      let checked = 0;
      for (let i = 0; i < CASES_PER_CLASS; i++) {
        const { data } = makeCase(cls, traces, rng, i);
        for (const latency of [false, true]) {
          expect(verdicts(written(data, 1000, 'ms', latency))).toEqual(
            verdicts(written(data, 1, 's', latency)),
          );
          expect(verdicts(written(data, 0.001, 's', latency))).toEqual(
            verdicts(written(data, 1, 'ms', latency)),
          );
          checked++;
        }
      }
      expect(checked).toBe(2 * CASES_PER_CLASS);
    });
  }
});
