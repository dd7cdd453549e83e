/**
 * What a `vigil serve` caller may ask, checked field by field before anything runs: a spec by name, values for
 * its declared variables (each matched against its pattern), a key, a past window, and how long to wait. Any
 * other field (a query, a URL, a provider) is refused naming it. Pure.
 */
import { MAX_VARIABLE_LENGTH, RESERVED_NAMES, type ServeConfig, type ServedSpec } from './config.ts';

/** A request refused: the HTTP status, the field at fault (`vars.version`), one line saying what to do. */
export class RequestError extends Error {
  override name = 'RequestError';
  readonly status: number;
  readonly field: string | undefined;
  constructor(status: number, message: string, field?: string) {
    super(field ? `${field}: ${message}` : message);
    this.status = status;
    this.field = field;
  }
}

/** A checked request to start (or join) a verification. */
export interface StartRequest {
  spec: string;
  /** Every declared variable that has a value (given, or its default). */
  vars: Record<string, string>;
  /** The caller's name for this verification (e.g. the rollout and its pod-template hash); may be empty. */
  key: string;
  /** A past window (retrospective run), as given: ISO 8601, epoch seconds or relative ("now-2h"). */
  start?: string;
  end?: string;
  /** How long to hold the answer for the verdict, ms (capped by limits.maxWait). */
  waitMs: number;
}

/** Fields of a start request (POST /v1/verifications). */
export const START_FIELDS: readonly string[] = ['spec', 'vars', 'key', 'start', 'end', 'wait'];

const KEY = /^[A-Za-z0-9._:/@=+-]{0,200}$/;
const TIME = /^[A-Za-z0-9:.+-]{1,40}$/;

const ONLY =
  'a request names a spec of the server (spec) and fills its declared variables (vars); queries, URLs and providers come only from the server config';

/** Checks the JSON body of POST /v1/verifications. */
export function parseStartRequest(body: unknown, config: ServeConfig): StartRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new RequestError(400, `the body must be a JSON object with "spec" and "vars"; ${ONLY}`);
  const b = body as Record<string, unknown>;
  for (const field of Object.keys(b))
    if (!START_FIELDS.includes(field)) throw new RequestError(400, `unknown field; ${ONLY}`, field);
  const spec = servedSpec(b.spec, config);
  if (b.vars !== undefined && (b.vars === null || typeof b.vars !== 'object' || Array.isArray(b.vars)))
    throw new RequestError(400, 'must be an object of variable names to string values', 'vars');
  return {
    spec: spec.name,
    vars: checkVariables(spec, (b.vars ?? {}) as Record<string, unknown>, 'vars.'),
    key: checkKey(b.key, 'key'),
    ...optionalTime(b.start, 'start'),
    ...optionalTime(b.end, 'end'),
    waitMs: checkWait(b.wait, config),
  };
}

/**
 * Flagger's webhook payload: `{ name, namespace, phase, checksum, metadata }` with string metadata. Flagger cannot
 * send headers, so its metadata carries the spec, the token and the variables: `spec` names the spec, `token`
 * is the bearer token, `key`, `start`, `end` and `wait` are as in a start request, and every other key is a
 * variable. The key defaults to `namespace/name/checksum`: one verification per canary revision.
 */
