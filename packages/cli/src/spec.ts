import { type Spec, secretsOfSpec } from '@vigil/core';
import { loadSpecFile } from '@vigil/runtime';
import type { CommandIO } from './command.ts';

/**
 * Loads a spec file and registers its secrets, so that nothing the command prints can show them. With
 * `replay`, its providers are answered from that recording (their variables may be unset). `vars` fill the
 * spec's `${var:NAME}` references (`--var NAME=VALUE`, as `vigil serve` fills them from a request).
 */
export async function loadSpec(
  path: string,
  io: CommandIO,
  replay?: string,
  vars?: Record<string, string>,
): Promise<Spec> {
  const spec = await loadSpecFile(path, io.env, replay, vars);
  io.secrets?.addAll(secretsOfSpec(spec));
  return spec;
}
