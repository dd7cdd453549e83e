/**
 * Sends a finished verification's notifications (spec `notify`): the core plans them (which targets, which
 * body), the providers' HTTP client delivers them. Never throws and never changes anything about the run: a
 * target that cannot be reached is a warning, redacted of every secret.
 */
import { type Outcome, planNotifications, type Report, Secrets, type Spec, secretsOfSpec } from '@vigil/core';
import { deliverWebhook, type HttpOptions, type ProviderDeps } from '@vigil/providers';

export interface NotifyOptions {
  /**
   * The outcome of the previous verification of the same service and environment, when the caller knows it
   * (`--previous-outcome`, the Action's `previous-outcome` input). A pass after failed, inconclusive or
   * could-not-verify is then a recovery; without it a pass is never called one.
   */
  previousOutcome?: Outcome;
  /** Where the run is (workflow run URL) and the report (URL or path); the report's own run link is the default. */
  links?: { run?: string; report?: string };
  /** Overrides of the delivery's timeouts and retries (tests shorten them). */
  http?: HttpOptions;
  deps?: ProviderDeps;
  /** Every secret of the run; the spec's (its notify URLs included) are always added. */
  secrets?: Secrets;
}

/** What was sent: the names of the targets reached, and one warning per target that was not. */
export interface NotifyResult {
  sent: string[];
  warnings: string[];
}

/** Delivers every notification the report calls for, side by side; resolves when each has succeeded or given up. */
export async function sendNotifications(
  spec: Spec,
  report: Report,
  options: NotifyOptions = {},
): Promise<NotifyResult> {
  const secrets = new Secrets().addAll(secretsOfSpec(spec));
  if (options.secrets) secrets.addAll(options.secrets);
  const result: NotifyResult = { sent: [], warnings: [] };
  let planned: ReturnType<typeof planNotifications>;
  try {
    planned = planNotifications(spec.notify, report, {
      ...(options.previousOutcome ? { previousOutcome: options.previousOutcome } : {}),
      ...(options.links ? { links: options.links } : {}),
    });
  } catch (e) {
    result.warnings.push(secrets.scrub(`notifications: not sent: ${(e as Error).message}`));
    return result;
  }
  await Promise.all(
    planned.map(async (n) => {
      try {
        await deliverWebhook(n, {
          secrets,
          ...(options.http ? { http: options.http } : {}),
          ...(options.deps ? { deps: options.deps } : {}),
        });
        result.sent.push(n.name);
      } catch (e) {
        result.warnings.push(
          secrets.scrub(
            `notification to ${n.name} not delivered (the verdict stands): ${(e as Error).message ?? String(e)}`,
          ),
        );
      }
    }),
  );
  return result;
}
