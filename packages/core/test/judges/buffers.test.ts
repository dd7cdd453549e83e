import { describe, expect, it } from 'vitest';
import { alignByTime } from '../../src/judges/align.ts';
import { judgeBuffers } from '../../src/judges/buffers.ts';
import { frameBuffers, frameOfAligned } from '../../src/judges/frame.ts';
import { judgeMetric } from '../../src/judgment/index.ts';
import type { MetricData } from '../../src/model/metric.ts';
import { noiseCase } from './noise.ts';

/** A frame's arrays as plain numbers, to compare frames built in different arrays. */
function plain(f: ReturnType<typeof frameOfAligned>) {
  return {
    cells: f.cells,
    maxAbs: f.maxAbs,
    ...Object.fromEntries(
      (['values', 'start', 'nb', 'sorted', 'labels', 'side', 'bySide'] as const).map((k) => [
        k,
        Array.from(f[k]),
      ]),
    ),
  };
}

/** Some points dropped (gaps) and some NaN, so that sides and cells differ in size from minute to minute. */
function gappy(data: MetricData): MetricData {
  const thin = (s: MetricData['baseline'][number], i: number) => ({
    ...s,
    points: s.points
      .filter((_, j) => (j + i) % 5 !== 0)
      .map((p, j) => (j % 11 === i ? { ...p, v: Number.NaN } : p)),
  });
  return { ...data, baseline: data.baseline.map(thin), canary: data.canary.map(thin) };
}

describe('judge buffers reused across metrics', () => {
  it('build a frame equal to one in fresh arrays, after a larger frame left its values in them', () => {
    const work = frameBuffers();
    const big = noiseCase(1, { k: 10, n: 90 });
    frameOfAligned(alignByTime(big.baseline, big.canary)!, work);
    for (const data of [noiseCase(2, { k: 3 }), gappy(noiseCase(3, { k: 4 }))]) {
      const aligned = alignByTime(data.baseline, data.canary)!;
      expect(plain(frameOfAligned(aligned, work))).toEqual(plain(frameOfAligned(aligned)));
    }
  });

  it('leave every metric the judgment it gets alone', () => {
    const metrics = [
      noiseCase(4, { k: 10, n: 90 }, (i, j) => (i < 3 && j > 40 ? 30 : 0)),
      noiseCase(5, { k: 3 }),
      gappy(noiseCase(6, { k: 5 }, (_i, j) => (j % 9 === 0 ? 50 : 0))),
      noiseCase(7, { k: 2, n: 30 }),
    ];
    const shared = judgeBuffers();
    for (const data of metrics) expect(judgeMetric(data, {}, shared)).toEqual(judgeMetric(data));
  });
});
