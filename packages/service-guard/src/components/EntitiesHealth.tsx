import { Card, CardBody, Flex, Link, Text } from '@backstage/ui';
import type { Entity } from '@backstage/catalog-model';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { entityRouteParams, entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_SERVICE_GUARD,
  type EntityHealthState,
  type EntityHealthSummary,
  type ServiceGuardApi,
} from '@vigil/backstage-plugin-service-guard-common';
import { type ReactNode, useEffect, useId, useState } from 'react';
import { serviceGuardApiRef } from '../api.ts';
import { formatAgo, stateLabel, stateTone, type Tone, secondaryStyle } from '../format.ts';
import { useAsyncValue } from '../useAsyncValue.ts';
import { ALL_USUAL, reasonsOf } from './HealthSummary.tsx';
import { LoadError, Loading } from './States.tsx';
import { StatusLabel } from './StatusLabel.tsx';

/** The tab's default path, where the page and the column link to. */
const TAB_PATH = 'service-guard';

/** Words and colour of a catalog-wide state (a health state, or not analysed yet). */
export const entityStateLabel: Record<EntityHealthState, string> = {
  ...stateLabel,
  'not-analysed': 'Not analysed yet',
};
export const entityStateTone: Record<EntityHealthState, Tone> = { ...stateTone, 'not-analysed': 'info' };

const ORDER: EntityHealthState[] = ['unhealthy', 'degraded', 'no-data', 'not-analysed', 'healthy'];

/** `/catalog/default/component/checkout/service-guard`, or undefined where the app mounts no entity page. */
function useTabHref(): ((entityRef: string) => string) | undefined {
  const entityRoute = useRouteRef(entityRouteRef);
  return entityRoute ? (ref) => `${entityRoute(entityRouteParams(ref))}/${TAB_PATH}` : undefined;
}

/**
 * A row's "why": the first of the reasons the entity's tab gives, in the same plain words, phrased from the
 * latest analysis's signals. A summary without signals (from a backend older than them) keeps its stored line.
 */
export function entityReason(r: EntityHealthSummary): string {
  if (!r.signals) return r.reason ?? '';
  const first = reasonsOf({ ...r.signals, reasons: r.reason ? [r.reason] : [] })[0];
  if (first) return first.sentence;
  return r.state === 'healthy' ? ALL_USUAL : (r.reason ?? '');
}

/** The page's rows: 100 at a time, more on request. */
const PAGE = 100;

/**
 * The catalog-wide view: every opted-in entity the user may read (the backend asks the catalog with their
 * credentials), worst health first, filterable by owner, each linking to its Service Guard tab.
 */
