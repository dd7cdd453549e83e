import type { Command } from '../command.ts';
import { compareCommand } from './compare.ts';
import { schemaCommand } from './schema.ts';

/** Every `vigil` subcommand, in the order `vigil --help` lists them. */
export const commands: Command[] = [compareCommand, schemaCommand];
