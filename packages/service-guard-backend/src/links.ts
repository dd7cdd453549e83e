/**
 * Adds to a snapshot the links to the providers' own views, when the health is read (so a changed `uiUrl`
 * applies at once and nothing is stored): from each metric to its query over the period (the profile's
 * template rendered with the entity's variables, as the analysis renders it), and from each alert to the
 * provider's page of it (a Dynatrace problem, a Datadog monitor).
 */
import type { Entity } from '@backstage/catalog-model';
import type { HealthSnapshot, ProviderLink } from '@vigil/backstage-plugin-service-guard-common';
import { Secrets, secretsOfProvider } from '@vigil/core';
import { metricLink, problemLink } from '@vigil/providers';
import type { ServiceGuardSettings } from './config.ts';
import { entityTarget } from './entityTargets.ts';

const LINKED = new Set<string>(['prometheus', 'datadog', 'dynatrace']);

export function withProviderLinks(
  snapshot: HealthSnapshot,
  entity: Entity,
  settings: ServiceGuardSettings,
): HealthSnapshot {
  // Every secret the backend knows, not only this provider's: a variable may bring in any of them.
  const secrets = new Secrets();
  for (const p of settings.providers.values()) secrets.addAll(secretsOfProvider(p));
  let out = snapshot;
  if (snapshot.problems && snapshot.problems.items.length > 0) {
    out = {
      ...out,
      problems: {
        ...snapshot.problems,
        items: snapshot.problems.items.map((p) => {
          const config = settings.providers.get(p.provider);
          const url = config && LINKED.has(config.type) ? problemLink(config, p, secrets) : undefined;
          return url ? { ...p, link: { provider: config!.type as ProviderLink['provider'], url } } : p;
        }),
      },
    };
  }
  const target = entityTarget(entity, settings.profiles, (n) => settings.providers.get(n)?.type);
  if (!target.ok) return out;
  const provider = settings.providers.get(target.profile.provider);
  if (!provider || !LINKED.has(provider.type)) return out;
  const window = { start: Date.parse(snapshot.periodStart), end: Date.parse(snapshot.periodEnd) };
  const queries = new Map(target.profile.metrics.map((m) => [m.name, m.query]));
  return {
    ...out,
    metrics: snapshot.metrics.map((m) => {
      const query = queries.get(m.metric);
      const url = query ? metricLink(provider, query, target.vars, window, secrets) : undefined;
      return url ? { ...m, link: { provider: provider.type as ProviderLink['provider'], url } } : m;
    }),
  };
}
