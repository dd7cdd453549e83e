import { specJsonSchema } from '@vigil/core';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

export const schemaCommand: Command = {
  path: ['schema'],
  summary: 'Print the JSON Schema of the verification spec (for editor completion)',
  help: `Usage: vigil schema

Prints the JSON Schema of the verification spec (vigil.yaml). Point your editor's YAML language server at it:
  # yaml-language-server: $schema=./vigil.schema.json
The same schema is committed as docs/spec.schema.json.
`,
  async run(argv, io) {
    parseCommandArgs('schema', argv, {});
    io.stdout.write(`${JSON.stringify(specJsonSchema(), null, 2)}\n`);
    return 0;
  },
};
