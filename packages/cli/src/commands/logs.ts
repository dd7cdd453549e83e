import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { resolve } from 'node:path';
import {
  compareLogs,
  type FeedbackRule,
  type LogComparison,
  parseFeedback,
  parseLogText,
  SENSITIVITIES,
} from '@vigil/core';
import { oneOf, parseCommandArgs, required } from '../args.ts';
import { type Command, UsageError } from '../command.ts';
import { checkReadable, readInput } from '../input.ts';
import { checkOutputFile, parseLogStream, tempPathBeside } from '@vigil/runtime';

export const logsParseCommand: Command = {
  path: ['logs', 'parse'],
  summary: 'Mine log templates: one message per line in, CSV of LineId,EventId,EventTemplate out',
  help: `Usage: vigil logs parse --input FILE [--output FILE]

Mines the templates of a log file (one message per line, without its header; JSON Lines with a
"message" field also work) and writes CSV with the header LineId,EventId,EventTemplate: LineId counts
lines from 1, EventId is the cluster's stable id (a hash of its template), variables are <*>.
This is the format Loghub's evaluators read.

Options:
  --input FILE     log messages (required)
  --output FILE    CSV file to write (default: standard output); never the input, its folder is created

The input is read as a stream; per line, only a 4-byte index is kept, in a temporary file under TMPDIR
(removed at the end), so memory grows with the number of distinct templates, not with the size of the
file (under 300 MB for a 1 GB log; pnpm bench logs --memory measures it).
  -h, --help       this help

Example:
  vigil logs parse --input app.log --output app_templates.csv
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('logs parse', argv, {
      input: { type: 'string' },
      output: { type: 'string' },
    });
    const inputPath = resolve(io.cwd, required('logs parse', 'input', values.input));
    await checkReadable(inputPath, '--input');
    if (typeof values.output !== 'string' || values.output === '') {
      await parseLogStream(inputPath, io.stdout, messageOf);
      return 0;
    }
    // Written beside the output and renamed over it at the end: a failed run leaves no half file, and the
    // output is never the input (checked first, through links and relative paths).
    const outputPath = resolve(io.cwd, values.output);
    await checkOutputFile(outputPath, '--output', [{ option: '--input', path: inputPath }]);
    const tmp = tempPathBeside(outputPath);
    const out = createWriteStream(tmp);
    try {
      await parseLogStream(inputPath, out, messageOf);
      out.end();
      await finished(out);
      await rename(tmp, outputPath);
    } catch (e) {
      out.destroy();
      await unlink(tmp).catch(() => {});
      throw e;
    }
    return 0;
  },
};

export const logsCompareCommand: Command = {
  path: ['logs', 'compare'],
  summary: 'Compare canary logs with baseline logs: new, unexpectedly frequent and gone clusters',
  help: `Usage: vigil logs compare --baseline FILE --canary FILE [options]

Mines the templates of both files together (so a cluster has one id on both sides) and classes each
cluster as known, unknown (new in the canary), unexpected frequency (significantly more frequent in the
canary, per log volume or per traffic) or gone; its risk weighs the class, the level (error > warn >
info) and the volume. Input files are JSON Lines ({"t": ..., "message": ..., "level": ...}) or plain text,
one message per line, with the level detected from the text.

Options:
  --baseline FILE          baseline logs (required)
  --canary FILE            canary logs (required)
  --feedback FILE          YAML feedback rules (rules: [{cluster|template, action, reason}]); actions:
                           not-a-risk-ignore-frequency, not-a-risk-consider-frequency, medium, high
  --sensitivity S          low | medium | high (default: medium)
  --traffic-baseline N     baseline traffic (e.g. requests) to normalise rates by, instead of log volume
  --traffic-canary N       canary traffic (both or neither)
  --all                    list known clusters too (default: only new, unexpected and gone)
  --json                   print the whole comparison as JSON
  -h, --help               this help

Exit codes: 0 pass (or warn), 1 fail, 2 inconclusive (no canary logs), 3 usage or input error.

Example:
  vigil logs compare --baseline before.jsonl --canary after.jsonl --feedback .vigil/log-feedback.yaml
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('logs compare', argv, {
      baseline: { type: 'string' },
      canary: { type: 'string' },
      feedback: { type: 'string' },
      sensitivity: { type: 'string' },
      'traffic-baseline': { type: 'string' },
      'traffic-canary': { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const baselinePath = resolve(io.cwd, required('logs compare', 'baseline', values.baseline));
    const canaryPath = resolve(io.cwd, required('logs compare', 'canary', values.canary));
    const sensitivity = oneOf(
      'logs compare',
      'sensitivity',
      values.sensitivity as string | undefined,
      SENSITIVITIES,
      'medium',
    );
    const traffic = trafficOf(
      values['traffic-baseline'] as string | undefined,
      values['traffic-canary'] as string | undefined,
    );
    let feedback: FeedbackRule[] = [];
    if (typeof values.feedback === 'string' && values.feedback !== '') {
      const feedbackPath = resolve(io.cwd, values.feedback);
      const text = await readInput(feedbackPath, '--feedback');
      feedback = parseFeedback(text, values.feedback as string);
    }
    const baselineText = await readInput(baselinePath, '--baseline');
    const canaryText = await readInput(canaryPath, '--canary');
    const baseline = parseLogText(baselineText, values.baseline as string);
    const canary = parseLogText(canaryText, values.canary as string);
    const comparison = compareLogs(baseline, canary, {
      feedback,
      sensitivity,
      ...(traffic ? { traffic } : {}),
    });
    io.stdout.write(
      values.json
        ? `${JSON.stringify(comparison, null, 2)}\n`
        : formatComparison(comparison, values.all === true),
    );
    return comparison.outcome === 'fail' ? 1 : comparison.outcome === 'no-data' ? 2 : 0;
  },
};

function trafficOf(
  b: string | undefined,
  c: string | undefined,
): { baseline: number; canary: number } | undefined {
  if (b === undefined && c === undefined) return undefined;
  if (b === undefined || c === undefined) {
    throw new UsageError('vigil logs compare: give both --traffic-baseline and --traffic-canary, or neither');
  }
  const num = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0)
      throw new UsageError(`vigil logs compare: --${name} must be a positive number (got "${v}")`);
    return n;
  };
  return { baseline: num('traffic-baseline', b), canary: num('traffic-canary', c) };
}

