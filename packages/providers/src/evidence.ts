/**
 * A provider's alerts as the core's evidence items: the one adapter from `Provider.problems` to
 * `EvidenceItem`, used by verifications (the runtime's VerificationSource) and by Service Guard alike.
 */
import type { EvidenceItem } from '@vigil/core';
import type { ProblemOptions, Provider, TimeRange } from './provider.ts';

/**
 * The alerts `provider` (named `name` under `providers`) raised on the service at any time in the range;
 * undefined when it has no alerting API (Prometheus, HTTP). Throws when it has one and it cannot be read:
 * an unread provider is never "no alerts".
 */
export async function readEvidence(
  provider: Provider,
  name: string,
  range: TimeRange,
  options: ProblemOptions = {},
): Promise<EvidenceItem[] | undefined> {
  if (!provider.problems) return undefined;
  const found = await provider.problems(range, options);
  return found.map(({ kind, ...rest }) => ({ provider: name, kind: kind ?? 'problem', ...rest }));
}
