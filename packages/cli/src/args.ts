import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './command.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `node:util` parseArgs with errors a person can act on: an unknown or malformed option becomes a
 * UsageError that names it and points at `--help`.
 */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(
      `${(e as Error).message.replace(/\. To specify.*$/s, '')}\nRun "vigil ${command} --help" for the options.`,
    );
  }
}

/** The value of a required option, or a UsageError naming it. */
export function required(
  command: string,
  name: string,
  value: string | boolean | undefined | (string | boolean)[],
): string {
  if (typeof value !== 'string' || value === '')
    throw new UsageError(`vigil ${command}: --${name} is required. Run "vigil ${command} --help".`);
  return value;
}

/** Checks that an option's value is one of the allowed words. */
export function oneOf<T extends string>(
  command: string,
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`vigil ${command}: --${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

/** The option `--var NAME=VALUE` (repeatable): values for a spec's `${var:NAME}` references. */
export const VAR_OPTION = { var: { type: 'string', multiple: true } } as const;

/** Help line of `--var`, its text starting at `column` like the command's other options. */
export function varHelp(column: number): string {
  return `${'  --var NAME=VALUE'.padEnd(column)}fill \${var:NAME} in the spec (repeatable; as vigil serve fills it)`;
}

/** The `--var NAME=VALUE` values as a map; a malformed one is a UsageError naming it. */
export function parseVars(command: string, given: string[] | undefined): Record<string, string> | undefined {
  if (!given || given.length === 0) return undefined;
  const vars: Record<string, string> = {};
  for (const g of given) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(g);
    if (!m)
      throw new UsageError(`vigil ${command}: --var "${g}" is not NAME=VALUE (e.g. --var version=1.4.2)`);
    vars[m[1]!] = m[2]!;
  }
  return vars;
}
