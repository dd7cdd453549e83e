/**
 * Links from a metric or a problem to the provider's own view: Prometheus' graph, Datadog's metric explorer,
 * Dynatrace's data explorer and problem page. Pure: a URL from the provider's settings, the rendered query
 * and the time window. The base is the provider's public UI (`uiUrl`, else its `url`, else Datadog's app host
 * for the site), without any user info, query or fragment; a link that would carry a secret of the provider
 * (see core's secrets.ts) is not made at all.
 */
import { type Secrets, secretsOfProvider } from '@vigil/core';
import type { DatadogSite, ProviderConfig } from './config.ts';
import { type Dialect, renderTemplate } from './render.ts';
import type { TemplateVars } from './provider.ts';

/** A time window, epoch ms. */
export interface LinkWindow {
  start: number;
  end: number;
}

/** `https://host/path` of a URL, dropping user info, query and fragment; undefined when it is not http(s). */
export function uiBase(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

/** Prometheus' range input: the longest unit that divides the window (`90m`, `2h`, `1d`). */
export function prometheusRange(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  for (const [unit, secs] of [
    ['w', 604_800],
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    if (s % secs === 0) return `${s / secs}${unit}`;
  }
  return `${s}s`;
}

/**
 * Prometheus' graph page with the expression over the window (`/graph?g0.expr=...&g0.range_input=...`).
 *
 * Format: the parameters Prometheus' UI decodes, prometheus/prometheus
 * web/ui/mantine-ui/src/pages/query/urlStateEncoding.ts (`g<i>.expr`, `g<i>.tab` where `0` still means the
 * graph tab, `g<i>.range_input` as a Prometheus duration, `g<i>.end_input` read by `dayjs.utc`); the 2.x UI
 * served at `/graph` reads the same names.
 */
export function prometheusGraphUrl(base: string, expr: string, window: LinkWindow): string {
  const end = new Date(window.end).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const q = new URLSearchParams({
    'g0.expr': expr,
    'g0.tab': '0',
    'g0.range_input': prometheusRange(window.end - window.start),
    'g0.end_input': end,
  });
  return `${base}/graph?${q}`;
}

/** Datadog's web app host for a site: `app.datadoghq.com`, `us3.datadoghq.com`, `app.datadoghq.eu`, ... */
export function datadogAppHost(site: DatadogSite | undefined): string {
  const s = site ?? 'datadoghq.com';
  // Sites with a region prefix (us3., ap1., us2.ddog-gov.com) are the app host themselves.
  return /^[a-z]+\d\./.test(s) ? s : `app.${s}`;
}

/** A Datadog query of one metric: `<agg>:<metric>{<scope>} [by {<tags>}]`, then modifiers such as `.as_count()`. */
const DATADOG_ONE_METRIC =
  /^\s*(avg|sum|min|max):([A-Za-z][\w.]*)\s*\{([^{}]*)\}(?:\s*by\s*\{([^{}]*)\})?(?:\.\w+\([^()]*\))*\s*$/;

/**
 * Datadog's metric explorer showing the query's metric, scope, space aggregation and grouping over the
 * window, or undefined for a query the explorer's URL cannot carry (arithmetic, functions, several metrics):
 * no link rather than a link to another graph. Modifiers (`.as_count()`, `.rollup(...)`) are not carried.
 *
 * Format: Datadog documents no parameter taking a whole query (the explorer keeps its state in an opaque
 * fragment; https://trevorrundell.com/blog/datadogs-missing-api-metrics-explorer). The parameters it reads
 * are `exp_metric`, `exp_scope`, `exp_agg`, `exp_group`: apollographql/apollo
 * graph-manager-docs/source/datadog-integration.md links `metric/explorer?exp_metric=apollo.engine.operations.count
 * &exp_group=service&exp_agg=sum&exp_row_type=metric`, a datadogpy end-to-end check prints
 * `exp_metric=...&exp_scope=run_id:...&exp_agg=avg`, and ngavilan-dogfy/datadog-cli (cmd/links_test.go)
 * reads them back as `max:system.cpu.user{env:prod} by {host}`. The window is `from_ts`/`to_ts` in epoch ms
 * with `live=false`, the time parameters https://docs.datadoghq.com/dashboards/guide/custom_time_frames/ (section
 * "URL") documents for Datadog's views.
 */
export function datadogMetricExplorerUrl(
  base: string,
  query: string,
  window: LinkWindow,
): string | undefined {
  const m = DATADOG_ONE_METRIC.exec(query);
  if (!m) return undefined;
  const [, agg, metric, scope, group] = m;
  const q = new URLSearchParams({ exp_metric: metric as string, exp_agg: agg as string });
  const s = (scope as string).trim();
  if (s && s !== '*') q.set('exp_scope', s.replace(/\s*,\s*/g, ','));
  const g = group?.trim();
  if (g) q.set('exp_group', g.replace(/\s*,\s*/g, ','));
  q.set('from_ts', String(window.start));
  q.set('to_ts', String(window.end));
  q.set('live', 'false');
  return `${base}/metric/explorer?${q}`;
}

/**
 * Dynatrace's data explorer over the window, with every management zone (`gf=all`).
 *
 * Format: the path and `gf=all` are what Dynatrace's own navigation opens (public runbooks link
 * `https://<env>.live.dynatrace.com/ui/data-explorer?gf=all&gtf=-24h+to+now#<state>`); `gtf=c_<from>_<to>`
 * (epoch ms) is the custom global timeframe keptn-contrib/dynatrace-service writes into its dashboard links
 * (`#dashboard;id=...;gtf=c_START_END`). The metric selector is not carried: the data explorer takes its
 * query from a base64 JSON state in the fragment whose format Dynatrace does not document, and no
 * documentation or public integration shows it reading a `metricSelector` parameter; so the link opens the
 * explorer on the window (the selector is shown beside the link) rather than promise a query it drops.
 */
export function dynatraceDataExplorerUrl(base: string, window: LinkWindow): string {
  const q = new URLSearchParams({ gtf: `c_${window.start}_${window.end}`, gf: 'all' });
  return `${base}/ui/data-explorer?${q}`;
}

/**
 * Dynatrace's page of one problem (its `problemId`, e.g. `-123456789_1700000000000V2`).
 *
 * Format: the `{ProblemURL}` Dynatrace itself puts in problem notifications, e.g.
 * `https://<env>/e/<id>/#problems/problemdetails;pid=-5988270214550055152_1642566000000V2` (sample payload in
 * a keptn remediation example's recorded Dynatrace payload), the same form public integrations build from
 * the problems API's `problemId` (`{env}/#problems/problemdetails;pid={problemId}`).
 */
export function dynatraceProblemUrl(base: string, problemId: string): string {
  return `${base}/#problems/problemdetails;pid=${encodeURIComponent(problemId)}`;
}

/**
 * Datadog's page of one monitor: its status, history and the groups in alert (`/monitors/<id>` on the app
 * host of the site, e.g. `https://app.datadoghq.eu/monitors/12345`).
 *
 * Format: Datadog's documentation links monitor pages under `/monitors/` on the app host (`/monitors/manage`,
 * `/monitors/create/...` in docs.datadoghq.com) but gives no reference for one monitor's page; the form
 * `https://<app host>/monitors/<id>` with the API's numeric `id` is the one public Terraform configurations
 * output as a monitor's URL (`"https://app.datadoghq.com/monitors/${datadog_monitor.x.id}"`) and incident
 * write-ups link. The site's app host is `datadogAppHost` (the table of
 * https://docs.datadoghq.com/api/latest/monitors/ pairs each site's app host with its API host).
 */
export function datadogMonitorUrl(base: string, monitorId: string): string {
  return `${base}/monitors/${encodeURIComponent(monitorId)}`;
}

/** What `problemLink` needs of an alert: the core's `EvidenceItem` fields. */
export interface LinkedProblem {
  kind: 'problem' | 'monitor';
  id: string;
}

/**
 * The link from an alert to the provider's own page of it (a Dynatrace problem, a Datadog monitor), or
 * undefined: a provider that did not raise that kind of alert, no UI base, an id that is not the vendor's
 * shape, or a link that would show a secret (the provider's own, and `extra`).
 */
export function problemLink(
  config: ProviderConfig,
  problem: LinkedProblem,
  extra?: Secrets,
): string | undefined {
  const base = providerUiBase(config);
  if (!base || problem.id === '') return undefined;
  let url: string | undefined;
  if (config.type === 'dynatrace' && problem.kind === 'problem') url = dynatraceProblemUrl(base, problem.id);
  // Monitor ids are whole numbers; anything else did not come from Datadog's monitor API.
  else if (config.type === 'datadog' && problem.kind === 'monitor' && /^\d+$/.test(problem.id))
    url = datadogMonitorUrl(base, problem.id);
  if (!url) return undefined;
  const secrets = secretsOfProvider(config);
  if (extra) secrets.addAll(extra);
  return secrets.scrub(url) === url ? url : undefined;
}

const DIALECT: Partial<Record<ProviderConfig['type'], Dialect>> = {
  prometheus: 'promql',
  datadog: 'datadog',
  dynatrace: 'dynatrace',
};

/** The provider's UI base: `uiUrl`, else its API `url` (Prometheus, Dynatrace), else Datadog's app host. */
export function providerUiBase(config: ProviderConfig): string | undefined {
  const c = config as { type: string; uiUrl?: string; url?: string; site?: DatadogSite };
  if (c.uiUrl) return uiBase(c.uiUrl);
  if (c.type === 'datadog') return `https://${datadogAppHost(c.site)}`;
  if ((c.type === 'prometheus' || c.type === 'dynatrace') && c.url) return uiBase(c.url);
  return undefined;
}

/**
 * The link from one metric to the provider's view of its query over the window, or undefined: a provider
 * without a UI (replay, http), a template that does not render, or a link that would show a secret (the
 * provider's own, and `extra`, e.g. every secret the backend knows).
 */
export function metricLink(
  config: ProviderConfig,
  queryTemplate: string,
  vars: TemplateVars,
  window: LinkWindow,
  extra?: Secrets,
): string | undefined {
  const dialect = DIALECT[config.type];
  const base = providerUiBase(config);
  if (!dialect || !base) return undefined;
  let query: string;
  try {
    query = renderTemplate(queryTemplate, vars, dialect, config.type);
  } catch {
    return undefined;
  }
  const url =
    config.type === 'prometheus'
      ? prometheusGraphUrl(base, query, window)
      : config.type === 'datadog'
        ? datadogMetricExplorerUrl(base, query, window)
        : dynatraceDataExplorerUrl(base, window);
  if (!url) return undefined;
  const secrets = secretsOfProvider(config);
  if (extra) secrets.addAll(extra);
  return secrets.scrub(url) === url ? url : undefined;
}