export function parseFlaggerRequest(
  body: unknown,
  config: ServeConfig,
): { request: StartRequest; token: string | undefined } {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new RequestError(400, "the body must be Flagger's webhook payload (a JSON object)");
  const b = body as Record<string, unknown>;
  const text = (v: unknown, field: string): string => {
    if (v === undefined) return '';
    if (typeof v !== 'string') throw new RequestError(400, 'must be a string', field);
    return v;
  };
  const name = text(b.name, 'name');
  const namespace = text(b.namespace, 'namespace');
  const checksum = text(b.checksum, 'checksum');
  if (
    b.metadata !== undefined &&
    (b.metadata === null || typeof b.metadata !== 'object' || Array.isArray(b.metadata))
  )
    throw new RequestError(400, 'must be an object of strings', 'metadata');
  const meta = { ...((b.metadata ?? {}) as Record<string, unknown>) };
  const token = meta.token === undefined ? undefined : text(meta.token, 'metadata.token');
  const spec = servedSpec(meta.spec, config, 'metadata.spec');
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) if (!RESERVED_NAMES.includes(k)) vars[k] = v;
  const key =
    meta.key !== undefined
      ? checkKey(meta.key, 'metadata.key')
      : checkKey([namespace, name, checksum].filter((s) => s !== '').join('/'), 'name');
  return {
    token,
    request: {
      spec: spec.name,
      vars: checkVariables(spec, vars, 'metadata.'),
      key,
      ...optionalTime(meta.start, 'metadata.start'),
      ...optionalTime(meta.end, 'metadata.end'),
      waitMs: checkWait(meta.wait === undefined ? undefined : Number(meta.wait), config, 'metadata.wait'),
    },
  };
}

/** Requests with the same identity are one verification: the second one joins the first. */
export function identityOf(r: StartRequest): string {
  const vars = Object.keys(r.vars)
    .sort()
    .map((k) => [k, r.vars[k]]);
  return JSON.stringify([r.spec, vars, r.key, r.start ?? null, r.end ?? null]);
}

function servedSpec(v: unknown, config: ServeConfig, field = 'spec'): ServedSpec {
  const known = [...config.specs.keys()].join(', ');
  if (typeof v !== 'string' || v === '')
    throw new RequestError(400, `is required: the name of a spec of this server (${known})`, field);
  const spec = config.specs.get(v);
  if (!spec) throw new RequestError(400, `"${clip(v)}" is not a spec of this server (${known})`, field);
  return spec;
}

function checkVariables(
  spec: ServedSpec,
  given: Record<string, unknown>,
  prefix: string,
): Record<string, string> {
  const declared = [...spec.variables.keys()];
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    const v = spec.variables.get(name);
    const field = `${prefix}${name}`;
    if (!v)
      throw new RequestError(
        400,
        `not a variable of spec "${spec.name}" (${declared.length > 0 ? `its variables: ${declared.join(', ')}` : 'it has none'}); ${ONLY}`,
        field,
      );
    if (typeof value !== 'string') throw new RequestError(400, 'must be a string', field);
    if (value.length > MAX_VARIABLE_LENGTH || !v.matcher.test(value))
      throw new RequestError(
        400,
        `"${clip(value)}" does not match ${v.pattern}${v.description ? ` (${v.description})` : ''}`,
        field,
      );
    out[name] = value;
  }
  for (const v of spec.variables.values()) {
    if (out[v.name] !== undefined) continue;
    if (v.default !== undefined) out[v.name] = v.default;
    else if (v.required)
      throw new RequestError(
        400,
        `is required by spec "${spec.name}"${v.description ? ` (${v.description})` : ''}; it must match ${v.pattern}`,
        `${prefix}${v.name}`,
      );
  }
  return out;
}

function checkKey(v: unknown, field: string): string {
  if (v === undefined) return '';
  if (typeof v !== 'string' || !KEY.test(v))
    throw new RequestError(400, 'must be a string of at most 200 letters, digits and . _ : / @ = + -', field);
  return v;
}

function optionalTime(v: unknown, field: string): Record<string, string> {
  if (v === undefined) return {};
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s !== 'string' || !TIME.test(s))
    throw new RequestError(400, 'must be a time: ISO 8601, epoch seconds, or "now-2h"', field);
  return { [field.replace(/^metadata\./, '')]: s };
}

function checkWait(v: unknown, config: ServeConfig, field = 'wait'): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new RequestError(400, 'must be a number of seconds, 0 or more', field);
  return Math.min(v * 1000, config.limits.maxWaitMs);
}

/** A caller's text, cut short for an error message. */
function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}...` : s;
}
