import { type Secrets, UserError } from '@vigil/core';

/**
 * The contract of a `vigil` subcommand. Commands are thin: they parse arguments, call the core, print.
 */
export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Working directory that relative paths resolve against. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /**
   * The run's secret values: everything written to `stdout` and `stderr` is scrubbed of them. Commands that
   * load a spec register its secrets here (see spec.ts); `main` creates it when absent.
   */
  secrets?: Secrets;
}

export interface Command {
  /** Words that select it, e.g. ['logs', 'parse']. */
  path: string[];
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text: usage, every option with its default, examples. */
  help: string;
  /** Returns the process exit code. Throw `UsageError` for bad arguments (exit 3 with the message). */
  run(argv: string[], io: CommandIO): Promise<number>;
}

/**
 * A mistake in how the command was called: exit code 3, message without a stack. A user error like every
 * other (core's UserError: spec, input files, paths, windows), which `main` reports the same way.
 */
export class UsageError extends UserError {
  override name = 'UsageError';
}
