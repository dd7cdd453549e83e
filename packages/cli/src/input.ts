import { open, readFile } from 'node:fs/promises';
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

/** Checks that an input file named by an option can be read, without reading it (for inputs read as streams). */
export async function checkReadable(path: string, option: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    const isFile = (await handle.stat()).isFile();
    await handle.close();
    if (!isFile) throw new UsageError(`${option} ${path}: is not a file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${option} ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
