export type * from './config.ts';
export type * from './provider.ts';
export { createProvider } from './factory.ts';
export { ProviderError, isProviderError, type ProviderErrorKind } from './errors.ts';
export { redact, redactConfig, secretsOf } from './redact.ts';
export { renderTemplate, escapePromString, escapeRe2, normaliseDatadogTag, type Dialect } from './render.ts';
export { alignWindow, splitAligned, type AlignedRange } from './window.ts';
export { HttpClient, httpDefaults, rateLimitWait, type HttpRequest, type HttpResponse } from './http.ts';
export {
  PrometheusProvider,
  parsePromRetention,
  parsePromValue,
  prometheusMaxPoints,
} from './prometheus.ts';
export { DatadogProvider, datadogApiUrl, datadogSites } from './datadog.ts';
export { DynatraceProvider, dynatraceResolution, dynatraceScopes } from './dynatrace.ts';
export { HttpMetricsProvider } from './http-provider.ts';
export { pickJsonPath, queryJsonPath, parseJsonPath, JsonPathError } from './jsonpath.ts';
export {
  ReplayProvider,
  parseReplayFile,
  replayQueryKey,
  type ReplayCompleteness,
  replayFormatVersion,
  type ReplayFile,
  type ReplayMetricEntry,
  type ReplayLogEntry,
  type ReplayProblemEntry,
  type StoredValue,
} from './replay.ts';
export { recordProvider, type RecordingProvider } from './record.ts';
export {
  type DeliverOptions,
  deliverWebhook,
  notifyHttpDefaults,
  type WebhookDelivery,
} from './notify.ts';
export { readEvidence } from './evidence.ts';
export {
  datadogAppHost,
  datadogMetricExplorerUrl,
  datadogMonitorUrl,
  dynatraceDataExplorerUrl,
  dynatraceProblemUrl,
  type LinkedProblem,
  metricLink,
  problemLink,
  prometheusGraphUrl,
  prometheusRange,
  providerUiBase,
  uiBase,
  type LinkWindow,
} from './links.ts';
