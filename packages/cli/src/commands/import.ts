import { resolve } from 'node:path';
import { importKayentaConfig, validateSpec } from '@vigil/core';
import { checkOutputFile, writeFileAtomic } from '@vigil/runtime';
import { parseCommandArgs } from '../args.ts';
import { type Command, UsageError } from '../command.ts';
import { readInput } from '../input.ts';

export const importKayentaCommand: Command = {
  path: ['import', 'kayenta'],
  summary: 'Write a Vigil spec (Kayenta mode) from a Kayenta canary config',
  help: `Usage: vigil import kayenta CONFIG.json [--output FILE] [options]

Reads a Kayenta canary config (JSON) and writes a Vigil spec that judges as Kayenta's NetflixACAJudge does:
metrics with their groups, group weights, direction, NaN strategy, effect sizes, outlier handling,
mustHaveData, critical and muted flags, the pass and marginal score thresholds, and Prometheus, Datadog and
Stackdriver queries (Stackdriver through Cloud Monitoring's PromQL API). What does not map is printed and
written as comments at the top of the spec. Providers and scopes are written as \${env:NAME} references.

Options:
  --output FILE             where to write the spec (default: print it)
  --scope NAME              the Kayenta scopeName whose metrics to import (default: default)
  --control-scope S         the baseline's Kayenta scope, e.g. a server group (default: \${env:KAYENTA_CONTROL_SCOPE})
  --experiment-scope S      the canary's Kayenta scope (default: \${env:KAYENTA_EXPERIMENT_SCOPE})
  --service NAME            service name (default: the config's first application, else its name)
  -h, --help                this help

Exit codes: 0 written, 3 a malformed config (the message names the field by its JSON path) or bad arguments.

Example:
  vigil import kayenta examples/kayenta/canary-config.json --output vigil.yaml
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('import kayenta', argv, {
      output: { type: 'string' },
      scope: { type: 'string' },
      'control-scope': { type: 'string' },
      'experiment-scope': { type: 'string' },
      service: { type: 'string' },
    });
    if (positionals.length !== 1)
      throw new UsageError('import kayenta: name one Kayenta canary config file (JSON)');
    const path = resolve(io.cwd, positionals[0]!);
    const output = values.output === undefined ? undefined : resolve(io.cwd, values.output as string);
    if (output) await checkOutputFile(output, '--output', [{ option: 'config', path }]);
    const text = await readInput(path, 'config');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`config ${positionals[0]}: not JSON (${(e as Error).message})`);
    }
    const imported = importKayentaConfig(json, {
      ...(values.scope !== undefined ? { scope: values.scope as string } : {}),
      ...(values['control-scope'] !== undefined ? { controlScope: values['control-scope'] as string } : {}),
      ...(values['experiment-scope'] !== undefined
        ? { experimentScope: values['experiment-scope'] as string }
        : {}),
      ...(values.service !== undefined ? { service: values.service as string } : {}),
    });
    // The spec written must load: checked with example values for its \${env:...} references.
    validateSpec(imported.spec, { source: 'the imported spec', env: imported.env });
    if (output) {
      await writeFileAtomic(output, imported.yaml);
      io.stdout.write(`wrote ${values.output as string}: ${imported.spec.metrics.length} metrics\n`);
    } else io.stdout.write(imported.yaml);
    io.stderr.write(
      `not mapped (${imported.unmapped.length}, also comments in the spec):\n${imported.unmapped.map((u) => `  - ${u}`).join('\n')}\n`,
    );
    return 0;
  },
};
