import { Secrets, secretsOfProvider } from '@vigil/core';
import type { ProviderConfig } from './config.ts';

/**
 * Replaces every occurrence of each secret, in any case and in its URL-encoded and base64 forms (as servers
 * echo query strings and basic-auth headers), with `***`. The registry and its rules live in core's
 * secrets.ts, one place for every output.
 */
export function redact(text: string, secrets: readonly string[] | Secrets): string {
  return (secrets instanceof Secrets ? secrets : new Secrets().addAll(secrets)).scrub(text);
}

/**
 * The secret values of a config (keys, tokens, passwords, secret headers, and their parts: the token after
 * `Bearer `, the password of a basic-auth pair), for redaction and flares.
 */
export function secretsOf(config: ProviderConfig): string[] {
  return secretsOfProvider(config).values();
}

/** A copy of the config with secret fields replaced by `***`, for flare bundles and debug output. */
export function redactConfig(config: ProviderConfig): ProviderConfig {
  const mask = (r: Record<string, string> | undefined) =>
    r ? Object.fromEntries(Object.keys(r).map((k) => [k, '***'])) : undefined;
  switch (config.type) {
    case 'prometheus': {
      const auth =
        config.auth?.type === 'basic'
          ? { ...config.auth, password: '***' }
          : config.auth?.type === 'bearer'
            ? { ...config.auth, token: '***' }
            : config.auth;
      return { ...config, auth, secretHeaders: mask(config.secretHeaders) };
    }
    case 'datadog':
      return { ...config, apiKey: '***', appKey: '***' };
    case 'dynatrace':
      return { ...config, token: '***' };
    case 'http':
      return { ...config, secretHeaders: mask(config.secretHeaders) };
    case 'replay':
      return { ...config };
  }
}
