// `pnpm bench nab --variants FILE`: in-sample and held-out figures of several detector tunings side by side, and
// the held-out figure of choosing among them. FILE holds one JSON object of DetectorTuning overrides per line
// ('#' starts a comment line); the shipped constants are always the first row.
//
// Every variant is scored like the shipped constants in `--loco`: in-sample at the best threshold and at 0.5, and
// held out with the threshold chosen by its neighbourhood on the other three categories. The last rows treat the
// whole list as a grid: each fold also chooses the variant on the other categories. When that figure is below the
// shipped constants' own held-out figure, picking the best-looking variant of the list would not carry over to a
// category it was not chosen on, however well that variant scores in-sample.
import { DEFAULT_TUNING, type DetectorTuning } from '../../packages/core/src/anomaly/index.ts';
import type { NabFile } from './corpus.ts';
import { type LocoProcedure, leaveOneCategoryOut } from './loco.ts';
import { type CostMatrix, scoreCorpus } from './scorer.ts';

/** The variants in a FILE's text; throws naming the line for anything but numeric overrides of known constants. */
export function parseVariants(text: string): Partial<DetectorTuning>[] {
  const variants: Partial<DetectorTuning>[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`variants line ${i + 1}: not JSON; write one object per line, e.g. {"novelty": 1.2}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`variants line ${i + 1}: write an object of constants, e.g. {"novelty": 1.2}`);
    }
    for (const [key, value] of Object.entries(parsed)) {
      // An unknown name would be ignored by the detector: the row would silently repeat the shipped constants.
      if (!(key in DEFAULT_TUNING)) {
        throw new Error(`variants line ${i + 1}: "${key}" is not a detector constant (see DetectorTuning)`);
      }
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new Error(`variants line ${i + 1}: "${key}" must be a finite number`);
      }
    }
    variants.push(parsed as Partial<DetectorTuning>);
  });
  return variants;
}

const HELD_OUT: LocoProcedure = {
  label: 'threshold by neighbourhood',
  configs: 'defaults',
  threshold: 'neighbourhood',
  rule: 'pooled',
};
const SEARCH: LocoProcedure[] = [
  {
    label: 'variant + threshold by neighbourhood',
    configs: 'grid',
    threshold: 'neighbourhood',
    rule: 'pooled',
  },
  { label: 'variant + threshold chosen', configs: 'grid', threshold: 'chosen', rule: 'pooled' },
];

export interface VariantRow {
  /** Per profile: in-sample at the best threshold and at 0.5, held out with the threshold by neighbourhood. */
  figures: { best: number; fixed: number; heldOut: number }[];
}

export interface VariantReport {
  rows: VariantRow[];
  /** Per SEARCH procedure and profile: the held-out score when each fold also chooses the variant. */
  search: { label: string; heldOut: number[]; chosen: string[] }[];
}

/** `scores[v][i]`: the anomaly scores of file i under `variants[v]` (variants[0] is the shipped tuning). */
export function compareVariants(
  files: NabFile[],
  costs: CostMatrix[],
  variants: Partial<DetectorTuning>[],
  scores: Float64Array[][],
): VariantReport {
  const rows = scores.map((s, v) => ({
    figures: costs.map((cost) => {
      const r = scoreCorpus(files, s, cost, 0.5);
      const held = leaveOneCategoryOut(files, [variants[v]!], [s], 0, cost, HELD_OUT);
      return { best: r.best.score, fixed: r.fixed.score, heldOut: held.heldOutScore };
    }),
  }));
  const search = SEARCH.map((procedure) => {
    const results = costs.map((cost) => leaveOneCategoryOut(files, variants, scores, 0, cost, procedure));
    return {
      label: procedure.label,
      heldOut: results.map((r) => r.heldOutScore),
      // The standard profile's choice per held-out category, as the variant's row number.
      chosen: results[0]!.rows.map(
        (row) => `${row.category}: #${variants.indexOf(row.chosen)}@${row.threshold.toFixed(4)}`,
      ),
    };
  });
  return { rows, search };
}
