#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LOGS_PARSE_NODE_FLAGS } from './nodeFlags.ts';

const argv = process.argv.slice(2);
// `logs parse` keeps little but allocates a short string per line; with V8's default young generation the
// heap's slack alone is a few hundred MB on a large file. It runs in a child with a small young generation
// (flags only take effect at start-up), so that its memory stays bounded whatever the input's size.
if (
  argv[0] === 'logs' &&
  argv[1] === 'parse' &&
  !LOGS_PARSE_NODE_FLAGS.every((f) => process.execArgv.includes(f))
) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...LOGS_PARSE_NODE_FLAGS, fileURLToPath(import.meta.url), ...argv],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 130 : 4);
  });
} else {
  // Signal handlers go in before the rest of the CLI is loaded, so that a SIGTERM during start-up already ends
  // the run with a partial report instead of killing the process.
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort(new Error(`received ${signal}`));
    });
  }
  // A reader that stops early (`vigil logs parse ... | head`) closes the pipe: that ends the command quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const { main } = await import('./main.ts');
  process.exitCode = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    signal: controller.signal,
  });
}
