/**
 * Tells an entity's owners, through Backstage's notifications service, when its health turns unhealthy
 * and when it recovers: once per transition, whichever replica analysed the period (the transition is
 * claimed by one conditional write in the plugin's database, see ServiceGuardStore.claimHealthTransition).
 * Degraded and no-data periods are not transitions: they neither alarm nor recover. A notification that
 * cannot be sent is logged and its transition undone, so the next period tries again; it never fails a run.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationSendOptions, NotificationService } from '@backstage/plugin-notifications-node';
import type { HealthSnapshot } from '@vigil/backstage-plugin-service-guard-common';
import { Secrets } from '@vigil/core';
import type { NotifiedHealth, ServiceGuardStore } from './store.ts';

/** What a snapshot did to the owners' notifications. */
export type HealthNotice = 'unhealthy' | 'recovered' | 'none' | 'failed';

export interface HealthNotifierOptions {
  store: ServiceGuardStore;
  notifications: Pick<NotificationService, 'send'>;
  logger: LoggerService;
  /** Scrubbed from every title and description (the providers' secrets). */
  secrets?: Secrets;
  /** Whether to send at all (`serviceGuard.notifications.enabled`, re-read per snapshot). */
  enabled?: () => boolean;
}

/** The notified state a snapshot's health stands for; null for degraded and no-data (no transition). */
function notifiedStateOf(state: HealthSnapshot['state']): NotifiedHealth | null {
  return state === 'unhealthy' ? 'unhealthy' : state === 'healthy' ? 'healthy' : null;
}

/** The entity's Service Guard tab, relative to the app (the notifications UI resolves it against app.baseUrl). */
export function serviceGuardLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(kind.toLocaleLowerCase('en-US'))}/${encodeURIComponent(name)}/service-guard`;
}

/** The notification of a transition: to the entity, which the notifications backend resolves to its owners. */
export function healthNotification(
  snapshot: HealthSnapshot,
  notice: 'unhealthy' | 'recovered',
): NotificationSendOptions {
  const score = snapshot.score === null ? '' : ` (score ${Math.round(snapshot.score)})`;
  const period = `${snapshot.periodStart} to ${snapshot.periodEnd}`;
  const description =
    notice === 'unhealthy'
      ? `${snapshot.reasons.slice(0, 3).join(' ') || 'Service Guard found it unhealthy.'} Period ${period}.`
      : `Service Guard found it healthy again${score}, period ${period}.`;
  return {
    recipients: { type: 'entity', entityRef: snapshot.entityRef },
    payload: {
      title:
        notice === 'unhealthy'
          ? `${snapshot.entityRef} is unhealthy${score}`
          : `${snapshot.entityRef} recovered`,
      description: description.slice(0, 1000),
      link: serviceGuardLink(snapshot.entityRef),
      severity: notice === 'unhealthy' ? 'high' : 'normal',
      topic: 'service-guard',
      // One notification per entity: a recovery updates the alarm instead of adding to it.
      scope: `service-guard:${snapshot.entityRef}`,
    },
  };
}

export class HealthNotifier {
  readonly #o: HealthNotifierOptions;

  constructor(options: HealthNotifierOptions) {
    this.#o = options;
  }

  /**
   * Called once per stored snapshot (by the replica that wrote it). Sends when the snapshot makes a
   * transition: unhealthy after healthy or nothing known, healthy after unhealthy. Never throws.
   */
  async onSnapshot(snapshot: HealthSnapshot, now: number): Promise<HealthNotice> {
    const to = notifiedStateOf(snapshot.state);
    if (to === null) return 'none';
    const secrets = this.#o.secrets ?? new Secrets();
    try {
      if (this.#o.enabled?.() === false) return 'none';
    } catch (e) {
      this.#o.logger.warn(`service-guard: notifications: ${(e as Error).message}`);
      return 'failed';
    }
    const periodStart = Date.parse(snapshot.periodStart);
    let transition: { from: NotifiedHealth | null } | null;
    try {
      transition = await this.#o.store.claimHealthTransition(snapshot.entityRef, to, periodStart, now);
    } catch (e) {
      this.#o.logger.warn(
        secrets.scrub(
          `service-guard: ${snapshot.entityRef}: recording its health transition failed: ${(e as Error).message}`,
        ),
      );
      return 'failed';
    }
    // Healthy with nothing known before is where an entity starts: no recovery is made up.
    if (transition === null || (to === 'healthy' && transition.from === null)) return 'none';
    const notice = to === 'unhealthy' ? 'unhealthy' : 'recovered';
    try {
      await this.#o.notifications.send(secrets.scrubDeep(healthNotification(snapshot, notice)));
      this.#o.logger.info(
        `service-guard: told the owners of ${snapshot.entityRef} that it ${notice === 'unhealthy' ? 'is unhealthy' : 'recovered'}`,
      );
      return notice;
    } catch (e) {
      this.#o.logger.warn(
        secrets.scrub(
          `service-guard: ${snapshot.entityRef}: the ${notice} notification was not sent (next period tries again): ${(e as Error).message}`,
        ),
      );
      await this.#o.store
        .undoHealthTransition(snapshot.entityRef, { ...transition, to, periodStart }, now)
        .catch(() => {});
      return 'failed';
    }
  }
}