/** Text report: the verdict, then one line per cluster worth a look. */
export function formatComparison(c: LogComparison, all: boolean): string {
  const lines = [c.explanation, ''];
  const shown = c.clusters.filter((x) => all || x.class !== 'known');
  if (shown.length === 0) lines.push('No new, unexpectedly frequent or gone clusters.');
  else {
    lines.push('RISK    CLASS                 LEVEL    CANARY  BASELINE  CLUSTER          TEMPLATE');
    for (const x of shown) {
      lines.push(
        [
          x.riskLevel.padEnd(6),
          x.class.padEnd(20),
          x.level.padEnd(7),
          String(x.canary).padStart(7),
          String(x.baseline).padStart(9),
          x.clusterId.padEnd(15),
          x.template,
        ].join('  '),
      );
      if (x.feedback) lines.push(`        feedback: ${x.feedback.action} (${x.feedback.reason})`);
      if (x.class !== 'known' && x.class !== 'gone' && x.samples[0] !== undefined)
        lines.push(`        e.g. ${x.samples[0]}`);
    }
  }
  lines.push('', `Logs: ${c.outcome} (risk ${c.risk.toFixed(2)}, ${c.riskLevel})`);
  return `${lines.join('\n')}\n`;
}

/** The message of a `logs parse` input line: the line itself, or the message field of a JSON line. */
function messageOf(line: string): string {
  if (!line.trimStart().startsWith('{')) return line;
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    const m = o.message ?? o.msg ?? o.content;
    return typeof m === 'string' ? m : line;
  } catch {
    return line;
  }
}
