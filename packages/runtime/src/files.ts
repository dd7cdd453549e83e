import { mkdir, open, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, parse, resolve } from 'node:path';
import { InputError } from '@vigil/core';

/**
 * A path a person gave that cannot be used (an output that cannot be written, an input that cannot be read).
 * A user error (core's InputError): every entry point reports it in one line, no stack (the CLI exits 3).
 */
export class PathError extends InputError {
  override name = 'PathError';
}

/**
 * Writes a file so that readers see either the old content or the new, never half of it: the content goes to a
 * temporary file beside the target, which is then renamed over it (atomic on one file system).
 */
export async function writeFileAtomic(path: string, content: string | Buffer): Promise<void> {
  await makeDirs(dirname(path));
  const tmp = tempPathBeside(path);
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/** A fresh temporary file name in the folder of `path` (same file system, so a rename onto `path` is atomic). */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
}

/**
 * Creates a folder and its missing parents, one level at a time. Not `mkdir({ recursive: true })`: on a
 * file system that refuses new entries with ENOENT (`/proc`, `/sys`) Node's recursive mkdir retries forever,
 * spinning a core; here every level is tried once and the first refusal is the error.
 */
export async function makeDirs(dir: string): Promise<void> {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    const kind = await stat(at).then(
      (s) => (s.isDirectory() ? 'dir' : 'other'),
      (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? 'missing' : Promise.reject(e)),
    );
    if (kind === 'dir') break;
    if (kind === 'other') throw Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR' });
    missing.push(at);
    const up = dirname(at);
    if (up === at || at === parse(at).root) break;
    at = up;
  }
  for (const d of missing.reverse()) {
    try {
      await mkdir(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/**
 * Checks, before any work, that files can be written into `dir` the way `writeFileAtomic` writes them: the
 * folder is created when missing, then a temporary file is created in it and removed. Throws a PathError
 * naming the option and the reason.
 */
export async function checkWritableDir(dir: string, option: string): Promise<void> {
  try {
    await makeDirs(dir);
  } catch (e) {
    throw new PathError(`${option} ${dir}: cannot create the folder (${reason(e)})`);
  }
  try {
    const probe = tempPathBeside(join(dir, 'vigil-write-check'));
    const handle = await open(probe, 'wx');
    await handle.close();
    await unlink(probe);
  } catch (e) {
    // The folder exists, so ENOENT here is a file system that takes no new files (/proc, /sys).
    const why =
      (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file system takes no new files' : reason(e);
    throw new PathError(`${option} ${dir}: cannot write there (${why})`);
  }
}

/**
 * Checks, before any work, that `path` can be written as an output: it is not a folder, its folder can be
 * written (created when missing), an existing file there can be replaced, and it is none of `inputs` (also
 * through symbolic links and relative paths), so an output never overwrites what the command reads.
 */
export async function checkOutputFile(
  path: string,
  option: string,
  inputs: readonly { option: string; path: string }[] = [],
): Promise<void> {
  const target = await canonical(path);
  for (const input of inputs) {
    if ((await canonical(input.path)) === target) {
      throw new PathError(
        `${option} ${path} is the same file as ${input.option} ${input.path}; write the output elsewhere`,
      );
    }
  }
  // Outputs are written beside the target and renamed over it, so the folder's permission is what counts.
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new PathError(`${option} ${path}: is a folder; name a file`);
  await checkWritableDir(dirname(path), option).catch((e: Error) => {
    throw new PathError(e.message.replace(`${option} ${dirname(path)}`, `${option} ${path}`));
  });
}

/** The real path of a file, or of its folder joined with its name when it does not exist yet. */
async function canonical(path: string): Promise<string> {
  const abs = resolve(path);
  try {
    return await realpath(abs);
  } catch {
    try {
      return join(await realpath(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

/** The text of a file a person named; one that cannot be read is a PathError `<what> <path>: <reason>`. */
export async function readInputFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new PathError(`${what} ${path}: ${reason(e)}`);
  }
}

/** The short reason of a file system error, without the path Node repeats in its message. */
export function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOTDIR':
      return err.message.includes('is not a folder') ? err.message : 'a part of the path is not a folder';
    case 'EISDIR':
      return 'is a folder';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return err.code ?? err.message;
  }
}
