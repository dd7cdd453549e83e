import { isMap, isPair, isSeq, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import { attachEnvSecrets } from '../secrets.ts';
import { parseUnit, unknownUnitMessage } from '../units/unit.ts';
import { type LimitValue, resolveLimit } from '../units/limit.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { expandPreset, presetInterval } from './presets.ts';
import { presetEntrySchema, type ProviderSpec, providerSpecSchema, type Spec, specSchema } from './schema.ts';

/** One thing wrong with a spec, located by its field path (`metrics[2].direction`). */
export interface SpecProblem {
  path: string;
  message: string;
}

/**
 * `<source> is not a valid <what>` and each problem by its path: on the same line when there is one, one a
 * line otherwise. Shared by every loader of user files so their errors read alike.
 */
export function problemsMessage(source: string, what: string, problems: SpecProblem[]): string {
  return problems.length === 1
    ? `${source} is not a valid ${what}: ${problems[0]!.path ? `${problems[0]!.path}: ` : ''}${problems[0]!.message}`
    : `${source} is not a valid ${what}:\n${problems.map((p) => `  - ${p.path || '(top level)'}: ${p.message}`).join('\n')}`;
}

/** A spec that cannot be used; `problems` lists every bad field, not just the first. */
export class SpecError extends UserError {
  override name = 'SpecError';
  readonly problems: SpecProblem[];
  constructor(source: string, problems: SpecProblem[]) {
    super(problemsMessage(source, 'Vigil spec', problems));
    this.problems = problems;
  }
}

export interface LoadSpecOptions {
  /** Name of the spec in messages (its file path). */
  source?: string;
  /** Values for `${env:NAME}` references; a missing one is an error naming the field. */
  env?: Record<string, string | undefined>;
  /**
   * A recording (`vigil record`) that answers every provider: each provider becomes a replay of it under the
   * same name, so its connection fields (URLs, tokens, `${env:NAME}`) are not needed and may be unset.
   * Values that are set are still kept as secrets.
   */
  replay?: string;
  /**
   * Values for `${var:NAME}` references (`vigil serve` fills them from a request, after checking them against
   * the patterns its config declares). They are allowed only in `service`, `environment`, `version` and
   * `strategy`, so that a request can never shape a query, a URL or a provider; a reference elsewhere, or to
   * a variable without a value, is a spec problem naming the field.
   */
  vars?: Record<string, string>;
}

/**
 * Parses and validates a spec from YAML text. `${env:NAME}` references are replaced from `options.env`,
 * so secrets never have to be written into the file. Pure: the caller reads files and the environment.
 */
export function loadSpec(text: string, options: LoadSpecOptions = {}): Spec {
  const source = options.source ?? 'spec';
  const parsed = parseYamlLimited(text);
  if ('problems' in parsed) throw new SpecError(source, parsed.problems);
  return validateSpec(parsed.value, options);
}

/**
 * Parses YAML text within the limits below (nesting, alias uses): the value, or the problems, one line each.
 * Shared by every YAML file Vigil reads from a user (specs, the `vigil serve` config).
 */
export function parseYamlLimited(text: string): { value: unknown } | { problems: SpecProblem[] } {
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { prettyErrors: true });
  } catch (e) {
    if (e instanceof RangeError) {
      return { problems: [{ path: '', message: `nested more than ${MAX_SPEC_DEPTH} levels deep` }] };
    }
    throw e;
  }
  if (doc.errors.length > 0) {
    // The parser reports a document nested beyond its stack as a syntax error; say what it is instead.
    const deep = doc.errors.find((e) => e.message.includes('call stack'));
    return {
      problems: deep
        ? [{ path: '', message: `nested more than ${MAX_SPEC_DEPTH} levels deep` }]
        : doc.errors.map((e) => ({ path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` })),
    };
  }
  const depth = depthOf(doc.contents);
  if (depth > MAX_SPEC_DEPTH) {
    return { problems: [{ path: '', message: `nested more than ${MAX_SPEC_DEPTH} levels deep` }] };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_SPEC_ALIASES }) };
  } catch (e) {
    // yaml throws a ReferenceError when aliases expand beyond the limit ("billion laughs").
    return {
      problems: [
        {
          path: '',
          message: `its aliases (*name) expand beyond the limit of ${MAX_SPEC_ALIASES} alias uses (${(e as Error).message})`,
        },
      ],
    };
  }
}

/**
 * Limits on a spec's YAML, so that a hostile or broken file is a one-line error, never a hang, an exhausted
 * memory or a stack overflow. A real spec is nested about 6 levels deep and uses a few aliases at most.
 */
export const MAX_SPEC_DEPTH = 64;
/** `maxAliasCount` of the yaml library: alias uses allowed while building the object (weighted by size). */
export const MAX_SPEC_ALIASES = 100;

/** Deepest nesting of maps and sequences under `node`, walked without recursion. */
function depthOf(node: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[node, 1]];
  while (stack.length > 0) {
    const [n, d] = stack.pop()!;
    if (isMap(n) || isSeq(n)) {
      if (d > max) max = d;
      if (d > MAX_SPEC_DEPTH) return d;
      for (const item of n.items) {
        if (isPair(item)) {
          stack.push([item.key, d + 1], [item.value, d + 1]);
        } else stack.push([item, d + 1]);
      }
    }
  }
  return max;
}

/** Validates an already-parsed spec object (Action inputs, Backstage profiles). */
export function validateSpec(raw: unknown, options: LoadSpecOptions = {}): Spec {
  const source = options.source ?? 'spec';
  const problems: SpecProblem[] = [];
  const fromEnv: string[] = [];
  // Presets expand first: they need the providers' types, which a replay replaces.
  const expanded = withPresets(raw, problems);
  const interpolated = interpolateEnv(
    options.replay === undefined ? expanded : replayed(expanded, options.replay, options.env ?? {}, fromEnv),
    options.env ?? {},
    [],
    problems,
    fromEnv,
  );
  // Variables go in after the environment, so that a value that looks like `${env:NAME}` stays text.
  // reportInput: a value of the wrong type is told from a missing one (`must be a string`, not `is required`).
  const result = specSchema.safeParse(interpolateVars(interpolated, options.vars, [], problems), {
    reportInput: true,
  });
  if (!result.success) problems.push(...result.error.issues.flatMap((issue) => describeIssue(issue)));
  if (problems.length > 0) throw new SpecError(source, problems);
  const spec = result.data!;
  problems.push(...crossFieldProblems(spec));
  if (problems.length > 0) throw new SpecError(source, problems);
  // Every value taken from the environment is a secret wherever it is used (see secrets.ts).
  return attachEnvSecrets(spec, fromEnv);
}

/**
 * Validates one provider's settings (what a spec holds under `providers.<name>`) against the spec's own schema,
 * for a caller that takes providers from elsewhere (the Backstage backend, from app-config). Returns the
 * settings, or every problem with its field path relative to the provider (`auth.token`, `pick.points`) and a
 * message saying what to write, as the spec loader words it (unknown fields get a "did you mean").
 */
export function validateProviderSpec(
  raw: unknown,
): { provider: ProviderSpec; problems?: undefined } | { provider?: undefined; problems: SpecProblem[] } {
  const result = providerSpecSchema.safeParse(raw, { reportInput: true });
  if (result.success) return { provider: result.data };
  return { problems: result.error.issues.flatMap((issue) => describeIssue(issue, providerSpecSchema)) };
}

/**
 * `raw` with every preset entry among its metrics (`- preset: http-red`) replaced, in place, by the preset's
 * metrics for the entry's provider type. A bad entry is a problem at its path (an unknown preset lists the
 * known ones) and expands to nothing.
 */
function withPresets(raw: unknown, problems: SpecProblem[]): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const spec = raw as Record<string, unknown>;
  if (!Array.isArray(spec.metrics) || !spec.metrics.some((m) => isObject(m) && 'preset' in m)) return raw;
  const providers = isObject(spec.providers) ? spec.providers : {};
  const strategy = isObject(spec.strategy) ? spec.strategy : {};
  const instanceLabel = typeof strategy.instanceLabel === 'string' ? strategy.instanceLabel : 'instance';
  const metrics = spec.metrics.flatMap((m, i): unknown[] => {
    if (!isObject(m) || !('preset' in m)) return [m];
    const parsed = presetEntrySchema.safeParse(m);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          // A preset entry has its own fields: suggest among them, not among a metric's.
          const known = Object.keys(presetEntrySchema.shape);
          problems.push(
            ...issue.keys.map((key) => ({
              path: formatPath(['metrics', i, key]),
              message: `unknown field of a preset entry${suggest(key, known)} (fields: ${known.join(', ')})`,
            })),
          );
        } else
          problems.push(
            ...describeIssue({ ...issue, path: ['metrics', i, ...issue.path] } as z.core.$ZodIssue),
          );
      }
      return [];
    }
    const entry = parsed.data;
    const names = Object.keys(providers);
    const name = entry.provider ?? (names.length === 1 ? names[0] : undefined);
    const config = name !== undefined ? providers[name] : undefined;
    if (name === undefined || !isObject(config)) {
      problems.push({
        path: formatPath(['metrics', i, 'provider']),
        message:
          name === undefined
            ? `name the provider whose queries the preset uses (one of ${names.join(', ') || 'none defined'})`
            : `"${name}" is not a provider under providers (${names.join(', ') || 'none defined'})`,
      });
      return [];
    }
    const out = expandPreset(entry, {
      providerType: String(config.type),
      instanceLabel,
      interval: presetInterval(spec.interval),
    });
    if (typeof out === 'string') {
      problems.push({ path: formatPath(['metrics', i, 'preset']), message: out });
      return [];
    }
    return out.map((metric) => ({ ...metric, ...(entry.provider ? { provider: entry.provider } : {}) }));
  });
  return { ...spec, metrics };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * `raw` with every provider answered from `recording`: the replay needs none of the providers' fields, so an
 * unset variable they name is no error; the values that are set still go to `fromEnv`, to be scrubbed.
 */
function replayed(
  raw: unknown,
  recording: string,
  env: Record<string, string | undefined>,
  fromEnv: string[],
): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const providers = (raw as Record<string, unknown>).providers;
  if (providers === null || typeof providers !== 'object' || Array.isArray(providers)) return raw;
  interpolateEnv(providers, env, ['providers'], [], fromEnv);
  return {
    ...raw,
    providers: Object.fromEntries(
      Object.keys(providers).map((name) => [name, { type: 'replay', file: recording, source: name }]),
    ),
  };
}

/** Renders a field path the way a person finds it in the YAML file. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/** A problem of a zod issue; `root` is the schema the issue's path starts from (for the known field names). */
function describeIssue(issue: z.core.$ZodIssue, root: unknown = specSchema): SpecProblem[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: `unknown field${suggest(key, knownKeysAt(issue.path, root))}`,
      }));
    case 'invalid_value':
      return [{ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` }];
    case 'invalid_union':
      if ('note' in issue && issue.note === 'No matching discriminator') {
        const at = issue.path.at(-1) === 'type' ? issue.path : [...issue.path, 'type'];
        return [
          {
            path: formatPath(at),
            message: issue.message.replace('Invalid discriminator value. Expected', 'must be one of'),
          },
        ];
      }
      return [{ path, message: issue.message }];
    case 'invalid_type':
      return [
        {
          path,
          message:
            issue.input === undefined
              ? `is required (${issue.expected})`
              : `must be ${article(issue.expected)}`,
        },
      ];
    case 'invalid_format':
      if (issue.format === 'url')
        return [{ path, message: 'must be an absolute URL such as https://host:port/path' }];
      return [{ path, message: issue.message }];
    case 'too_small':
    case 'too_big':
      if (issue.origin === 'number' || issue.origin === 'int') {
        const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
        const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
        return [{ path, message: `must be ${op} ${String(bound)}` }];
      }
      return [{ path, message: issue.message }];
    default:
      return [{ path, message: issue.message }];
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/**
 * A window must hold at least two polls: one point per instance cannot show a change, `interval: 0` would
 * poll without end, and an interval longer than the duration would silently stretch the window.
 */
function windowProblems(spec: Spec): SpecProblem[] {
  const interval = parseDuration(spec.interval);
  const duration = parseDuration(spec.duration);
  const shown = (v: number | string) => (typeof v === 'number' ? `${v}s` : v);
  if (!(interval > 0))
    return [{ path: 'interval', message: `must be longer than 0s (got ${shown(spec.interval)}); e.g. "1m"` }];
  if (interval > duration)
    return [
      {
        path: 'interval',
        message: `${shown(spec.interval)} is longer than the duration ${shown(spec.duration)}; make the interval at most half the duration`,
      },
    ];
  if (duration < 2 * interval)
    return [
      {
        path: 'duration',
        message: `${shown(spec.duration)} is shorter than two intervals (2 x ${shown(spec.interval)}); make it at least ${formatDuration(2 * interval)} or shorten the interval`,
      },
    ];
  return [];
}

function crossFieldProblems(spec: Spec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const providerNames = Object.keys(spec.providers);
  const checkProvider = (name: string | undefined, path: string) => {
    if (name === undefined) {
      if (providerNames.length > 1) {
        problems.push({
          path,
          message: `is required when several providers are defined (${providerNames.join(', ')})`,
        });
      }
    } else if (!providerNames.includes(name)) {
      problems.push({
        path,
        message: `names provider "${name}", which is not under providers (${providerNames.join(', ')})`,
      });
    }
  };
  problems.push(...windowProblems(spec));
  const seen = new Set<string>();
  spec.metrics.forEach((m, i) => {
    checkProvider(m.provider, `metrics[${i}].provider`);
    if (seen.has(m.name))
      problems.push({
        path: `metrics[${i}].name`,
        message: `"${m.name}" is used twice; names must be unique`,
      });
    seen.add(m.name);
    if (m.unit !== undefined && !parseUnit(m.unit)) {
      problems.push({ path: `metrics[${i}].unit`, message: unknownUnitMessage(m.unit) });
    }
    const checkLimit = (v: LimitValue | undefined, relative: boolean, path: string) => {
      if (v === undefined) return;
      const r = resolveLimit(v, m.unit !== undefined && parseUnit(m.unit) ? m.unit : undefined, relative);
      if ('error' in r) problems.push({ path, message: r.error });
      else if (relative && path.endsWith('maxDeviation') && !(r.value > 0))
        problems.push({ path, message: 'must be above 0, e.g. 0.1 or "10%"' });
    };
    m.ignore?.forEach((r, k) => {
      const at = `metrics[${i}].ignore[${k}]`;
      if (r.type === 'absolute') {
        checkLimit(r.lower, false, `${at}.lower`);
        checkLimit(r.upper, false, `${at}.upper`);
      } else checkLimit(r.maxDeviation, true, `${at}.maxDeviation`);
    });
    m.failFast?.forEach((r, k) => {
      const at = `metrics[${i}].failFast[${k}]`;
      checkLimit(r.above, r.type === 'relative', `${at}.above`);
      checkLimit(r.below, r.type === 'relative', `${at}.below`);
    });
    if (m.trafficMetric !== undefined && !spec.metrics.some((o) => o.name === m.trafficMetric)) {
      problems.push({
        path: `metrics[${i}].trafficMetric`,
        message: `names no metric of this spec ("${m.trafficMetric}")`,
      });
    }
  });
  if (spec.logs) checkProvider(spec.logs.provider, 'logs.provider');
  for (const [i, name] of (spec.markers ?? []).entries()) checkProvider(name, `markers[${i}]`);
  if (spec.metrics.length === 0 && !spec.logs)
    problems.push({ path: 'metrics', message: 'define at least one metric or `logs`' });
  for (const side of ['baseline', 'canary'] as const) {
    const pattern = spec.strategy[side]?.pattern;
    if (pattern !== undefined) {
      try {
        new RegExp(pattern);
      } catch (e) {
        problems.push({
          path: `strategy.${side}.pattern`,
          message: `is not a valid regular expression: ${(e as Error).message}`,
        });
      }
    }
  }
  return problems;
}

const VAR_REF = /\$\{var:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Top-level fields where `${var:NAME}` may appear (see LoadSpecOptions.vars). */
export const VAR_FIELDS: readonly string[] = ['service', 'environment', 'version', 'strategy'];

/** The names of the `${var:NAME}` references in a spec's values (not its comments), in order of first use. */
export function specVariables(text: string): string[] {
  const parsed = parseYamlLimited(text);
  const names = new Set<string>();
  const stack: unknown[] = ['problems' in parsed ? text : parsed.value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') for (const m of v.matchAll(VAR_REF)) names.add(m[1]!);
    else if (Array.isArray(v)) stack.push(...[...v].reverse());
    else if (v !== null && typeof v === 'object') stack.push(...Object.values(v).reverse());
  }
  return [...names];
}

function interpolateVars(
  value: unknown,
  vars: Record<string, string> | undefined,
  path: (string | number)[],
  problems: SpecProblem[],
): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${var:')) return value;
    return value.replace(VAR_REF, (ref, name: string) => {
      if (!VAR_FIELDS.includes(String(path[0]))) {
        problems.push({
          path: formatPath(path),
          message: `${ref} is allowed only in ${VAR_FIELDS.join(', ')}: a variable must never shape a query, a URL or a provider (queries use {{service}}, {{version}}, {{instances}}, escaped for their language)`,
        });
        return '';
      }
      const v = vars?.[name];
      if (v === undefined) {
        problems.push({
          path: formatPath(path),
          message: `refers to the variable ${name}, which has no value (vigil serve fills it from a request's vars)`,
        });
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateVars(v, vars, [...path, i], problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolateVars(v, vars, [...path, k], problems)]),
    );
  }
  return value;
}

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

function interpolateEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  path: (string | number)[],
  problems: SpecProblem[],
  fromEnv: string[],
): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_, name: string) => {
      const v = env[name];
      if (v) fromEnv.push(v);
      if (v === undefined || v === '') {
        problems.push({
          path: formatPath(path),
          message: `refers to the environment variable ${name}, which is not set`,
        });
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value))
    return value.map((v, i) => interpolateEnv(v, env, [...path, i], problems, fromEnv));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, [...path, k], problems, fromEnv)]),
    );
  }
  return value;
}

