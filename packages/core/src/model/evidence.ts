/**
 * Evidence the monitoring itself raised about the service during the verification window: Dynatrace problems
 * and Datadog monitors in alert. It is not judged statistically; `policy.evidence` says what it does to the
 * verdict (fail, warn, ignore).
 */

/** What `policy.evidence` makes of an alert raised during the window. */
export type EvidencePolicy = 'fail' | 'warn' | 'ignore';

/** One alert raised by a provider during the window. */
export interface EvidenceItem {
  /** Key of the provider under `providers` in the spec. */
  provider: string;
  /** `problem`: a Dynatrace problem; `monitor`: a Datadog monitor in alert. */
  kind: 'problem' | 'monitor';
  /** The vendor's id (a problem id, a monitor id). */
  id: string;
  /** The id people see in the vendor's UI (Dynatrace `P-12345`), when it differs. */
  displayId?: string;
  title: string;
  /** Still open (alerting) at the time it was read, or closed (resolved). */
  status: 'open' | 'closed';
  /** The vendor's severity (Dynatrace `PERFORMANCE`, `ERROR`, ...; Datadog monitor priority `P1`..`P5`). */
  severity?: string;
  /** What it affects, in the vendor's words (Dynatrace `SERVICES`, `APPLICATION`, ...). */
  impact?: string;
  /** Epoch ms it started (triggered). */
  start: number;
  /** Epoch ms it closed; absent while open. */
  end?: number;
  /** Affected entities or alerting monitor groups. */
  entities: string[];
}

/** What the evidence did to the verdict. */
export interface EvidenceJudgment {
  policy: EvidencePolicy;
  /**
   * `pass`: read, and nothing was raised; `warn`/`fail`: something was raised, and the policy says so;
   * `no-data`: a provider could not be read, so "nothing raised" is not known.
   */
  outcome: 'pass' | 'warn' | 'fail' | 'no-data';
  items: EvidenceItem[];
  /** Providers that were asked. */
  providers: string[];
  /** Providers whose evidence could not be read, with the error. Never silently "no problems". */
  errors: { provider: string; message: string }[];
  explanation: string;
}
