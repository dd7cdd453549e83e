import type { ProviderConfig } from './config.ts';
import { DatadogProvider } from './datadog.ts';
import { DynatraceProvider } from './dynatrace.ts';
import { ProviderError } from './errors.ts';
import { HttpMetricsProvider } from './http-provider.ts';
import { PrometheusProvider } from './prometheus.ts';
import type { Provider, ProviderDeps } from './provider.ts';
import { ReplayProvider } from './replay.ts';

/** Builds the provider a config describes. Throws a `bad-query` ProviderError for an unknown type. */
export function createProvider(config: ProviderConfig, deps: ProviderDeps = {}): Provider {
  switch (config.type) {
    case 'prometheus':
      return new PrometheusProvider(config, deps);
    case 'datadog':
      return new DatadogProvider(config, deps);
    case 'dynatrace':
      return new DynatraceProvider(config, deps);
    case 'http':
      return new HttpMetricsProvider(config, deps);
    case 'replay':
      return new ReplayProvider(config);
    default: {
      const type = (config as { type?: unknown }).type;
      throw new ProviderError('bad-query', 'vigil', `provider type ${JSON.stringify(type)} is not known`, {
        hint: 'set type to prometheus, datadog, dynatrace, http or replay',
      });
    }
  }
}
