import type { ProviderConfig } from './config.ts';

/** Secrets shorter than this are not redacted (they would blank out ordinary words). */
const minSecretLength = 4;

/**
 * Replaces every occurrence of each secret (and its URL-encoded and base64 forms, as they appear in
 * query strings and basic-auth headers) with `***`.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < minSecretLength) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    forms.add(Buffer.from(s).toString('base64'));
  }
  // Longest first, so a secret that contains another is removed whole.
  for (const f of [...forms].sort((a, b) => b.length - a.length)) out = out.split(f).join('***');
  return out;
}

/** The secret values of a config (keys, tokens, passwords, secret headers), for redaction and flares. */
export function secretsOf(config: ProviderConfig): string[] {
  const out: string[] = [];
  switch (config.type) {
    case 'prometheus':
      if (config.auth?.type === 'basic') {
        out.push(config.auth.password, `${config.auth.username}:${config.auth.password}`);
      }
      if (config.auth?.type === 'bearer') out.push(config.auth.token);
      out.push(...Object.values(config.secretHeaders ?? {}));
      break;
    case 'datadog':
      out.push(config.apiKey, config.appKey);
      break;
    case 'dynatrace':
      out.push(config.token);
      break;
    case 'http':
      out.push(...Object.values(config.secretHeaders ?? {}));
      break;
    case 'replay':
      break;
  }
  return out.filter((s) => typeof s === 'string' && s.length > 0);
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
