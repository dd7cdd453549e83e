import { dirname, resolve } from 'node:path';
import { doctor, formatDoctor } from '@vigil/runtime';
import { parseCommandArgs, parseVars, required, varHelp, VAR_OPTION } from '../args.ts';
import type { Command } from '../command.ts';
import { loadSpec } from '../spec.ts';

export const doctorCommand: Command = {
  path: ['doctor'],
  summary: 'Check providers (reachable, credentials, permissions) and that every query returns data',
  help: `Usage: vigil doctor -c SPEC [--json]

Checks, for each provider of the spec: that it is reachable, that the credentials are valid and have the
permissions (scopes) Vigil needs; then, for each metric query and group, that it returns data over the last
five intervals (for replayed specs: the end of the recording). One line per check; hints under failures.

Options:
  -c, --config SPEC   the spec file (required)
${varHelp(22)}
  --json              print the checks as JSON
  -h, --help          this help

Exit codes: 0 all checks passed, 1 a check failed, 3 usage or spec error.
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('doctor', argv, {
      config: { type: 'string', short: 'c' },
      ...VAR_OPTION,
      json: { type: 'boolean' },
    });
    const specPath = resolve(io.cwd, required('doctor', 'config', values.config));
    const spec = await loadSpec(specPath, io, undefined, parseVars('doctor', values.var));
    const lines = await doctor(spec, { specDir: dirname(specPath), signal: io.signal });
    io.stdout.write(values.json ? `${JSON.stringify(lines, null, 2)}\n` : formatDoctor(lines));
    return lines.every((l) => l.ok) ? 0 : 1;
  },
};
