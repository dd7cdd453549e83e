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

/** Prometheus' graph page with the expression over the window (`/graph?g0.expr=...&g0.range_input=...`). */
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

/** Datadog's metric explorer with the query over the window. */
export function datadogMetricExplorerUrl(base: string, query: string, window: LinkWindow): string {
  const q = new URLSearchParams({
    exp_query: query,
    from_ts: String(window.start),
    to_ts: String(window.end),
    live: 'false',
  });
  return `${base}/metric/explorer?${q}`;
}

/** Dynatrace's data explorer with the metric selector over the window (`gtf=c_<from>_<to>`, epoch ms). */
export function dynatraceDataExplorerUrl(base: string, metricSelector: string, window: LinkWindow): string {
  const q = new URLSearchParams({ gtf: `c_${window.start}_${window.end}`, gf: 'all', metricSelector });
  return `${base}/ui/data-explorer?${q}`;
}

/** Dynatrace's page of one problem (its `problemId`, e.g. `-123456789_1700000000000V2`). */
export function dynatraceProblemUrl(base: string, problemId: string): string {
  return `${base}/#problems/problemdetails;pid=${encodeURIComponent(problemId)}`;
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
        : dynatraceDataExplorerUrl(base, query, window);
  const secrets = secretsOfProvider(config);
  if (extra) secrets.addAll(extra);
  return secrets.scrub(url) === url ? url : undefined;
}
