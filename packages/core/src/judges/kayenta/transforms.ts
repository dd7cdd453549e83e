/**
 * Kayenta's data transforms, applied to each side before the classifier tests it: the NaN strategy, the
 * outlier filter, and the tie-breaking noise for two constant sides.
 */
import type { KayentaMetricSettings } from '../../model/metric.ts';
import { seededRandom } from '../../random.ts';
import { quantile, sortAscending } from '../../stats/describe.ts';

/** Kayenta `canary.nanStrategy` (see model/metric.ts). */
export type KayentaNanStrategy = NonNullable<KayentaMetricSettings['nanStrategy']>;

/** Kayenta `canary.outliers` (see model/metric.ts). */
export type KayentaOutlierConfig = NonNullable<KayentaMetricSettings['outliers']>;

/** One side's values after the NaN strategy and the outlier filter, as Kayenta prepares them. */
export function kayentaTransform(
  values: number[],
  nanStrategy: KayentaNanStrategy,
  outliers: KayentaOutlierConfig | undefined,
): number[] {
  const clean =
    nanStrategy === 'remove'
      ? values.filter((v) => !Number.isNaN(v))
      : values.map((v) => (Number.isNaN(v) ? 0 : v));
  return outliers?.strategy === 'remove' ? removeOutliers(clean, outliers.outlierFactor ?? 3) : clean;
}

/** Kayenta's IQRDetector with reduced sensitivity: keeps points inside the wider of the IQR and p1/p99 fences. */
export function removeOutliers(values: number[], factor: number): number[] {
  if (values.length === 0) return values;
  const s = sortAscending(values);
  const p25 = quantile(s, 0.25);
  const p75 = quantile(s, 0.75);
  const iqr = p75 - p25;
  const lower = Math.min(quantile(s, 0.01), p25 - factor * iqr);
  const upper = Math.max(quantile(s, 0.99), p75 + factor * iqr);
  return values.filter((v) => !(v > upper || v < lower));
}

/**
 * A constant side with Gaussian noise of 1e-5 x its value added, so that ranks can break ties. Kayenta draws
 * the noise at random; this draws it from a fixed-seed generator (mulberry32 + Box-Muller), so verdicts are
 * reproducible.
 */
export function jitterConstant(values: number[], seed: number): number[] {
  const noise = gaussianNoise(values.length, (values[0] as number) * 1e-5, seed);
  return noise.map((e, i) => (values[i] as number) + e);
}

function gaussianNoise(n: number, stdev: number, seed: number): number[] {
  const next = seededRandom(seed);
  const out: number[] = [];
  while (out.length < n) {
    const u1 = next() || 1e-12;
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1));
    out.push(r * Math.cos(2 * Math.PI * u2) * stdev);
    if (out.length < n) out.push(r * Math.sin(2 * Math.PI * u2) * stdev);
  }
  return out;
}
