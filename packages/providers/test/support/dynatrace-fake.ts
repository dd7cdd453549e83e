/**
 * A Dynatrace Environment API v2 fake with real selector semantics for the subset Vigil sends
 * (`<metric key>:filter(eq("dim","value")):splitBy("dim"):avg`), sliced log search, paged problems,
 * event ingest and token lookup. Requests and responses are validated against
 * ../shared/specs/dynatrace/env-v2.json.
 */
import { type FakeReply, type FakeRequest, type FakeServer, startFake } from './fake-server.ts';
import { loadOpenApi, type OpenApiValidator } from './openapi.ts';

export interface DynatraceSeriesData {
  metric: string;
  dims: Record<string, string>;
  points: [number, number][];
}

export interface DynatraceLogData {
  t: number;
  content: string;
  status: 'ERROR' | 'WARN' | 'INFO' | 'NONE';
  columns: Record<string, string>;
}

export interface DynatraceProblemData {
  problemId: string;
  displayId: string;
  title: string;
  status: 'OPEN' | 'CLOSED';
  startTime: number;
  endTime: number;
  entity: string;
}

export interface DynatraceFakeOptions {
  token: string;
  scopes?: string[];
  series: DynatraceSeriesData[];
  logs?: DynatraceLogData[];
  problems?: DynatraceProblemData[];
  /** Metric descriptors' units (`GET /api/v2/metrics/{metricKey}`) by metric key; others answer 404. */
  units?: Record<string, string>;
  /** Log records per slice (default 100). */
  sliceSize?: number;
  validate?: boolean;
}

export interface DynatraceFake extends FakeServer {
  events: unknown[];
}

let validator: OpenApiValidator | undefined;

const str = '"((?:~.|[^"~])*)"';
const unescapeTilde = (s: string) => s.replace(/~(.)/g, '$1');

interface Selector {
  metric: string;
  filters: [string, string][];
  splitBy: string[];
  agg: string;
}

export function parseSelector(sel: string, keys: string[]): Selector | undefined {
  const metric = keys
    .filter((k) => sel === k || sel.startsWith(`${k}:`))
    .sort((a, b) => b.length - a.length)[0];
  if (!metric) return undefined;
  let rest = sel.slice(metric.length);
  const out: Selector = { metric, filters: [], splitBy: [], agg: 'avg' };
  const filter = new RegExp(`^:filter\\(eq\\(${str},${str}\\)\\)`);
  const split = new RegExp(`^:splitBy\\(((?:${str},?)*)\\)`);
  while (rest.length) {
    const f = filter.exec(rest);
    const sb = f ? null : split.exec(rest);
    const a = f || sb ? null : /^:(avg|sum|min|max|count)/.exec(rest);
    if (f) out.filters.push([unescapeTilde(f[1]!), unescapeTilde(f[2]!)]);
    else if (sb) out.splitBy = [...sb[1]!.matchAll(new RegExp(str, 'g'))].map((x) => unescapeTilde(x[1]!));
    else if (a) out.agg = a[1]!;
    else return undefined;
    rest = rest.slice((f ?? sb ?? a)![0].length);
  }
  return out;
}

const agg = (fn: string, xs: number[]) =>
  fn === 'sum'
    ? xs.reduce((a, b) => a + b, 0)
    : fn === 'min'
      ? Math.min(...xs)
      : fn === 'max'
        ? Math.max(...xs)
        : fn === 'count'
          ? xs.length
          : xs.reduce((a, b) => a + b, 0) / xs.length;

const resolutionMs = (r: string | null) => {
  const m = /^(\d+)([mh])$/.exec(r ?? '1m');
  return m ? Number(m[1]) * (m[2] === 'h' ? 3_600_000 : 60_000) : 60_000;
};

const encodeKey = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const decodeKey = <T>(k: string): T => JSON.parse(Buffer.from(k, 'base64url').toString()) as T;

