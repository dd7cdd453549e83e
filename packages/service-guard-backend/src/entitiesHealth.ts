/**
 * `GET /entities`: the catalog-wide view. The opted-in entities are read from the catalog with the
 * caller's credentials, so the catalog's `catalog.entity.read` policy decides what is listed (an entity the
 * caller may not read appears nowhere, counts and owners included); their latest health comes from the
 * store. Sorted worst first, so the entities that need a look lead the page.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { type Entity, parseEntityRef, RELATION_OWNED_BY, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SERVICE_GUARD,
  type EntitiesHealthResponse,
  type EntityHealthState,
  type EntityHealthSummary,
} from '@vigil/backstage-plugin-service-guard-common';
import { z } from 'zod';
import type { ServiceGuardStore } from './store.ts';

/** Refs per `entityRef` filter: what one page of the catalog table asks for, with room to spare. */
export const MAX_REFS = 100;

const STATES = ['unhealthy', 'degraded', 'no-data', 'not-analysed', 'healthy'] as const;

/** Worst first. */
const RANK: Record<EntityHealthState, number> = Object.fromEntries(STATES.map((s, i) => [s, i])) as Record<
  EntityHealthState,
  number
>;

const many = <T extends z.ZodType>(item: T, max: number) =>
  z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(max));

const refString = z
  .string()
  .max(512)
  .regex(
    /^[A-Za-z0-9._~-]+:([A-Za-z0-9._~-]+\/)?[A-Za-z0-9._~-]+$/,
    'must be an entity ref kind:namespace/name',
  );

/** An owner: `group:default/team-a`, or `team-a` (a group in the default namespace, as `spec.owner` says it). */
const ownerString = z
  .string()
  .max(512)
  .regex(
    /^([A-Za-z0-9._~-]+:)?([A-Za-z0-9._~-]+\/)?[A-Za-z0-9._~-]+$/,
    'must be an entity ref such as group:default/team-a',
  );

export const listQuery = z.object({
  owner: many(ownerString, 50),
  entityRef: many(refString, MAX_REFS),
  state: many(z.enum(STATES), STATES.length),
  /** `signals`: each item's latest signals too (the page phrases its reasons from them; the column does not). */
  include: many(z.enum(['signals']), 1),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'relations',
];

const norm = (ref: string, defaultKind?: string) =>
  stringifyEntityRef(parseEntityRef(ref, defaultKind ? { defaultKind } : {})).toLocaleLowerCase('en-US');

export async function listEntitiesHealth(o: {
  catalog: CatalogService;
  store: ServiceGuardStore;
  credentials: BackstageCredentials;
  query: z.infer<typeof listQuery>;
}): Promise<EntitiesHealthResponse> {
  const { query } = o;
  const optIn = { [`metadata.annotations.${ANNOTATION_SERVICE_GUARD}`]: CATALOG_FILTER_EXISTS };
  // One filter per asked ref (the catalog ORs them); without refs, every opted-in entity.
  const filter =
    query.entityRef.length > 0
      ? query.entityRef.map((r) => {
          const p = parseEntityRef(r);
          return { kind: p.kind, 'metadata.namespace': p.namespace, 'metadata.name': p.name, ...optIn };
        })
      : optIn;
  const { items } = await o.catalog.getEntities({ filter, fields: FIELDS }, { credentials: o.credentials });
  const entities = items.filter((e) => (e.metadata.annotations?.[ANNOTATION_SERVICE_GUARD] ?? '').trim());

  const ownersOf = (e: Entity) =>
    (e.relations ?? [])
      .filter((r) => r.type === RELATION_OWNED_BY)
      .map((r) => r.targetRef.toLocaleLowerCase('en-US'));
  const owners = [...new Set(entities.flatMap(ownersOf))].sort();
  // An owner given as `team-a` means the group, as in the catalog's own owner picker.
  const wantedOwners = new Set(query.owner.map((ref) => norm(ref, 'group')));
  const owned =
    wantedOwners.size === 0 ? entities : entities.filter((e) => ownersOf(e).some((x) => wantedOwners.has(x)));

  const refs = owned.map((e) => stringifyEntityRef(e).toLocaleLowerCase('en-US'));
  const latest = await o.store.latest(refs);
  const summaries: EntityHealthSummary[] = owned.map((e, i) => {
    const ref = refs[i]!;
    const h = latest.get(ref);
    const title = e.metadata.title;
    return {
      entityRef: ref,
      ...(title ? { title } : {}),
      owners: ownersOf(e),
      state: h ? h.state : 'not-analysed',
      score: h ? h.score : null,
      ...(h
        ? {
            periodStart: h.periodStart,
            periodEnd: h.periodEnd,
            analysedAt: h.analysedAt,
            ...(h.reasons[0] ? { reason: h.reasons[0] } : {}),
          }
        : {}),
    };
  });
  const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<EntityHealthState, number>;
  for (const s of summaries) counts[s.state]++;
  const wantedStates = new Set(query.state);
  const listed = summaries
    .filter((s) => wantedStates.size === 0 || wantedStates.has(s.state))
    .sort(
      (a, b) =>
        RANK[a.state] - RANK[b.state] ||
        (a.score ?? -1) - (b.score ?? -1) ||
        a.entityRef.localeCompare(b.entityRef, 'en'),
    );
  const page = listed.slice(query.offset, query.offset + query.limit);
  if (query.include.includes('signals')) {
    // The signals behind each reason, read for this page only (not for every entity that was sorted).
    const ids = page.flatMap((s) => {
      const id = latest.get(s.entityRef)?.snapshotId;
      return id === undefined ? [] : [id];
    });
    const signals = await o.store.signals(ids);
    for (const s of page) {
      const found = signals.get(latest.get(s.entityRef)?.snapshotId ?? -1);
      if (found) s.signals = found;
    }
  }
  const next = query.offset + page.length;
  return {
    items: page,
    total: listed.length,
    counts,
    owners,
    ...(next < listed.length ? { nextOffset: next } : {}),
  };
}
