// `pnpm bench <name> [args]` runs bench/<name>.ts, whose default export takes the remaining arguments.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'table.ts'].includes(f) && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));
const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: pnpm bench <${available.join('|')}> [options]`);
  process.exit(name ? 3 : 0);
}
const mod = (await import(join(here, `${name}.ts`))) as { default: (args: string[]) => Promise<void> | void };
await mod.default(rest);
