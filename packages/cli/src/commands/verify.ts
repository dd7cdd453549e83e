import { dirname, resolve } from 'node:path';
import { formatDuration, formatJudgmentText, type Progress } from '@vigil/core';
import { checkWritableDir, verify } from '@vigil/runtime';
import { parseCommandArgs, required } from '../args.ts';
import type { Command } from '../command.ts';
import { loadSpec } from '../spec.ts';
import { exitCodeOfReport } from '../exitCode.ts';

export const verifyCommand: Command = {
  path: ['verify'],
  summary: 'Run a verification from a spec file: poll, judge, explain, write reports',
  help: `Usage: vigil verify -c SPEC [options]

Runs the verification a spec describes (see docs/spec.schema.json): waits the initial delay, polls every
interval for the duration, judges all data so far after each poll, stops early when the evidence is decisive,
and prints the explained verdict. Specs whose providers are all replays run at once.
Ctrl-C (SIGINT) or SIGTERM ends the run with a partial report and an inconclusive verdict, never a pass.

Options:
  -c, --config SPEC     the spec file (required)
  --report-dir DIR      write report.json, report.md and report.html there
  --json                print the JSON report instead of text
  --quiet               no progress lines on stderr
  -h, --help            this help

Exit codes: 0 passed, 1 failed, 2 inconclusive, could not verify (a critical metric, or any metric when none
is critical, was not judged) or cancelled, 3 usage or spec error, 4 internal error.

Example:
  vigil verify -c examples/checkout/vigil.yaml --report-dir out/checkout
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('verify', argv, {
      config: { type: 'string', short: 'c' },
      'report-dir': { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
    });
    const specPath = resolve(io.cwd, required('verify', 'config', values.config));
    const spec = await loadSpec(specPath, io);
    const reportDir = values['report-dir'] ? resolve(io.cwd, values['report-dir'] as string) : undefined;
    if (reportDir) await checkWritableDir(reportDir, '--report-dir');
    const log = (line: string) => {
      if (!values.quiet) io.stderr.write(`${line}\n`);
    };
    log(
      `vigil: verifying ${spec.service}${spec.version ? ` ${spec.version}` : ''} (${spec.duration} every ${spec.interval}, sensitivity ${spec.sensitivity})`,
    );
    const { result, report, files } = await verify({
      spec,
      specDir: dirname(specPath),
      ...(reportDir ? { reportDir } : {}),
      signal: io.signal,
      onProgress: (p) => log(progressLine(p)),
    });
    if (values.json) {
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const status = result.status === 'completed' ? '' : `(${result.stopReason})\n`;
      io.stdout.write(`${status}${formatJudgmentText(result.judgment)}`);
      if (files)
        io.stdout.write(`\nreports: ${files.html}\n         ${files.json}\n         ${files.markdown}\n`);
    }
    return exitCodeOfReport(report);
  },
};

export function progressLine(p: Progress): string {
  const at = new Date(p.now).toISOString().slice(11, 19);
  const left = p.remaining > 0 ? ` · ${formatDuration(p.remaining)} left` : '';
  return `[${at}] ${p.phase === 'polling' ? '' : `${p.phase}: `}${p.message}${p.phase === 'polling' ? left : ''}`;
}
