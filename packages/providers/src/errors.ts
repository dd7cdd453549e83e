/**
 * Classified provider errors. Every message says what happened and what to do, and never contains a secret
 * (the HTTP client redacts before constructing one).
 */

/** Why a provider call failed. */
export type ProviderErrorKind =
  | 'auth'
  | 'permission'
  | 'bad-query'
  | 'rate-limited'
  | 'unavailable'
  | 'timeout'
  | 'malformed';

const defaultHints: Record<ProviderErrorKind, string> = {
  auth: 'check the credentials in the provider config (key, token or password)',
  permission: 'grant the credentials the read scope for this API, or use a key that has it',
  'bad-query': 'fix the query or the URL in the spec and try it in the vendor UI first',
  'rate-limited': 'lower the polling frequency or the concurrency, or raise the vendor rate limit',
  unavailable: 'check that the service is up and reachable from here (URL, proxy, firewall); retried already',
  timeout: 'raise http.timeoutMs / http.budgetMs, or narrow the query (fewer series, coarser step)',
  malformed: 'the response was not what the API documents; check the URL points at the right API',
};

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly status: number | undefined;
  readonly hint: string;

  constructor(
    kind: ProviderErrorKind,
    provider: string,
    detail: string,
    options: { status?: number; hint?: string; cause?: unknown } = {},
  ) {
    const hint = options.hint ?? defaultHints[kind];
    const status = options.status === undefined ? '' : ` (HTTP ${options.status})`;
    super(`${provider}: ${kind}${status}: ${detail}. To fix: ${hint}`, { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.provider = provider;
    this.status = options.status;
    this.hint = hint;
  }
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError;
}
