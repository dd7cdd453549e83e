/**
 * Provider configuration: the types of what a spec says under `providers.<name>`, derived from the core's
 * `providerSpecSchema`, the one description of a provider's settings. Every field is documented there (its
 * `.describe()` text, also in docs/spec.schema.json), and every entry point validates with it: the spec
 * loader, and the Backstage backend for app-config. Fields marked secret there are redacted from every
 * error, log line and flare bundle.
 */
import type { DATADOG_SITES, ProviderSpec } from '@vigil/core';

/** Settings every provider has beside its spec settings. */
interface BaseConfig {
  /** Name used in usage reports, errors and replay keys; default the type. */
  name?: string;
}

type Of<T extends ProviderSpec['type']> = Extract<ProviderSpec, { type: T }> & BaseConfig;

/** Prometheus or a compatible API (Thanos, Mimir, VictoriaMetrics). */
export type PrometheusConfig = Of<'prometheus'>;
/** Datadog; `apiKey` (header DD-API-KEY) and `appKey` (DD-APPLICATION-KEY) are secret. */
export type DatadogConfig = Of<'datadog'>;
/** Dynatrace; `url` is the environment URL (the adapter adds `/api/v2`), `token` is secret. */
export type DynatraceConfig = Of<'dynatrace'>;
/**
 * A "custom APM": any JSON-over-HTTP API. Templates may use `{{query}}`, `{{instanceLabel}}`,
 * `{{start}}`/`{{end}}`/`{{step}}` (ms), `{{startSeconds}}`/`{{endSeconds}}`/`{{stepSeconds}}`,
 * `{{startIso}}`/`{{endIso}}`, and the query's vars. Values are URL-encoded in the URL, JSON-escaped in
 * the body and rejected in headers when they contain line breaks.
 */
export type HttpProviderConfig = Of<'http'>;
/** Recorded data (docs/replay-format.md). */
export type ReplayConfig = Of<'replay'>;

/** Everything a spec can say about a provider. */
export type ProviderConfig =
  | PrometheusConfig
  | DatadogConfig
  | DynatraceConfig
  | HttpProviderConfig
  | ReplayConfig;

/** HTTP behaviour shared by every network provider (timeouts, retries, backoff, concurrency). All optional. */
export type HttpOptions = NonNullable<PrometheusConfig['http']>;
/** TLS client settings (mTLS, private CA): paths to PEM files; the key's contents are secret. */
export type TlsConfig = NonNullable<PrometheusConfig['tls']>;
/** How to authenticate to Prometheus (or a proxy in front of it); `password` and `token` are secret. */
export type PrometheusAuth = NonNullable<PrometheusConfig['auth']>;
/** How to read points out of a generic JSON response (a small JSONPath subset, see `jsonpath.ts`). */
export type HttpPick = HttpProviderConfig['pick'];
/** Datadog's public sites; the site decides the API host (`api.<site>`). */
export type DatadogSite = (typeof DATADOG_SITES)[number];