function knownKeysAt(path: readonly PropertyKey[], root: unknown): string[] {
  let schema: unknown = root;
  for (const key of path) {
    schema = unwrap(schema);
    const def = (
      schema as {
        def?: { type?: string; shape?: Record<string, unknown>; element?: unknown; valueType?: unknown };
      }
    ).def;
    if (!def) return [];
    if (typeof key === 'number' && def.element) schema = def.element;
    else if (def.shape && typeof key === 'string') schema = def.shape[key];
    else if (def.valueType) schema = def.valueType;
    else return [];
  }
  schema = unwrap(schema);
  const def = (schema as { def?: { shape?: Record<string, unknown>; options?: unknown[] } }).def;
  if (def?.shape) return Object.keys(def.shape);
  if (def?.options) {
    return [
      ...new Set(
        def.options.flatMap((o) => Object.keys((unwrap(o) as { def?: { shape?: object } }).def?.shape ?? {})),
      ),
    ];
  }
  return [];
}

function unwrap(schema: unknown): unknown {
  let s = schema as { def?: { type?: string; innerType?: unknown; in?: unknown } } | undefined;
  while (s?.def && ['default', 'optional', 'prefault', 'nullable', 'pipe'].includes(s.def.type ?? '')) {
    s = (s.def.innerType ?? s.def.in) as typeof s;
  }
  return s;
}

function suggest(key: string, known: string[]): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const k of known) {
    const d = levenshtein(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  if (best) return `; did you mean "${best}"?`;
  return known.length > 0 ? `; known fields: ${known.join(', ')}` : '';
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
