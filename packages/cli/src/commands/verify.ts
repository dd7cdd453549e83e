import { dirname, resolve } from 'node:path';
import { formatJudgmentText, OUTCOMES, type Outcome, progressLine, type Spec } from '@vigil/core';
import {
  checkOutputFile,
  checkWritableDir,
  type NotifyOptions,
  parseTimeArg,
  previousOutcomeOf,
  recordOutcome,
  retrospectiveWindow,
  verify,
} from '@vigil/runtime';
import { oneOf, parseCommandArgs, parseVars, required, varHelp, VAR_OPTION } from '../args.ts';
import { type Command, UsageError } from '../command.ts';
import { loadSpec } from '../spec.ts';
import { exitCodeOfReport } from '../exitCode.ts';

export const verifyCommand: Command = {
  path: ['verify'],
  summary: 'Run a verification from a spec file: poll, judge, explain, write reports',
  help: `Usage: vigil verify -c SPEC [options]

Runs the verification a spec describes (see docs/spec.schema.json): waits the initial delay, polls every
interval for the duration, judges all data so far after each poll, stops early when the evidence is decisive,
and prints the explained verdict. Specs whose providers are all replays run at once.
With --start (and --end) it verifies a past deployment against the live providers at once: the same polls,
judgments and early stops a live run from --start would have made, without the wait.
Ctrl-C (SIGINT) or SIGTERM ends the run with a partial report and an inconclusive verdict, never a pass.

Options:
  -c, --config SPEC     the spec file (required)
${varHelp(24)}
  --start TIME          verify a past deployment: the run is taken to start (deploy) at TIME; ISO 8601
                        (2026-12-02T10:00:00Z), epoch seconds, "now" or relative ("now-2h", --start=-2h)
  --end TIME            end of the judged window (default: --start + initialDelay + duration); must be
                        in the past. A window a provider no longer keeps is refused (exit 3)
  --report-dir DIR      write report.json, report.md and report.html there
  --run-url URL         link to where this run is (a CI job), put in notifications and the report
  --report-url URL      link to the published HTML report for notifications (default: the report's path)
  --previous-outcome O  outcome of the previous verification of this service and environment (passed,
                        failed, inconclusive, could-not-verify, cancelled): a pass after a failure is
                        then sent as a recovery. Without it (or --notify-state) no recovery is sent
  --notify-state FILE   a JSON file that keeps the last outcome per service and environment: read for
                        the previous outcome, written with this one (created when missing)
  --no-notify           send none of the spec's notifications
  --json                print the JSON report instead of text
  --quiet               no progress lines on stderr
  -h, --help            this help

Notifications (the spec's notify list) are sent when the run ends; one that cannot be delivered is a
warning on stderr and never changes the exit code (docs/notifications.md).

Exit codes: 0 passed, 1 failed, 2 inconclusive, could not verify (a critical metric, or any metric when none
is critical, was not judged) or cancelled, 3 usage or spec error, 4 internal error.

Examples:
  vigil verify -c examples/checkout/vigil.yaml --report-dir out/checkout
  vigil verify -c examples/checkout/vigil.yaml --start now-3h --end now-2h
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('verify', argv, {
      config: { type: 'string', short: 'c' },
      ...VAR_OPTION,
      'report-dir': { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      'run-url': { type: 'string' },
      'report-url': { type: 'string' },
      'previous-outcome': { type: 'string' },
      'notify-state': { type: 'string' },
      'no-notify': { type: 'boolean' },
    });
    const specPath = resolve(io.cwd, required('verify', 'config', values.config));
    const { spec, startedAt } = retrospective(
      await loadSpec(specPath, io, undefined, parseVars('verify', values.var)),
      values.start,
      values.end,
    );
    const reportDir = values['report-dir'] ? resolve(io.cwd, values['report-dir'] as string) : undefined;
    if (reportDir) await checkWritableDir(reportDir, '--report-dir');
    const log = (line: string) => {
      if (!values.quiet) io.stderr.write(`${line}\n`);
    };
    log(
      `vigil: verifying ${spec.service}${spec.version ? ` ${spec.version}` : ''} (${spec.duration} every ${spec.interval}, sensitivity ${spec.sensitivity}${startedAt !== undefined ? `, retrospective from ${new Date(startedAt).toISOString()}` : ''})`,
    );
    const notify = await notifyOptions(spec, values, io.cwd, specPath);
    const { result, report, files, notifications } = await verify({
      spec,
      specDir: dirname(specPath),
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(reportDir ? { reportDir } : {}),
      signal: io.signal,
      onProgress: (p) => log(progressLine(p)),
      ...(typeof values['run-url'] === 'string' ? { links: { run: values['run-url'] } } : {}),
      ...(notify ? { notify: notify.options } : {}),
    });
    // Warnings, not progress: shown even with --quiet, never changing the exit code.
    for (const w of notifications?.warnings ?? []) io.stderr.write(`vigil: warning: ${w}\n`);
    if (notifications && notifications.sent.length > 0)
      log(`vigil: notified ${notifications.sent.join(', ')}`);
    if (notify?.stateFile) {
      try {
        await recordOutcome(notify.stateFile, spec, report);
      } catch (e) {
        io.stderr.write(`vigil: warning: --notify-state: ${(e as Error).message}\n`);
      }
    }
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

/**
 * The spec and start of the run that --start/--end ask for (`vigil verify` and `vigil record`): unchanged for
 * a live run, else the past window (see @vigil/runtime retrospective.ts), checked against one "now".
 */
export function retrospective(
  spec: Spec,
  start: string | boolean | undefined,
  end: string | boolean | undefined,
): { spec: Spec; startedAt?: number } {
  if (typeof start !== 'string' && typeof end !== 'string') return { spec };
  if (typeof start !== 'string')
    throw new UsageError('--end needs --start (when the deployment to verify happened)');
  const now = Date.now();
  const window = {
    start: parseTimeArg(start, now, '--start'),
    ...(typeof end === 'string' ? { end: parseTimeArg(end, now, '--end') } : {}),
  };
  return retrospectiveWindow(spec, window, now);
}

/**
 * The notification options of --run-url, --report-url, --previous-outcome and --notify-state; undefined
 * with --no-notify (nothing is sent). The previous outcome is only what the caller states or the state file
 * holds: an unknown one makes no recovery.
 */
async function notifyOptions(
  spec: Spec,
  values: Record<string, string | boolean | undefined | (string | boolean)[]>,
  cwd: string,
  specPath: string,
): Promise<{ options: NotifyOptions; stateFile?: string } | undefined> {
  if (values['no-notify']) return undefined;
  for (const name of ['run-url', 'report-url'] as const) {
    const v = values[name];
    if (typeof v === 'string' && !/^https?:\/\/\S+$/.test(v))
      throw new UsageError(`vigil verify: --${name} must be an http(s) URL (got "${v}")`);
  }
  const stated = values['previous-outcome'];
  const stateFile =
    typeof values['notify-state'] === 'string' ? resolve(cwd, values['notify-state']) : undefined;
  // An output like the reports: checked before the run, and never the spec it reads.
  if (stateFile) await checkOutputFile(stateFile, '--notify-state', [{ option: '--config', path: specPath }]);
  if (typeof stated === 'string' && stateFile)
    throw new UsageError('vigil verify: give --previous-outcome or --notify-state, not both');
  const previousOutcome: Outcome | undefined =
    typeof stated === 'string'
      ? oneOf('verify', 'previous-outcome', stated, OUTCOMES, 'passed')
      : stateFile
        ? await previousOutcomeOf(stateFile, spec)
        : undefined;
  const links = {
    ...(typeof values['run-url'] === 'string' ? { run: values['run-url'] } : {}),
    ...(typeof values['report-url'] === 'string' ? { report: values['report-url'] } : {}),
  };
  return {
    options: { ...(previousOutcome ? { previousOutcome } : {}), links },
    ...(stateFile ? { stateFile } : {}),
  };
}