export function EntitiesHealthPage(props: { now?: () => number }) {
  const api = useApi(serviceGuardApiRef);
  const now = (props.now ?? Date.now)();
  const [owner, setOwner] = useState('');
  const [more, setMore] = useState<EntityHealthSummary[]>([]);
  const [nextOffset, setNextOffset] = useState<number | undefined>(undefined);
  const ownerId = useId();
  const tabHref = useTabHref();
  const [state, reload] = useAsyncValue(
    () => api.listEntities({ ...(owner ? { owner: [owner] } : {}), include: ['signals'], limit: PAGE }),
    owner,
  );
  useEffect(() => {
    setMore([]);
    setNextOffset(state.status === 'ready' ? state.value.nextOffset : undefined);
  }, [state]);
  if (state.status === 'loading') return <Loading label="Loading the entities' health" />;
  if (state.status === 'error') return <LoadError error={state.error} onRetry={reload} />;
  const list = state.value;
  const rows = [...list.items, ...more];
  const loadMore = (offset: number) =>
    api
      .listEntities({ ...(owner ? { owner: [owner] } : {}), include: ['signals'], limit: PAGE, offset })
      .then((r) => {
        setMore((m) => [...m, ...r.items]);
        setNextOffset(r.nextOffset);
      });
  const summary = ORDER.filter((s) => list.counts[s] > 0)
    .map((s) => `${list.counts[s]} ${entityStateLabel[s].toLowerCase()}`)
    .join(', ');
  return (
    <Flex
      direction="column"
      gap="4"
      data-testid="service-guard-entities"
      style={{ padding: 'var(--bui-space-6, 24px)' }}
    >
      <Flex align="center" gap="3" style={{ flexWrap: 'wrap' }}>
        <label htmlFor={ownerId}>
          <Text as="span" variant="body-medium">
            Owner
          </Text>
        </label>
        <select id={ownerId} value={owner} onChange={(e) => setOwner(e.target.value)}>
          <option value="">All owners</option>
          {list.owners.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <Text as="p" variant="body-medium" aria-live="polite" data-testid="entities-summary">
          {list.total === 0
            ? 'No entity watched by Service Guard that you may see.'
            : `${list.total} ${list.total === 1 ? 'entity' : 'entities'}: ${summary}.`}
        </Text>
      </Flex>
      {rows.length > 0 ? (
        <Card>
          <CardBody>
            <table style={{ width: '100%', borderCollapse: 'collapse' }}>
              <caption style={{ textAlign: 'left', paddingBottom: 8 }}>
                <Text as="span" variant="body-small" style={secondaryStyle}>
                  Entities watched by Service Guard, worst health first
                </Text>
              </caption>
              <thead>
                <tr>
                  {['Entity', 'Health', 'Score', 'Owner', 'Analysed', 'Why'].map((h) => (
                    <th key={h} scope="col" style={cell}>
                      <Text as="span" variant="body-small" weight="bold">
                        {h}
                      </Text>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.entityRef} data-testid="entity-health-row" data-state={r.state}>
                    <td style={cell}>
                      {tabHref ? (
                        <Link href={tabHref(r.entityRef)}>{r.title ?? r.entityRef}</Link>
                      ) : (
                        <Text as="span">{r.title ?? r.entityRef}</Text>
                      )}
                    </td>
                    <td style={cell}>
                      <StatusLabel tone={entityStateTone[r.state]} label={entityStateLabel[r.state]} />
                    </td>
                    <td style={cell}>
                      <Text as="span" variant="body-small">
                        {r.score === null ? '–' : `${r.score} / 100`}
                      </Text>
                    </td>
                    <td style={cell}>
                      <Text as="span" variant="body-small">
                        {r.owners.join(', ') || '–'}
                      </Text>
                    </td>
                    <td style={cell}>
                      <Text as="span" variant="body-small">
                        {r.analysedAt ? formatAgo(r.analysedAt, now) : '–'}
                      </Text>
                    </td>
                    <td style={cell}>
                      <Text as="span" variant="body-small">
                        {entityReason(r)}
                      </Text>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </CardBody>
        </Card>
      ) : null}
      {nextOffset !== undefined ? (
        <button type="button" onClick={() => void loadMore(nextOffset)}>
          Show more
        </button>
      ) : null}
    </Flex>
  );
}

const cell = {
  textAlign: 'left',
  padding: '6px 8px',
  borderBottom: '1px solid var(--bui-border, #ddd)',
  verticalAlign: 'top',
} as const;

/**
 * One request for the health of every entity of a catalog page: cells ask for their entity, the refs asked
 * within one tick go out together (100 per request), and answers are kept 30 s per API instance. A cell
 * shows the state alone, so it asks for no signals (the backend then reads none).
 */
class HealthBatcher {
  readonly #api: ServiceGuardApi;
  #pending = new Map<string, ((s: EntityHealthSummary | null) => void)[]>();
  readonly #cache = new Map<string, { at: number; value: Promise<EntityHealthSummary | null> }>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(api: ServiceGuardApi) {
    this.#api = api;
  }

  get(ref: string): Promise<EntityHealthSummary | null> {
    const key = ref.toLocaleLowerCase('en-US');
    const hit = this.#cache.get(key);
    if (hit && Date.now() - hit.at < 30_000) return hit.value;
    const value = new Promise<EntityHealthSummary | null>((ok) => {
      this.#pending.set(key, [...(this.#pending.get(key) ?? []), ok]);
    });
    this.#cache.set(key, { at: Date.now(), value });
    this.#timer ??= setTimeout(() => this.#flush(), 0);
    return value;
  }

  #flush(): void {
    this.#timer = undefined;
    const pending = this.#pending;
    this.#pending = new Map();
    const refs = [...pending.keys()];
    for (let i = 0; i < refs.length; i += 100) {
      const chunk = refs.slice(i, i + 100);
      this.#api.listEntities({ entityRef: chunk, limit: 100 }).then(
        (r) => {
          const byRef = new Map(r.items.map((s) => [s.entityRef, s]));
          for (const ref of chunk) for (const ok of pending.get(ref)!) ok(byRef.get(ref) ?? null);
        },
        () => {
          // Shown as unknown; asked again after the cache time.
          for (const ref of chunk) {
            this.#cache.delete(ref);
            for (const ok of pending.get(ref)!) ok(null);
          }
        },
      );
    }
  }
}

const batchers = new WeakMap<ServiceGuardApi, HealthBatcher>();

function batcherOf(api: ServiceGuardApi): HealthBatcher {
  let b = batchers.get(api);
  if (!b) {
    b = new HealthBatcher(api);
    batchers.set(api, b);
  }
  return b;
}

/** The health cell of one catalog row. */
export function EntityHealthCell(props: { entity: Entity }) {
  const api = useApi(serviceGuardApiRef);
  const tabHref = useTabHref();
  const e = props.entity;
  const ref = `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`.toLocaleLowerCase('en-US');
  const watched = Boolean(e.metadata.annotations?.[ANNOTATION_SERVICE_GUARD]?.trim());
  const [summary, setSummary] = useState<EntityHealthSummary | null | undefined>(undefined);
  useEffect(() => {
    if (!watched) return;
    let live = true;
    batcherOf(api)
      .get(ref)
      .then((s) => live && setSummary(s));
    return () => {
      live = false;
    };
  }, [api, ref, watched]);
  let content: ReactNode;
  if (!watched) {
    content = (
      <Text as="span" variant="body-small" style={secondaryStyle}>
        Not watched
      </Text>
    );
  } else if (summary === undefined) {
    content = (
      <Text as="span" variant="body-small" style={secondaryStyle}>
        …
      </Text>
    );
  } else if (summary === null) {
    content = (
      <Text as="span" variant="body-small" style={secondaryStyle}>
        Unknown
      </Text>
    );
  } else {
    const label = (
      <StatusLabel tone={entityStateTone[summary.state]} label={entityStateLabel[summary.state]} />
    );
    content = tabHref ? (
      <Link href={tabHref(ref)} aria-label={`Service Guard: ${entityStateLabel[summary.state]}`}>
        {label}
      </Link>
    ) : (
      label
    );
  }
  return <span data-testid="service-guard-cell">{content}</span>;
}

/**
 * A "Service Guard" column for the catalog table: each row's health, linking to its tab; one request per
 * page of rows. For `CatalogIndexPage`'s `columns` (both frontend systems; see docs/backstage.md).
 */
export function createServiceGuardColumn(options: { title?: string } = {}) {
  return {
    title: options.title ?? 'Service Guard',
    field: 'entity.metadata.annotations',
    sorting: false,
    render: (row: { entity: Entity }) => <EntityHealthCell entity={row.entity} />,
  };
}
