import type { Command } from '../command.ts';
import { anomaliesCommand } from './anomalies.ts';
import { compareCommand } from './compare.ts';
import { doctorCommand } from './doctor.ts';
import { flareCommand } from './flare.ts';
import { importKayentaCommand } from './import.ts';
import { logsCompareCommand, logsParseCommand } from './logs.ts';
import { recordCommand, replayCommand } from './record.ts';
import { schemaCommand } from './schema.ts';
import { serveCommand } from './serve.ts';
import { verifyCommand } from './verify.ts';

/** Every `vigil` subcommand, in the order `vigil --help` lists them. */
export const commands: Command[] = [
  verifyCommand,
  compareCommand,
  doctorCommand,
  flareCommand,
  recordCommand,
  replayCommand,
  logsParseCommand,
  logsCompareCommand,
  anomaliesCommand,
  serveCommand,
  importKayentaCommand,
  schemaCommand,
];
