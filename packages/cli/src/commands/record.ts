import { dirname, resolve } from 'node:path';
import { formatJudgmentText, progressLine } from '@vigil/core';
import { checkOutputFile, checkWritableDir, replaySpec, verify } from '@vigil/runtime';
import { parseCommandArgs, parseVars, required, varHelp, VAR_OPTION } from '../args.ts';
import type { Command } from '../command.ts';
import { loadSpec } from '../spec.ts';
import { exitCodeOfReport } from '../exitCode.ts';
import { readInput } from '../input.ts';
import { retrospective } from './verify.ts';

export const recordCommand: Command = {
  path: ['record'],
  summary: 'Run a verification live and keep all its data in a replay file',
  help: `Usage: vigil record -c SPEC --output FILE [--start TIME [--end TIME]] [--report-dir DIR] [--quiet]

Runs the verification like "vigil verify" and writes every answer the providers gave (metric series, log
events, problems) to FILE in the replay format (docs/replay-format.md). "vigil replay" re-runs it offline.

Options:
  -c, --config SPEC    the spec file (required)
${varHelp(23)}
  --output FILE        the recording to write (required)
  --start, --end TIME  record a past window at once (as "vigil verify --start/--end")
  --report-dir DIR     also write the reports
  --quiet              no progress lines
  -h, --help           this help

Exit codes: as "vigil verify".
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('record', argv, {
      config: { type: 'string', short: 'c' },
      ...VAR_OPTION,
      output: { type: 'string' },
      'report-dir': { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      quiet: { type: 'boolean' },
    });
    const specPath = resolve(io.cwd, required('record', 'config', values.config));
    const output = resolve(io.cwd, required('record', 'output', values.output));
    const { spec, startedAt } = retrospective(
      await loadSpec(specPath, io, undefined, parseVars('record', values.var)),
      values.start,
      values.end,
    );
    const reportDir = values['report-dir'] ? resolve(io.cwd, values['report-dir'] as string) : undefined;
    await checkOutputFile(output, '--output', [{ option: '-c', path: specPath }]);
    if (reportDir) await checkWritableDir(reportDir, '--report-dir');
    const { report, result } = await verify({
      spec,
      specDir: dirname(specPath),
      record: output,
      ...(startedAt !== undefined ? { startedAt } : {}),
      signal: io.signal,
      ...(reportDir ? { reportDir } : {}),
      onProgress: (p) => {
        if (!values.quiet) io.stderr.write(`${progressLine(p)}\n`);
      },
    });
    io.stdout.write(`${formatJudgmentText(result.judgment)}\nrecording: ${output}\n`);
    return exitCodeOfReport(report);
  },
};

export const replayCommand: Command = {
  path: ['replay'],
  summary: 'Re-run a recorded verification offline, at once',
  help: `Usage: vigil replay -c SPEC --recording FILE [--report-dir DIR] [--json]

Runs the spec with every provider answered from a recording made by "vigil record": the same queries, the
same data, no network, no secrets: the providers' \${env:NAME} variables may be unset. The recorded
timeline runs at once instead of waiting. Change the spec's judgment
settings (sensitivity, judge, rules) to see how they would have decided.

Options:
  -c, --config SPEC     the spec file (required)
${varHelp(24)}
  --recording FILE      the recording (required)
  --report-dir DIR      write the reports
  --json                print the JSON report
  -h, --help            this help

Exit codes: as "vigil verify".
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('replay', argv, {
      config: { type: 'string', short: 'c' },
      ...VAR_OPTION,
      recording: { type: 'string' },
      'report-dir': { type: 'string' },
      json: { type: 'boolean' },
    });
    const specPath = resolve(io.cwd, required('replay', 'config', values.config));
    const recording = resolve(io.cwd, required('replay', 'recording', values.recording));
    await readInput(recording, '--recording');
    // The recording answers every provider, so their variables (tokens, URLs) need not be set.
    const spec = replaySpec(
      await loadSpec(specPath, io, recording, parseVars('replay', values.var)),
      recording,
    );
    const reportDir = values['report-dir'] ? resolve(io.cwd, values['report-dir'] as string) : undefined;
    if (reportDir) await checkWritableDir(reportDir, '--report-dir');
    const { report, result } = await verify({
      spec,
      specDir: dirname(specPath),
      signal: io.signal,
      ...(reportDir ? { reportDir } : {}),
    });
    io.stdout.write(
      values.json ? `${JSON.stringify(report, null, 2)}\n` : formatJudgmentText(result.judgment),
    );
    return exitCodeOfReport(report);
  },
};
