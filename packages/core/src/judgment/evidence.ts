/**
 * Alerts the monitoring raised during the window (Dynatrace problems, Datadog monitors in alert) as evidence
 * beside the statistics. `policy.evidence` decides what they do: `fail` fails the verification, `warn` (the
 * default) keeps the verdict and says so in the reason, `ignore` does not read them. A provider that could
 * not be read is never taken for "no alerts": under `fail`, where the evidence decides, a verdict that would
 * pass goes to `policy.noData` instead.
 */
import type { EvidenceItem, EvidenceJudgment, EvidencePolicy } from '../model/evidence.ts';
import type { Judgment, NoDataPolicy } from '../model/verdict.ts';

/** What the engine read, for the judgment. */
export interface EvidenceInput {
  policy: EvidencePolicy;
  items: EvidenceItem[];
  /** Providers that were asked (those with an alerting API). */
  providers: string[];
  errors: { provider: string; message: string }[];
}

/** The values of `policy.evidence` (and of a Service Guard profile's `evidence`), declared once. */
export const EVIDENCE_POLICIES = ['fail', 'warn', 'ignore'] as const satisfies readonly EvidencePolicy[];

const KIND: Record<EvidenceItem['kind'], string> = { problem: 'problem', monitor: 'monitor' };

/** One alert in a sentence: `problem P-12 "Failure rate increase" (dt, open)`. */
export function describeEvidenceItem(i: EvidenceItem): string {
  const severity = i.severity ? `, ${i.severity.toLowerCase()}` : '';
  return `${KIND[i.kind]} ${i.displayId ?? i.id} "${i.title}" (${i.provider}, ${i.status}${severity})`;
}

/** The evidence's outcome and explanation under its policy. */
export function judgeEvidence(input: EvidenceInput): EvidenceJudgment {
  const { policy, items, providers, errors } = input;
  const unread = errors.length
    ? `evidence could not be read from ${errors.map((e) => `${e.provider} (${e.message})`).join(', ')}`
    : '';
  let outcome: EvidenceJudgment['outcome'];
  let explanation: string;
  if (items.length > 0) {
    outcome = policy === 'fail' ? 'fail' : policy === 'warn' ? 'warn' : 'pass';
    const shown = items.slice(0, 3).map(describeEvidenceItem).join(', ');
    explanation =
      `${items.length} alert${items.length > 1 ? 's' : ''} raised during the window: ${shown}` +
      `${items.length > 3 ? `, and ${items.length - 3} more` : ''} (evidence policy ${policy})` +
      (unread ? `; ${unread}` : '');
  } else if (errors.length > 0) {
    outcome = 'no-data';
    explanation = unread;
  } else {
    outcome = 'pass';
    explanation = `no alerts raised during the window (read from ${providers.join(', ') || 'no provider'})`;
  }
  return { policy, outcome, items, providers, errors, explanation };
}

/** The judgment with the evidence applied to its verdict and reason (see the module comment). */
export function applyEvidence(judgment: Judgment, input: EvidenceInput, noData: NoDataPolicy): Judgment {
  const evidence = judgeEvidence(input);
  let { verdict, reason } = judgment;
  if (evidence.outcome === 'fail' && verdict !== 'fail') {
    verdict = 'fail';
    reason = `Fail: ${evidence.explanation}. ${reason}`;
  } else if (
    evidence.outcome === 'no-data' &&
    evidence.policy === 'fail' &&
    verdict === 'pass' &&
    noData !== 'pass'
  ) {
    verdict = noData === 'fail' ? 'fail' : 'inconclusive';
    reason = `${noData === 'fail' ? 'Fail' : 'Inconclusive'}: ${evidence.explanation}, and the evidence policy is fail (no-data policy ${noData}). ${reason}`;
  } else if (evidence.outcome !== 'pass' || evidence.items.length > 0) {
    reason = `${reason} Also: ${evidence.explanation}.`;
  }
  return { ...judgment, verdict, reason, evidence };
}
