import { dirname, resolve } from 'node:path';
import { checkOutputFile, createFlare, doctor, formatDoctor } from '@vigil/runtime';
import { parseCommandArgs, parseVars, required, varHelp, VAR_OPTION } from '../args.ts';
import type { Command } from '../command.ts';
import { loadSpec } from '../spec.ts';
import { VERSION } from '../version.ts';

export const flareCommand: Command = {
  path: ['flare'],
  summary: 'Collect a redacted diagnostic bundle (spec, versions, doctor output, last reports)',
  help: `Usage: vigil flare -c SPEC [--report-dir DIR] [--output FILE]

Writes a .tar.gz to attach to a bug report: the spec with every secret replaced by ***, the versions of
Vigil, Node.js and the OS, the output of "vigil doctor", and the last reports from --report-dir. Every file is
scrubbed of every secret the spec holds, including secrets that leaked into messages.

Options:
  -c, --config SPEC    the spec file (required)
${varHelp(23)}
  --report-dir DIR     where "vigil verify --report-dir" wrote the last reports
  --output FILE        the bundle to write (default: vigil-flare-<time>.tar.gz)
  -h, --help           this help
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('flare', argv, {
      config: { type: 'string', short: 'c' },
      ...VAR_OPTION,
      'report-dir': { type: 'string' },
      output: { type: 'string' },
    });
    const specPath = resolve(io.cwd, required('flare', 'config', values.config));
    const spec = await loadSpec(specPath, io, undefined, parseVars('flare', values.var));
    const output = resolve(
      io.cwd,
      (values.output as string | undefined) ??
        `vigil-flare-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`,
    );
    await checkOutputFile(output, '--output', [{ option: '-c', path: specPath }]);
    const lines = await doctor(spec, { specDir: dirname(specPath), signal: io.signal });
    const { path, files } = await createFlare({
      spec,
      doctor: formatDoctor(lines),
      ...(values['report-dir'] ? { reportDir: resolve(io.cwd, values['report-dir'] as string) } : {}),
      output,
      versions: { vigil: VERSION, node: process.version, platform: `${process.platform} ${process.arch}` },
    });
    io.stdout.write(`wrote ${path}\n${files.map((f) => `  ${f}`).join('\n')}\n`);
    return 0;
  },
};
