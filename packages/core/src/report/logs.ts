import type { LogComparison } from '../logs/index.ts';
import type { Report } from './schema.ts';

/** The log comparison as the report carries it: counts, classes, samples and the feedback applied. */
export function logsForReport(c: LogComparison): NonNullable<Report['logs']> {
  return {
    outcome: c.outcome,
    risk: c.risk,
    explanation: c.explanation,
    baselineEvents: c.totals.baseline,
    canaryEvents: c.totals.canary,
    clusters: c.clusters.map((k) => ({
      id: k.clusterId,
      template: k.template,
      classification: k.class,
      level: k.level,
      baselineCount: k.baseline,
      canaryCount: k.canary,
      risk: k.risk,
      samples: k.samples,
      ...(k.feedback ? { feedback: `${k.feedback.action}: ${k.feedback.reason}` } : {}),
    })),
    ...(c.unattributed ? { unattributed: c.unattributed } : {}),
  };
}
