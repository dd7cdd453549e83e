/**
 * The config of `vigil serve` (docs/serve.md): where it listens, how callers authenticate, its limits, and the
 * specs a request may run, each with the variables a request may fill. Queries, URLs and providers come only
 * from those spec files: a request names a spec and fills declared, pattern-checked variables, nothing more.
 * Pure: the caller reads the files and the environment.
 */
import { z } from 'zod';
import { UserError } from '../errors.ts';
import {
  formatPath,
  parseYamlLimited,
  problemsMessage,
  type SpecProblem,
  specVariables,
} from '../spec/load.ts';
import { durationSchema } from '../spec/schema.ts';
import { parseDuration } from '../spec/duration.ts';

/** Names a request uses for its own fields (and Flagger's metadata keys): never a variable's name. */
export const RESERVED_NAMES: readonly string[] = ['spec', 'vars', 'key', 'start', 'end', 'wait', 'token'];

/** What a variable's value must match when its config gives no pattern: a plain word, label-value safe. */
export const DEFAULT_VARIABLE_PATTERN = '[A-Za-z0-9][A-Za-z0-9._-]{0,127}';

/** Longest value of any variable, whatever its pattern allows. */
export const MAX_VARIABLE_LENGTH = 256;

const variableSchema = z
  .strictObject({
    pattern: z
      .string()
      .min(1)
      .optional()
      .describe(
        `Regular expression the whole value must match (it is anchored: ^(?:pattern)$). Default ${DEFAULT_VARIABLE_PATTERN}. Keep it narrow: the value lands in the spec field that names the variable.`,
      ),
    required: z
      .boolean()
      .default(true)
      .describe('A request must give it (default true, unless `default` is set).'),
    default: z
      .string()
      .optional()
      .describe('Value when a request does not give one; it must match the pattern.'),
    description: z.string().optional().describe('What the variable is, shown in errors about it.'),
  })
  .describe('A variable a request may fill: `${var:NAME}` in the spec file.');

const specEntrySchema = z.strictObject({
  file: z.string().min(1).describe('The spec file (YAML), relative to this config.'),
  variables: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name is a letter or _ then letters, digits, _'),
      variableSchema,
    )
    .default({})
    .describe(
      'The variables a request may fill, by name; the spec uses each as ${var:NAME} in service, environment, version or strategy.',
    ),
});

const durationField = (d: string, what: string) =>
  durationSchema.default(d).describe(`${what} Default ${d}.`);

export const serveConfigSchema = z
  .strictObject({
    apiVersion: z.literal('vigil/serve-v1').describe('Config format version.'),
    listen: z
      .strictObject({
        host: z
          .string()
          .default('127.0.0.1')
          .describe('Address to bind (default 127.0.0.1; 0.0.0.0 in a container).'),
        port: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .default(8080)
          .describe('Port (default 8080; 0 picks a free one).'),
      })
      .default({ host: '127.0.0.1', port: 8080 }),
    auth: z
      .strictObject({
        tokenEnv: z
          .string()
          .optional()
          .describe('Environment variable that holds the bearer token (default VIGIL_SERVE_TOKEN).'),
        tokenFile: z
          .string()
          .optional()
          .describe(
            'File that holds the bearer token (a mounted Kubernetes secret), relative to this config.',
          ),
      })
      .default({})
      .describe('Where the bearer token callers must send comes from: tokenEnv or tokenFile, not both.'),
    limits: z
      .strictObject({
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .default(16384)
          .describe('Largest request body, bytes; a larger one is answered 413. Default 16384.'),
        maxConcurrent: z
          .number()
          .int()
          .positive()
          .default(4)
          .describe('Verifications running at once; one more is answered 429 with Retry-After. Default 4.'),
        timeout: durationField(
          '2h',
          'Longest a verification may run before it is cancelled (never passed); every spec must fit in it.',
        ),
        maxWait: durationField(
          '10m',
          'Longest a request with `wait` is held before it gets the state so far.',
        ),
        retention: durationField(
          '24h',
          'How long a finished verification is kept: the same spec, variables and key get its result until then.',
        ),
        maxKept: z
          .number()
          .int()
          .positive()
          .default(1000)
          .describe('Finished verifications kept at most; the oldest go first. Default 1000.'),
      })
      .default({
        maxBodyBytes: 16384,
        maxConcurrent: 4,
        timeout: '2h',
        maxWait: '10m',
        retention: '24h',
        maxKept: 1000,
      }),
    specs: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a spec name is a word of letters, digits, ., _, -'),
        specEntrySchema,
      )
      .refine((s) => Object.keys(s).length > 0, { message: 'name at least one spec' })
      .describe('The specs a request may run, by the name a request uses.'),
  })
  .describe('The config of vigil serve.');

export type ServeConfigInput = z.input<typeof serveConfigSchema>;

/** One variable of a served spec, checked and ready to match values against. */
export interface ServeVariable {
  name: string;
  /** The whole-value matcher, `^(?:pattern)$`. */
  matcher: RegExp;
  /** The pattern as written (or the default), for messages. */
  pattern: string;
  required: boolean;
  default?: string;
  description?: string;
}

/** A spec a request may run. */
export interface ServedSpec {
  name: string;
  /** The spec file, as written in the config (resolve it against the config's folder). */
  file: string;
  variables: Map<string, ServeVariable>;
}

