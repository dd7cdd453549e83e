/**
 * A Datadog API fake with real query semantics for the subset Vigil sends
 * (`<agg>:<metric>{<tag filters>} by {<tag>}.rollup(<agg>, <s>)`), logs search with cursors, monitors with
 * their group states, events and key validation. Requests and responses are validated against ../shared/specs/datadog.
 */
import { type FakeReply, type FakeRequest, type FakeServer, startFake } from './fake-server.ts';
import { loadOpenApi, type OpenApiValidator } from './openapi.ts';

export interface DatadogSeriesData {
  metric: string;
  tags: Record<string, string>;
  /** [epoch ms, value or null] */
  points: [number, number | null][];
}

export interface DatadogLogData {
  t: number;
  message: string;
  status: string;
  service: string;
  host: string;
  tags: string[];
}

export interface DatadogMonitorData {
  id: number;
  name: string;
  tags: string[];
  priority?: number;
  /** Per group: status and last trigger/resolution in epoch SECONDS, as Datadog keeps them. */
  groups: Record<
    string,
    { status: 'Alert' | 'Warn' | 'OK' | 'No Data'; triggered?: number; resolved?: number }
  >;
}

export interface DatadogFakeOptions {
  apiKey: string;
  appKey: string;
  series: DatadogSeriesData[];
  logs?: DatadogLogData[];
  /** Metric metadata (`GET /api/v1/metrics/{metric_name}`) by metric name; others answer 404. */
  metadata?: Record<string, { unit?: string; per_unit?: string; type?: string }>;
  monitors?: DatadogMonitorData[];
  /** Validate against the OpenAPI files (default true). */
  validate?: boolean;
}

export interface DatadogFake extends FakeServer {
  events: unknown[];
}

let v1: OpenApiValidator | undefined;
let v2: OpenApiValidator | undefined;

/** One validator for both API versions: picks by path prefix. */
function datadogValidator(): OpenApiValidator {
  v1 ??= loadOpenApi('datadog/v1/openapi.yaml');
  v2 ??= loadOpenApi('datadog/v2/openapi.yaml');
  const pick = (path: string) => (path.startsWith('/api/v2/') ? v2! : v1!);
  return {
    request: (m, p, q, b) => pick(p).request(m, p, q, b),
    response: (m, p, s, b) => pick(p).response(m, p, s, b),
  };
}

const aggregate = (fn: string, xs: number[]): number | null => {
  if (xs.length === 0) return null;
  switch (fn) {
    case 'sum':
      return xs.reduce((a, b) => a + b, 0);
    case 'min':
      return Math.min(...xs);
    case 'max':
      return Math.max(...xs);
    case 'count':
      return xs.length;
    default:
      return xs.reduce((a, b) => a + b, 0) / xs.length;
  }
};

interface ParsedQuery {
  space: string;
  metric: string;
  filters: [string, string][];
  by?: string;
  rollup: string;
  interval: number;
}

export function parseDatadogQuery(q: string): ParsedQuery | undefined {
  const m =
    /^(avg|sum|min|max):([\w.]+)\{([^}]*)\}(?:\s*by\s*\{([^}]*)\})?(?:\.rollup\((\w+),\s*(\d+)\))?$/.exec(
      q.trim(),
    );
  if (!m) return undefined;
  const filters = m[3]!
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f && f !== '*')
    .map((f) => {
      const i = f.indexOf(':');
      return [f.slice(0, i), f.slice(i + 1)] as [string, string];
    });
  return {
    space: m[1]!,
    metric: m[2]!,
    filters,
    ...(m[4] ? { by: m[4].trim() } : {}),
    rollup: m[5] ?? 'avg',
    interval: Number(m[6] ?? 60) * 1000,
  };
}