export async function startDynatraceFake(o: DynatraceFakeOptions): Promise<DynatraceFake> {
  const events: unknown[] = [];
  const scopes = o.scopes ?? [
    'metrics.read',
    'logs.read',
    'problems.read',
    'events.ingest',
    'apiTokens.read',
  ];
  const err = (status: number, message: string): FakeReply => ({
    status,
    body: { error: { code: status, message } },
  });
  const needs = (scope: string) =>
    scopes.includes(scope) ? undefined : err(403, `Token is missing required scope: ${scope}`);

  const handler = (req: FakeRequest): FakeReply => {
    if (req.headers.authorization !== `Api-Token ${o.token}`) return err(401, 'Token Authentication failed');
    const path = req.path.replace(/^\/api\/v2/, '');
    if (path === '/metrics/query') {
      const denied = needs('metrics.read');
      if (denied) return denied;
      const sel = parseSelector(req.query.get('metricSelector') ?? '', [
        ...new Set(o.series.map((s) => s.metric)),
      ]);
      if (!sel) return err(400, `The metric selector is invalid: ${req.query.get('metricSelector')}`);
      const res = resolutionMs(req.query.get('resolution'));
      const from = Number(req.query.get('from'));
      const to = Number(req.query.get('to'));
      const groups = new Map<string, { dims: Record<string, string>; buckets: Map<number, number[]> }>();
      for (const s of o.series) {
        if (s.metric !== sel.metric || !sel.filters.every(([k, v]) => s.dims[k] === v)) continue;
        if (!sel.splitBy.every((d) => s.dims[d] !== undefined)) continue;
        const dims = Object.fromEntries(sel.splitBy.map((d) => [d, s.dims[d]!]));
        const key = JSON.stringify(dims);
        const g = groups.get(key) ?? { dims, buckets: new Map() };
        for (const [t, v] of s.points) {
          if (t < from || t >= to) continue;
          const b = Math.floor(t / res) * res;
          g.buckets.set(b, [...(g.buckets.get(b) ?? []), v]);
        }
        groups.set(key, g);
      }
      const data = [...groups.values()]
        .filter((g) => g.buckets.size > 0)
        .map((g) => {
          const ts = [...g.buckets.keys()].sort((a, b) => a - b);
          return {
            dimensionMap: g.dims,
            dimensions: Object.values(g.dims),
            timestamps: ts,
            values: ts.map((t) => agg(sel.agg, g.buckets.get(t)!)),
          };
        });
      return {
        status: 200,
        body: {
          totalCount: 1,
          warnings: [],
          resolution: req.query.get('resolution') ?? '1m',
          result: [
            {
              metricId: req.query.get('metricSelector'),
              dataPointCountRatio: 0.001,
              dimensionCountRatio: 0.001,
              data,
            },
          ],
        },
      };
    }
    if (path === '/logs/search') {
      const denied = needs('logs.read');
      if (denied) return denied;
      const key = req.query.get('nextSliceKey');
      const state = key
        ? decodeKey<{ from: number; to: number; query: string; limit: number; offset: number }>(key)
        : {
            from: Number(req.query.get('from')),
            to: Number(req.query.get('to')),
            query: req.query.get('query') ?? '',
            limit: Number(req.query.get('limit') ?? 1000),
            offset: 0,
          };
      const terms = [...state.query.matchAll(/([\w.]+)="((?:~.|[^"~])*)"/g)].map((m) => [
        m[1]!,
        unescapeTilde(m[2]!),
      ]);
      const matching = (o.logs ?? [])
        .filter((l) => l.t >= state.from && l.t < state.to)
        .filter((l) => terms.every(([k, v]) => l.columns[k!] === v))
        .sort((a, b) => a.t - b.t)
        .slice(0, state.limit);
      const size = o.sliceSize ?? 100;
      const slice = matching.slice(state.offset, state.offset + size);
      const more = state.offset + size < matching.length;
      return {
        status: 200,
        body: {
          sliceSize: slice.length,
          results: slice.map((l) => ({
            timestamp: l.t,
            content: l.content,
            status: l.status,
            eventType: 'LOG',
            additionalColumns: Object.fromEntries(Object.entries(l.columns).map(([k, v]) => [k, [v]])),
          })),
          ...(more ? { nextSliceKey: encodeKey({ ...state, offset: state.offset + size }) } : {}),
        },
      };
    }
    if (path === '/problems') {
      const denied = needs('problems.read');
      if (denied) return denied;
      const key = req.query.get('nextPageKey');
      const state = key
        ? decodeKey<{ from: number; to: number; pageSize: number; offset: number }>(key)
        : {
            from: Number(req.query.get('from')),
            to: Number(req.query.get('to')),
            pageSize: Number(req.query.get('pageSize') ?? 50),
            offset: 0,
          };
      const matching = (o.problems ?? []).filter(
        (p) => p.startTime < state.to && (p.endTime === -1 || p.endTime > state.from),
      );
      const page = matching.slice(state.offset, state.offset + state.pageSize);
      const more = state.offset + state.pageSize < matching.length;
      return {
        status: 200,
        body: {
          totalCount: matching.length,
          pageSize: state.pageSize,
          problems: page.map((p) => ({
            problemId: p.problemId,
            displayId: p.displayId,
            title: p.title,
            status: p.status,
            severityLevel: 'PERFORMANCE',
            impactLevel: 'SERVICES',
            startTime: p.startTime,
            endTime: p.endTime,
            affectedEntities: [{ entityId: { id: p.entity, type: 'SERVICE' }, name: p.entity }],
            impactedEntities: [{ entityId: { id: p.entity, type: 'SERVICE' }, name: p.entity }],
            managementZones: [],
            problemFilters: [],
          })),
          ...(more ? { nextPageKey: encodeKey({ ...state, offset: state.offset + state.pageSize }) } : {}),
        },
      };
    }
    if (req.method === 'GET' && path.startsWith('/metrics/') && path !== '/metrics/query') {
      const denied = needs('metrics.read');
      if (denied) return denied;
      const selector = decodeURIComponent(path.slice('/metrics/'.length));
      const key = Object.keys(o.units ?? {}).find((k) => selector === k || selector.startsWith(`${k}:`));
      if (!key) return err(404, `Metric key ${selector} not found`);
      // Like Dynatrace, the unit is that of the values after the selector's transformations.
      const to = selector.match(/:toUnit\([^,]+,\s*([^)]+)\)/)?.[1];
      return {
        status: 200,
        body: { metricId: selector, displayName: key, unit: to ?? o.units![key]!, aggregationTypes: ['avg'] },
      };
    }
    if (path === '/events/ingest') {
      const denied = needs('events.ingest');
      if (denied) return denied;
      events.push(req.body);
      return {
        status: 201,
        body: { reportCount: 1, eventIngestResults: [{ correlationId: `c${events.length}`, status: 'OK' }] },
      };
    }
    if (path === '/apiTokens/lookup') {
      if ((req.body as { token?: string } | undefined)?.token !== o.token) return { status: 404 };
      return {
        status: 200,
        body: {
          id: 'dt0c01.FAKE',
          name: 'vigil',
          enabled: true,
          owner: 'vigil@example.com',
          personalAccessToken: false,
          creationDate: '2026-11-01T00:00:00.000Z',
          scopes,
        },
      };
    }
    return err(404, 'not found');
  };
  validator ??=
    o.validate === false ? undefined : loadOpenApi('dynatrace/env-v2.json', { basePath: '/api/v2' });
  const fake = await startFake(handler, o.validate === false ? undefined : validator);
  return Object.assign(fake, { events });
}
