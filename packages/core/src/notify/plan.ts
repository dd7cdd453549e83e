import type { Outcome } from '../model/verdict.ts';
import type { Report } from '../report/schema.ts';
import type { NotifyTarget } from '../spec/schema.ts';
import { notificationContent, notifyEventOf, outcomeOfReport, wantsEvent } from './event.ts';
import { notificationPayload } from './payloads.ts';

/** One notification to deliver: where, and the body. */
export interface PlannedNotification {
  /** The target's name in warnings ("slack #1" unless named): never its URL. */
  name: string;
  type: NotifyTarget['type'];
  url: string;
  body: unknown;
}

export interface PlanNotificationsOptions {
  /** The previous outcome of the same service and environment, when known (makes a pass a recovery). */
  previousOutcome?: Outcome;
  /** Where the run is (workflow run URL, `--run-url`) and the report (URL or path). */
  links?: { run?: string; report?: string };
}

/** The name of the target at `index` in warnings. */
export function targetName(target: Pick<NotifyTarget, 'type' | 'name'>, index: number): string {
  return target.name ?? `${target.type} #${index + 1}`;
}

/** The notifications a finished verification sends: one per target that asked for its event. */
export function planNotifications(
  targets: readonly NotifyTarget[] | undefined,
  report: Report,
  options: PlanNotificationsOptions = {},
): PlannedNotification[] {
  if (!targets || targets.length === 0) return [];
  const event = notifyEventOf(outcomeOfReport(report), options.previousOutcome);
  const content = notificationContent(report, {
    event,
    ...(options.previousOutcome ? { previousOutcome: options.previousOutcome } : {}),
    ...(options.links ? { links: options.links } : {}),
  });
  return targets.flatMap((target, i) =>
    wantsEvent(target, event)
      ? [
          {
            name: targetName(target, i),
            type: target.type,
            url: target.url,
            body: notificationPayload(target.type, content),
          },
        ]
      : [],
  );
}