/** Evaluates a query: groups of [bucket ms, value|null] per group value. */
function evaluate(
  data: DatadogSeriesData[],
  p: ParsedQuery,
  from: number,
  to: number,
): Map<string, [number, number | null][]> {
  const groups = new Map<string, DatadogSeriesData[]>();
  for (const s of data) {
    if (s.metric !== p.metric) continue;
    if (!p.filters.every(([k, v]) => s.tags[k] === v)) continue;
    const g = p.by ? s.tags[p.by] : '*';
    if (g === undefined) continue;
    groups.set(g, [...(groups.get(g) ?? []), s]);
  }
  const out = new Map<string, [number, number | null][]>();
  for (const [g, members] of groups) {
    const perBucket = new Map<number, number[]>();
    const seen = new Set<number>();
    for (const s of members) {
      const buckets = new Map<number, number[]>();
      for (const [t, v] of s.points) {
        if (t < from || t >= to) continue;
        const b = Math.floor(t / p.interval) * p.interval;
        seen.add(b);
        if (v !== null) buckets.set(b, [...(buckets.get(b) ?? []), v]);
      }
      for (const [b, vs] of buckets) {
        const r = aggregate(p.rollup, vs);
        if (r !== null) perBucket.set(b, [...(perBucket.get(b) ?? []), r]);
      }
    }
    const points = [...seen]
      .sort((a, b) => a - b)
      .map((b): [number, number | null] => [b, aggregate(p.space, perBucket.get(b) ?? [])]);
    if (points.length) out.set(g, points);
  }
  return out;
}

