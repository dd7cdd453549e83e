import type { SideSummary } from '../model/verdict.ts';

// Computed in the judges layer (the paired judge reads the baseline median); re-exported for the judgment.
export { summarizeSide } from '../judges/sideSummary.ts';

/** Relative change of the canary mean vs the baseline mean, (c - b) / |b|; null when undefined. */
export function relativeChange(baseline: SideSummary, canary: SideSummary): number | null {
  if (baseline.mean === null || canary.mean === null) return null;
  if (baseline.mean === 0) return canary.mean === 0 ? 0 : null;
  return (canary.mean - baseline.mean) / Math.abs(baseline.mean);
}

/** A judge's or the logs' explanation cut to fit into a verdict's one-line reason. */
export function firstSentence(s: string): string {
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}
