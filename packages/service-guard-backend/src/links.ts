/**
 * Adds to a snapshot's metrics the link to the provider's own view of each metric's query over the period,
 * when the health is read (so a changed `uiUrl` applies at once and nothing is stored). The query is the
 * profile's template rendered with the entity's variables, as the analysis renders it.
 */
import type { Entity } from '@backstage/catalog-model';
import type { HealthSnapshot, ProviderLink } from '@vigil/backstage-plugin-service-guard-common';
import { Secrets, secretsOfProvider } from '@vigil/core';
import { metricLink } from '@vigil/providers';
import type { ServiceGuardSettings } from './config.ts';
import { entityTarget } from './entityTargets.ts';

const LINKED = new Set<string>(['prometheus', 'datadog', 'dynatrace']);

export function withProviderLinks(
  snapshot: HealthSnapshot,
  entity: Entity,
  settings: ServiceGuardSettings,
): HealthSnapshot {
  const target = entityTarget(entity, settings.profiles, (n) => settings.providers.get(n)?.type);
  if (!target.ok) return snapshot;
  const provider = settings.providers.get(target.profile.provider);
  if (!provider || !LINKED.has(provider.type)) return snapshot;
  // Every secret the backend knows, not only this provider's: a variable may bring in any of them.
  const secrets = new Secrets();
  for (const p of settings.providers.values()) secrets.addAll(secretsOfProvider(p));
  const window = { start: Date.parse(snapshot.periodStart), end: Date.parse(snapshot.periodEnd) };
  const queries = new Map(target.profile.metrics.map((m) => [m.name, m.query]));
  return {
    ...snapshot,
    metrics: snapshot.metrics.map((m) => {
      const query = queries.get(m.metric);
      const url = query ? metricLink(provider, query, target.vars, window, secrets) : undefined;
      return url ? { ...m, link: { provider: provider.type as ProviderLink['provider'], url } } : m;
    }),
  };
}