export async function startDatadogFake(o: DatadogFakeOptions): Promise<DatadogFake> {
  const events: unknown[] = [];
  const forbidden: FakeReply = { status: 403, body: { errors: ['Forbidden'] } };
  const handler = (req: FakeRequest): FakeReply => {
    if (req.headers['dd-api-key'] !== o.apiKey) return forbidden;
    if (req.path === '/api/v1/validate') return { status: 200, body: { valid: true } };
    if (req.path === '/api/v1/events' && req.method === 'POST') {
      events.push(req.body);
      const b = req.body as {
        title: string;
        text: string;
        tags?: string[];
        date_happened?: number;
        alert_type?: string;
      };
      const id = 1000 + events.length;
      return {
        status: 202,
        body: {
          status: 'ok',
          event: {
            id,
            id_str: String(id),
            title: b.title,
            text: b.text,
            tags: b.tags ?? [],
            date_happened: b.date_happened ?? 0,
            ...(b.alert_type ? { alert_type: b.alert_type } : {}),
            url: `/event/event?id=${id}`,
          },
        },
      };
    }
    if (req.headers['dd-application-key'] !== o.appKey) return forbidden;
    if (req.method === 'GET' && req.path.startsWith('/api/v1/metrics/')) {
      const name = decodeURIComponent(req.path.slice('/api/v1/metrics/'.length));
      const meta = o.metadata?.[name];
      if (!meta) return { status: 404, body: { errors: ['Metric not found'] } };
      return { status: 200, body: { description: `fake metadata of ${name}`, ...meta } };
    }
    if (req.path === '/api/v1/query') {
      const query = req.query.get('query') ?? '';
      const parsed = parseDatadogQuery(query);
      if (!parsed) return { status: 400, body: { errors: [`Error parsing query: ${query}`] } };
      const from = Number(req.query.get('from')) * 1000;
      const to = Number(req.query.get('to')) * 1000;
      const groups = evaluate(o.series, parsed, from, to);
      return {
        status: 200,
        body: {
          status: 'ok',
          res_type: 'time_series',
          query,
          from_date: from,
          to_date: to,
          group_by: parsed.by ? [parsed.by] : [],
          message: '',
          series: [...groups].map(([g, pointlist]) => {
            const scope =
              [
                ...parsed.filters.map(([k, v]) => `${k}:${v}`),
                ...(parsed.by ? [`${parsed.by}:${g}`] : []),
              ].join(',') || '*';
            return {
              metric: parsed.metric,
              display_name: parsed.metric,
              expression: query,
              aggr: parsed.space,
              scope,
              tag_set: parsed.by ? [`${parsed.by}:${g}`] : [],
              pointlist,
              length: pointlist.length,
              interval: parsed.interval / 1000,
              start: pointlist[0]![0],
              end: pointlist.at(-1)![0] + parsed.interval - 1,
              query_index: 0,
            };
          }),
        },
      };
    }
    if (req.path === '/api/v2/query/timeseries') {
      const a = (
        req.body as {
          data: { attributes: { from: number; to: number; interval?: number; queries: { query: string }[] } };
        }
      ).data.attributes;
      const parsed = parseDatadogQuery(a.queries[0]!.query);
      if (!parsed) return { status: 400, body: { errors: ['Error parsing query'] } };
      parsed.interval = a.interval ?? parsed.interval;
      const groups = evaluate(o.series, parsed, a.from, a.to);
      const times = [...new Set([...groups.values()].flatMap((ps) => ps.map(([t]) => t)))].sort(
        (x, y) => x - y,
      );
      return {
        status: 200,
        body: {
          data: {
            type: 'timeseries_response',
            attributes: {
              series: [...groups.keys()].map((g) => ({
                group_tags: parsed.by ? [`${parsed.by}:${g}`] : [],
                query_index: 0,
                unit: null,
              })),
              times,
              values: [...groups.values()].map((ps) => {
                const byT = new Map(ps);
                return times.map((t) => byT.get(t) ?? null);
              }),
            },
          },
        },
      };
    }
    if (req.path === '/api/v1/monitor' && req.method === 'GET') {
      // monitor_tags: every listed tag must be on the monitor; group_states: which groups' states to include.
      const tags = (req.query.get('monitor_tags') ?? '').split(',').filter(Boolean);
      const states = (req.query.get('group_states') ?? '').split(',').filter(Boolean);
      const wanted = (status: string) =>
        states.includes('all') || states.some((s) => s === status.toLowerCase());
      const matching = (o.monitors ?? []).filter((m) => tags.every((t) => m.tags.includes(t)));
      const page = req.query.get('page');
      const size = Number(req.query.get('page_size') ?? 100);
      const shown = page === null ? matching : matching.slice(Number(page) * size, (Number(page) + 1) * size);
      const worst = (m: DatadogMonitorData) => {
        const all = Object.values(m.groups).map((g) => g.status);
        return all.includes('Alert')
          ? 'Alert'
          : all.includes('Warn')
            ? 'Warn'
            : all.includes('No Data')
              ? 'No Data'
              : 'OK';
      };
      return {
        status: 200,
        body: shown.map((m) => ({
          id: m.id,
          name: m.name,
          type: 'query alert',
          query: `avg(last_5m):avg:trace.http.request.errors{${m.tags.join(',')}} > 5`,
          message: 'errors are up',
          tags: m.tags,
          ...(m.priority !== undefined ? { priority: m.priority } : {}),
          overall_state: worst(m),
          multi: true,
          options: { notify_no_data: false },
          created: '2026-01-01T00:00:00.000Z',
          modified: '2026-01-01T00:00:00.000Z',
          ...(states.length > 0
            ? {
                state: {
                  groups: Object.fromEntries(
                    Object.entries(m.groups)
                      .filter(([, g]) => wanted(g.status))
                      .map(([name, g]) => [
                        name,
                        {
                          name,
                          status: g.status,
                          ...(g.triggered !== undefined ? { last_triggered_ts: g.triggered } : {}),
                          ...(g.resolved !== undefined ? { last_resolved_ts: g.resolved } : {}),
                          last_notified_ts: g.triggered ?? 0,
                          last_nodata_ts: 0,
                        },
                      ]),
                  ),
                },
              }
            : {}),
        })),
      };
    }
    if (req.path === '/api/v2/logs/events/search') {
      const b = (req.body ?? {}) as {
        filter?: { query?: string; from?: string; to?: string };
        page?: { limit?: number; cursor?: string };
      };
      const from = Date.parse(b.filter?.from ?? '');
      const to = Date.parse(b.filter?.to ?? '');
      const terms = (b.filter?.query ?? '*').split(/\s+/).filter((t) => t && t !== '*');
      const matching = (o.logs ?? [])
        .filter((l) => l.t >= from && l.t < to)
        .filter((l) =>
          terms.every(
            (t) =>
              l.tags.includes(t) ||
              t === `service:${l.service}` ||
              t === `host:${l.host}` ||
              l.message.includes(t),
          ),
        )
        .sort((x, y) => x.t - y.t);
      const offset = b.page?.cursor ? Number(Buffer.from(b.page.cursor, 'base64').toString()) : 0;
      const limit = b.page?.limit ?? 10;
      const page = matching.slice(offset, offset + limit);
      const next =
        offset + limit < matching.length ? Buffer.from(String(offset + limit)).toString('base64') : undefined;
      return {
        status: 200,
        body: {
          data: page.map((l, i) => ({
            id: `log-${offset + i}`,
            type: 'log',
            attributes: {
              timestamp: new Date(l.t).toISOString(),
              message: l.message,
              status: l.status,
              service: l.service,
              host: l.host,
              tags: l.tags,
              attributes: {},
            },
          })),
          meta: { elapsed: 1, request_id: 'req', status: 'done', ...(next ? { page: { after: next } } : {}) },
          ...(next ? { links: { next: `/api/v2/logs/events?page[cursor]=${next}` } } : {}),
        },
      };
    }
    return { status: 404, body: { errors: ['Not found'] } };
  };
  const fake = await startFake(handler, o.validate === false ? undefined : datadogValidator());
  return Object.assign(fake, { events });
}
