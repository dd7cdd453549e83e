import type { LogEvent } from '../../packages/core/src/model/log.ts';
import { compareLogs, WARN_RISK } from '../../packages/core/src/logs/index.ts';
import { seededRandom } from '../../packages/core/src/random.ts';

/** One A/A comparison: a system's messages split at random into baseline and canary halves. */
export interface AaRun {
  /** Canary clusters classed new. */
  unknown: number;
  /** Canary clusters classed new with a risk that warns or fails. */
  unknownWarn: number;
  /**
   * Canary clusters classed new although some true event of their messages also occurs in the baseline half:
   * the miner or the comparison invented them. (A true event whose every message fell in the canary is new
   * to the baseline, and flagging it is no fault of the miner.)
   */
  falseNew: number;
  /** Canary clusters classed unexpected-frequency. */
  falseFrequency: number;
  failed: boolean;
  /** The comparison failed and a false-new cluster is at or above the fail risk. */
  failedByFalseNew: boolean;
  /** Template and sample of each false-new cluster. */
  examples: string[];
}

/**
 * Log A/A: every message goes to the baseline or the canary with probability 1/2 (a seeded shuffle), then
 * the halves are compared as a canary verification would. `truth` holds each message's true event.
 */
export function logAa(events: readonly LogEvent[], truth: readonly string[], seed: number): AaRun {
  const rand = seededRandom(seed);
  const baseline: LogEvent[] = [];
  const canary: LogEvent[] = [];
  const inBaseline = new Set<string>();
  const truthOf = new Map<string, Set<string>>();
  events.forEach((e, i) => {
    if (rand() < 0.5) {
      baseline.push(e);
      inBaseline.add(truth[i]!);
    } else canary.push(e);
  });
  const r = compareLogs(baseline, canary, { samples: 1_000_000 });
  events.forEach((e, i) => {
    const s = truthOf.get(e.message) ?? new Set<string>();
    s.add(truth[i]!);
    truthOf.set(e.message, s);
  });
  let falseNew = 0;
  let failedByFalseNew = false;
  const examples: string[] = [];
  for (const c of r.clusters) {
    if (c.class !== 'unknown') continue;
    const seen = c.samples.some((m) => [...truthOf.get(m)!].some((t) => inBaseline.has(t)));
    if (!seen) continue;
    falseNew++;
    examples.push(`${c.template}  <-  ${c.samples[0]}`);
    if (r.outcome === 'fail' && c.riskLevel === 'high') failedByFalseNew = true;
  }
  return {
    unknown: r.counts.unknown,
    unknownWarn: r.clusters.filter((c) => c.class === 'unknown' && c.risk >= WARN_RISK).length,
    falseNew,
    falseFrequency: r.counts['unexpected-frequency'],
    failed: r.outcome === 'fail',
    failedByFalseNew,
    examples,
  };
}
