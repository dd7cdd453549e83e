import { reportJsonSchema, specJsonSchema } from '@vigil/core';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

export const schemaCommand: Command = {
  path: ['schema'],
  summary: 'Print the JSON Schema of the verification spec (or of the report)',
  help: `Usage: vigil schema [--report]

Prints the JSON Schema of the verification spec (vigil.yaml). Point your editor's YAML language server at it:
  # yaml-language-server: $schema=./vigil.schema.json
With --report, prints the JSON Schema of report.json instead. Both are committed under docs/.

Options:
  --report     the schema of the JSON report (vigil.report/v1)
  -h, --help   this help
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('schema', argv, { report: { type: 'boolean' } });
    io.stdout.write(`${JSON.stringify(values.report ? reportJsonSchema() : specJsonSchema(), null, 2)}\n`);
    return 0;
  },
};
