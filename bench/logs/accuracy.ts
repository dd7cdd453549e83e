/**
 * Log parsing accuracy as the Loghub benchmark defines it (../shared/bench-data/README.md):
 * GA: lines in parsed groups whose line set equals one ground-truth event's line set, over all lines;
 * FGA: F1 of correct groups / parsed groups and correct groups / ground-truth groups;
 * PA: share of lines whose template equals the ground-truth template exactly.
 */
export interface Accuracy {
  ga: number;
  fga: number;
  pa: number;
}

export function accuracy(
  truthIds: readonly string[],
  truthTemplates: readonly string[],
  parsedIds: readonly string[],
  parsedTemplates: readonly string[],
): Accuracy {
  const n = truthIds.length;
  const truthSize = new Map<string, number>();
  for (const t of truthIds) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  const parsed = new Map<string, Map<string, number>>();
  for (let i = 0; i < n; i++) {
    const p = parsedIds[i]!;
    let m = parsed.get(p);
    if (!m) {
      m = new Map();
      parsed.set(p, m);
    }
    m.set(truthIds[i]!, (m.get(truthIds[i]!) ?? 0) + 1);
  }
  let correctLines = 0;
  let correctGroups = 0;
  for (const m of parsed.values()) {
    if (m.size !== 1) continue;
    const [truth, size] = [...m.entries()][0]!;
    if (truthSize.get(truth) === size) {
      correctLines += size;
      correctGroups++;
    }
  }
  let exact = 0;
  for (let i = 0; i < n; i++) if (parsedTemplates[i] === truthTemplates[i]) exact++;
  const precision = parsed.size === 0 ? 0 : correctGroups / parsed.size;
  const recall = truthSize.size === 0 ? 0 : correctGroups / truthSize.size;
  return {
    ga: n === 0 ? 0 : correctLines / n,
    fga: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    pa: n === 0 ? 0 : exact / n,
  };
}
