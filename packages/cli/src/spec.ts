import { type Spec, secretsOfSpec } from '@vigil/core';
import { loadSpecFile } from '@vigil/runtime';
import type { CommandIO } from './command.ts';

/** Loads a spec file and registers its secrets, so that nothing the command prints can show them. */
export async function loadSpec(path: string, io: CommandIO): Promise<Spec> {
  const spec = await loadSpecFile(path, io.env);
  io.secrets?.addAll(secretsOfSpec(spec));
  return spec;
}
