import { Writable } from 'node:stream';
import { isUserError, Secrets } from '@vigil/core';
import type { Command, CommandIO } from './command.ts';
import { commands } from './commands/index.ts';

import { VERSION } from './version.ts';

/** Exit codes: 0 pass, 1 fail, 2 inconclusive, 3 usage or input error, 4 internal error. */
export async function main(argv: string[], given: CommandIO): Promise<number> {
  // Everything printed goes through the run's secret registry, filled when a command loads its spec.
  const secrets = given.secrets ?? new Secrets();
  const io: CommandIO = {
    ...given,
    secrets,
    stdout: scrubbing(given.stdout, secrets),
    stderr: scrubbing(given.stderr, secrets),
  };
  const write = (s: string) => io.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    const target = argv[0] === 'help' ? find(argv.slice(1)) : undefined;
    write(target ? target.command.help : overview());
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    write(VERSION);
    return 0;
  }
  const found = find(argv);
  if (!found) {
    io.stderr.write(
      `vigil: unknown command "${argv.filter((a) => !a.startsWith('-')).join(' ')}"\n\n${overview()}`,
    );
    return 3;
  }
  const rest = argv.slice(found.command.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    write(found.command.help);
    return 0;
  }
  try {
    return await found.command.run(rest, io);
  } catch (e) {
    const err = e as Error;
    if (isUserError(err)) {
      io.stderr.write(`vigil: ${err.message}\n`);
      return 3;
    }
    io.stderr.write(`vigil: internal error: ${err.stack ?? err.message}\n`);
    return 4;
  }
}

function find(argv: string[]): { command: Command } | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const matches = commands.filter((c) => c.path.every((p, i) => argv[i] === p && words[i] === p));
  matches.sort((a, b) => b.path.length - a.path.length);
  return matches[0] ? { command: matches[0] } : undefined;
}

function overview(): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return [
    'vigil: continuous verification of deployments against real monitoring data',
    '',
    'Usage: vigil <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Run "vigil <command> --help" for its options.',
    'Exit codes: 0 pass, 1 fail, 2 inconclusive, 3 usage or input error, 4 internal error.',
    '',
  ].join('\n');
}

/** A stream that writes to `target` with every secret of `secrets` scrubbed, keeping its back-pressure. */
function scrubbing(target: NodeJS.WritableStream, secrets: Secrets): NodeJS.WritableStream {
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      if (target.write(secrets.scrub(text))) done();
      else target.once('drain', () => done());
    },
  });
}
