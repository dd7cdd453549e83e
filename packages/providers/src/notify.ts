/**
 * Delivers a notification (a JSON body built by the core's planNotifications) to a webhook URL, through the
 * same HTTP client as the providers: per-attempt timeout, retries with backoff on 429, 5xx and network
 * errors, all within a small budget, so a dead chat service delays the end of a run by seconds, not minutes.
 */
import { Secrets, secretsOfUrl } from '@vigil/core';
import type { HttpOptions } from './config.ts';
import { HttpClient } from './http.ts';
import type { ProviderDeps } from './provider.ts';

/** Three attempts within about ten seconds: a notification is worth a retry, not a delayed verdict. */
export const notifyHttpDefaults: Required<Omit<HttpOptions, 'concurrency'>> = {
  timeoutMs: 5_000,
  budgetMs: 10_000,
  retries: 2,
  backoffMs: 500,
  maxBackoffMs: 4_000,
};

export interface WebhookDelivery {
  /** The target's name in errors (never the URL). */
  name: string;
  url: string;
  body: unknown;
}

export interface DeliverOptions {
  /** Every secret of the run; the URL's own are added. Errors are redacted of them all. */
  secrets: Secrets;
  /** Overrides of notifyHttpDefaults (tests shorten them). */
  http?: HttpOptions;
  deps?: ProviderDeps;
  signal?: AbortSignal;
}

/**
 * POSTs `delivery.body` as JSON to `delivery.url`; resolves on a 2xx answer (whatever its body), else
 * throws a ProviderError whose message names the target and never holds the URL or another secret.
 */
export async function deliverWebhook(delivery: WebhookDelivery, options: DeliverOptions): Promise<void> {
  const client = new HttpClient({
    provider: delivery.name,
    type: 'http',
    baseUrl: delivery.url,
    secrets: new Secrets().addAll(options.secrets).addAll(secretsOfUrl(delivery.url)).values(),
    http: { ...notifyHttpDefaults, ...definedOnly(options.http ?? {}), concurrency: 1 },
    ...(options.deps ? { deps: options.deps } : {}),
  });
  try {
    await client.send({
      method: 'POST',
      path: delivery.url,
      body: delivery.body,
      what: 'webhook',
      text: true,
      signal: options.signal,
    });
  } finally {
    await client.close();
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
