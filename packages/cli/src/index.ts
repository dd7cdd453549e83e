export type { Command, CommandIO } from './command.ts';
export { UsageError } from './command.ts';
export { main } from './main.ts';
