import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/index.ts';

/** The repository root: the default working directory, so that `examples/...` paths resolve. */
export const root = resolve(import.meta.dirname, '../../../..');

/** What one in-process run of the CLI printed and the exit code it returned. */
export interface VigilRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `vigil <argv>` in-process through `main` and captures its output. `cwd` defaults to the repository root;
 * `env` defaults to empty, so a test never depends on the variables of the shell that runs it.
 */
export async function runVigil(
  argv: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<VigilRun> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => {
    stdout += c;
  });
  err.on('data', (c) => {
    stderr += c;
  });
  const code = await main(argv, {
    stdout: out,
    stderr: err,
    cwd: options.cwd ?? root,
    env: options.env ?? {},
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