/** The validated config, durations in ms. */
export interface ServeConfig {
  listen: { host: string; port: number };
  auth: { tokenEnv?: string; tokenFile?: string };
  limits: {
    maxBodyBytes: number;
    maxConcurrent: number;
    timeoutMs: number;
    maxWaitMs: number;
    retentionMs: number;
    maxKept: number;
  };
  specs: Map<string, ServedSpec>;
}

/** A config that cannot be used: every bad field named by its path. */
export class ServeConfigError extends UserError {
  override name = 'ServeConfigError';
  readonly problems: SpecProblem[];
  constructor(source: string, problems: SpecProblem[]) {
    super(problemsMessage(source, 'vigil serve config', problems));
    this.problems = problems;
  }
}

/** Parses and validates the config's YAML text (`source` names it in errors). */
export function parseServeConfig(text: string, source: string): ServeConfig {
  const parsed = parseYamlLimited(text);
  if ('problems' in parsed) throw new ServeConfigError(source, parsed.problems);
  const result = serveConfigSchema.safeParse(parsed.value);
  if (!result.success) {
    throw new ServeConfigError(
      source,
      result.error.issues.map((i) => ({
        path: formatPath(i.path),
        message:
          i.code === 'unrecognized_keys'
            ? `unknown field(s) ${i.keys.join(', ')}`
            : i.code === 'invalid_type' && i.input === undefined
              ? `is required (${i.expected})`
              : i.message,
      })),
    );
  }
  const c = result.data;
  const problems: SpecProblem[] = [];
  if (c.auth.tokenEnv !== undefined && c.auth.tokenFile !== undefined)
    problems.push({ path: 'auth', message: 'give tokenEnv or tokenFile, not both' });
  const ms = (path: string, v: string | number): number => {
    try {
      const d = parseDuration(v);
      if (d > 0) return d;
      problems.push({ path, message: 'must be longer than 0s' });
    } catch (e) {
      problems.push({ path, message: (e as Error).message });
    }
    return 1;
  };
  const specs = new Map<string, ServedSpec>();
  for (const [name, entry] of Object.entries(c.specs)) {
    const variables = new Map<string, ServeVariable>();
    for (const [v, def] of Object.entries(entry.variables)) {
      const at = `specs.${name}.variables.${v}`;
      if (RESERVED_NAMES.includes(v)) {
        problems.push({ path: at, message: `"${v}" is a request field; name the variable otherwise` });
        continue;
      }
      const pattern = def.pattern ?? DEFAULT_VARIABLE_PATTERN;
      let matcher: RegExp;
      try {
        matcher = new RegExp(`^(?:${pattern})$`);
      } catch (e) {
        problems.push({
          path: `${at}.pattern`,
          message: `is not a valid regular expression: ${(e as Error).message}`,
        });
        continue;
      }
      if (def.default !== undefined && !matcher.test(def.default))
        problems.push({ path: `${at}.default`, message: `does not match the pattern ${pattern}` });
      variables.set(v, {
        name: v,
        matcher,
        pattern,
        required: def.default === undefined && def.required,
        ...(def.default !== undefined ? { default: def.default } : {}),
        ...(def.description !== undefined ? { description: def.description } : {}),
      });
    }
    specs.set(name, { name, file: entry.file, variables });
  }
  const config: ServeConfig = {
    listen: c.listen,
    auth: {
      ...(c.auth.tokenFile !== undefined ? { tokenFile: c.auth.tokenFile } : {}),
      ...(c.auth.tokenFile === undefined ? { tokenEnv: c.auth.tokenEnv ?? 'VIGIL_SERVE_TOKEN' } : {}),
    },
    limits: {
      maxBodyBytes: c.limits.maxBodyBytes,
      maxConcurrent: c.limits.maxConcurrent,
      timeoutMs: ms('limits.timeout', c.limits.timeout),
      maxWaitMs: ms('limits.maxWait', c.limits.maxWait),
      retentionMs: ms('limits.retention', c.limits.retention),
      maxKept: c.limits.maxKept,
    },
    specs,
  };
  if (problems.length > 0) throw new ServeConfigError(source, problems);
  return config;
}

/**
 * Problems of one served spec's text against its declared variables: a `${var:NAME}` the config does not
 * declare (a request could never fill it), and a declared variable the spec never uses (a typo, most likely).
 */
export function specVariableProblems(spec: ServedSpec, text: string): SpecProblem[] {
  const used = specVariables(text);
  const problems: SpecProblem[] = [];
  for (const name of used)
    if (!spec.variables.has(name))
      problems.push({
        path: `specs.${spec.name}.variables`,
        message: `${spec.file} uses \${var:${name}}, which is not declared here; declare it with the pattern its values must match`,
      });
  for (const name of spec.variables.keys())
    if (!used.includes(name))
      problems.push({
        path: `specs.${spec.name}.variables.${name}`,
        message: `${spec.file} never uses \${var:${name}}`,
      });
  return problems;
}

/** Values standing in for each variable when a served spec is checked at start-up: its default, else "x". */
export function sampleVariables(spec: ServedSpec): Record<string, string> {
  return Object.fromEntries([...spec.variables.values()].map((v) => [v.name, v.default ?? 'x']));
}

/** The longest run a spec can need: its initial delay plus its duration, ms. */
export function specRunMs(spec: { initialDelay: number | string; duration: number | string }): number {
  return parseDuration(spec.initialDelay) + parseDuration(spec.duration);
}
