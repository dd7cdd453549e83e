/**
 * Secrets are values, not fields: every value that came from the environment (`${env:NAME}`) or sits in a
 * secret field (tokens, keys, passwords, secret headers), wherever it is used (URL, query, header), is kept
 * in one registry, and every output (terminal, reports, doctor, flare, recordings, Action summary, Backstage
 * storage) goes through `scrub`, which replaces each of them in every case and in the encodings in which a
 * server may echo them: URL-encoded (percent and form encoding) and base64 (also `user:password` as in
 * basic auth). The parts of a credential are secrets too: the token after `Bearer `/`Basic `/`Token `, the
 * user:password decoded from a basic-auth value, the password of a `user:password` pair.
 */

/** Secrets shorter than this are not scrubbed (they would blank out ordinary words and digits). */
export const MIN_SECRET_LENGTH = 4;

const MASK = '***';
/** Words that introduce a credential in a header value: the rest after them is the credential itself. */
const SCHEME = /^(bearer|basic|token|apikey|api-key|key|dsn|sso|splunk|ssws)\s+(\S.*)$/i;

/** The registry of one run's secret values; `scrub` removes them from any text. */
export class Secrets {
  readonly #values = new Set<string>();
  #pattern: RegExp | null = null;

  /** Registers a secret value and the parts of it that are secrets on their own. */
  add(value: string | undefined | null): this {
    if (typeof value !== 'string') return this;
    const v = value.trim();
    if (v.length < MIN_SECRET_LENGTH || this.#values.has(v)) return this;
    this.#values.add(v);
    this.#pattern = null;
    const scheme = SCHEME.exec(v);
    if (scheme) {
      const credential = scheme[2]!.trim();
      this.add(credential);
      if (scheme[1]!.toLowerCase() === 'basic') this.add(decodedBasic(credential));
    }
    // user:password (a basic-auth pair or a URL's user info): the password alone is a secret.
    const colon = v.indexOf(':');
    if (colon > 0 && !/\s/.test(v) && !v.includes('/')) this.add(v.slice(colon + 1));
    return this;
  }

  /** Registers every value of another registry. */
  addAll(other: Secrets | Iterable<string>): this {
    for (const v of other instanceof Secrets ? other.values() : other) this.add(v);
    return this;
  }

  /** The registered values (as given, without their encodings). */
  values(): string[] {
    return [...this.#values];
  }

  get size(): number {
    return this.#values.size;
  }

  /** `text` with every registered secret, in every case and encoding, replaced by `***`. */
  scrub(text: string): string {
    if (this.#values.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
    this.#pattern ??= patternOf(this.#values);
    return text.replace(this.#pattern, MASK);
  }

  /** A copy of a JSON-like value (objects, arrays, strings) with every string (and key) scrubbed. */
  scrubDeep<T>(value: T): T {
    if (this.#values.size === 0) return value;
    return scrubValue(value, this) as T;
  }
}

function scrubValue(value: unknown, secrets: Secrets): unknown {
  if (typeof value === 'string') return secrets.scrub(value);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets));
  if (value !== null && typeof value === 'object') {
    // Class instances with a toJSON (dates, verdicts) are scrubbed as what they serialise to.
    const plain =
      typeof (value as { toJSON?: unknown }).toJSON === 'function'
        ? (value as { toJSON(): unknown }).toJSON()
        : value;
    if (plain !== value) return scrubValue(plain, secrets);
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [secrets.scrub(k), scrubValue(v, secrets)]),
    );
  }
  return value;
}

/** The `user:password` of a basic-auth credential, when it decodes to one. */
function decodedBasic(credential: string): string | undefined {
  if (!/^[A-Za-z0-9+/=_-]+$/.test(credential)) return undefined;
  let text: string;
  try {
    text = atob(credential.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
  return /^[\x20-\x7e]+:[\x20-\x7e]+$/.test(text) ? text : undefined;
}

/** Every form in which a value may be echoed back. */
function formsOf(value: string): string[] {
  const b64 = base64(value);
  return [
    value,
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, '+'),
    encodeURI(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    b64,
    b64.replace(/=+$/, ''),
    b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    JSON.stringify(value).slice(1, -1),
  ];
}

function patternOf(values: Iterable<string>): RegExp {
  const forms = new Set<string>();
  for (const v of values) for (const f of formsOf(v)) if (f.length >= MIN_SECRET_LENGTH) forms.add(f);
  // Longest first, so a secret that contains another is removed whole.
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
}

const SPEC_SECRETS = Symbol.for('vigil.specSecrets');

/**
 * Records the values a spec took from the environment (`${env:NAME}`) on the spec object itself, under a
 * symbol that JSON and `Object.keys` do not see, so that wherever the spec goes its secrets can be found.
 */
export function attachEnvSecrets<T extends object>(spec: T, values: Iterable<string>): T {
  const existing = (spec as Record<symbol, string[] | undefined>)[SPEC_SECRETS] ?? [];
  Object.defineProperty(spec, SPEC_SECRETS, {
    value: [...existing, ...values],
    enumerable: false,
    configurable: true,
  });
  return spec;
}

/** Carries the environment secrets of `from` over to a copy of it (`{ ...spec, ... }` drops them). */
export function keepEnvSecrets<T extends object>(from: object, to: T): T {
  return attachEnvSecrets(to, (from as Record<symbol, string[] | undefined>)[SPEC_SECRETS] ?? []);
}

/** The provider fields that hold secrets, whatever their provider type. */
const SECRET_FIELDS = ['password', 'token', 'apiKey', 'appKey', 'keyPem', 'clientSecret'] as const;

/**
 * Every secret of a spec (or of provider configs): the values it took from the environment, the values of
 * secret fields (auth password and token, API and application keys, secret headers), and `user:password`.
 */
export function secretsOfSpec(spec: { providers?: Record<string, unknown> } | object): Secrets {
  const secrets = new Secrets();
  secrets.addAll((spec as Record<symbol, string[] | undefined>)[SPEC_SECRETS] ?? []);
  const providers = (spec as { providers?: Record<string, unknown> }).providers ?? {};
  for (const config of Object.values(providers)) secrets.addAll(secretsOfProvider(config));
  const notify = (spec as { notify?: unknown }).notify;
  if (Array.isArray(notify))
    for (const target of notify)
      if (target !== null && typeof target === 'object' && typeof target.url === 'string')
        secrets.addAll(secretsOfUrl(target.url));
  return secrets;
}

/** Parts of a URL at least this long (a path segment, a query value) are secrets on their own. */
const URL_PART_SECRET_LENGTH = 16;

/**
 * The secrets of a URL that is a credential as a whole (a Slack, Teams or other webhook URL): the URL, its
 * path and query (an HTTP error names the path), its password, and each long path segment and query value
 * (the token of a Slack URL, the `sig` of a Teams Workflows URL), which a server may echo alone.
 */
export function secretsOfUrl(url: string): Secrets {
  const secrets = new Secrets().add(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return secrets;
  }
  if (u.password) secrets.add(safeDecode(u.password));
  if (u.pathname.length > 1 || u.search) secrets.add(`${u.pathname}${u.search}`);
  for (const segment of u.pathname.split('/'))
    if (segment.length >= URL_PART_SECRET_LENGTH) secrets.add(safeDecode(segment));
  for (const value of u.searchParams.values()) if (value.length >= URL_PART_SECRET_LENGTH) secrets.add(value);
  return secrets;
}

/** The secret values of one provider config (keys, tokens, passwords, secret headers, basic-auth pairs). */
export function secretsOfProvider(config: unknown): Secrets {
  const secrets = new Secrets();
  if (config === null || typeof config !== 'object') return secrets;
  const c = config as Record<string, unknown>;
  for (const f of SECRET_FIELDS) if (typeof c[f] === 'string') secrets.add(c[f] as string);
  const auth = c.auth as Record<string, unknown> | undefined;
  if (auth && typeof auth === 'object') {
    for (const f of SECRET_FIELDS) if (typeof auth[f] === 'string') secrets.add(auth[f] as string);
    if (typeof auth.username === 'string' && typeof auth.password === 'string') {
      secrets.add(`${auth.username}:${auth.password}`);
    }
  }
  const headers = c.secretHeaders as Record<string, unknown> | undefined;
  if (headers && typeof headers === 'object') {
    for (const v of Object.values(headers)) if (typeof v === 'string') secrets.add(v);
  }
  // user:password written into a URL.
  if (typeof c.url === 'string') {
    try {
      const u = new URL(c.url.replace(/\{\{[^}]*\}\}/g, 'x'));
      if (u.password) secrets.add(decodeURIComponent(u.password));
    } catch {
      // not a URL yet (templated): nothing to take from it
    }
  }
  return secrets;
}

/** Base64 of the UTF-8 bytes of `text` (btoa alone takes Latin-1 only); core runs in browsers too. */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
