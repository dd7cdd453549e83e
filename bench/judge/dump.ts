// `--dump <file>` for the benches: one line per judged case (key, verdict, score, and a hash of everything
// the judgment returned), so that a refactoring can be shown to keep every verdict: dump before, dump after,
// `diff` the two files (empty when nothing changed).
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';

export interface VerdictDump {
  /** Records one case: `summary` is shown as is (verdict, score), `full` only as a hash of its JSON. */
  add(key: string, summary: string, full: unknown): void;
  /** Writes the file. */
  close(): void;
}

/** Removes `--dump <file>` from `args` (in place); returns a dump writing to that file, or null. */
export function takeDumpOption(args: string[]): VerdictDump | null {
  const i = args.indexOf('--dump');
  if (i < 0) return null;
  const file = args[i + 1];
  if (!file) throw new Error('bench: --dump needs a file name, e.g. --dump /tmp/before.txt');
  args.splice(i, 2);
  const lines: string[] = [];
  return {
    add(key, summary, full) {
      lines.push(`${key}\t${summary}\t${hashOf(full)}`);
    },
    close() {
      writeFileSync(file, `${lines.join('\n')}\n`);
      console.log(`(${lines.length} cases dumped to ${file})`);
    },
  };
}

/** A short hash of a value's JSON; typed arrays by their bytes, non-finite numbers by name. */
export function hashOf(value: unknown): string {
  const h = createHash('sha256');
  if (ArrayBuffer.isView(value)) h.update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else
    h.update(
      JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ??
        'undefined',
    );
  return h.digest('hex').slice(0, 16);
}
