import { readFile } from 'node:fs/promises';
import { UsageError } from './command.ts';

/** Reads an input file named by an option; a missing or unreadable file is a usage error naming both. */
export async function readInput(path: string, option: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${option} ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
