/**
 * Node flags `vigil logs parse` runs with (bin.ts starts it in a child with them; the memory benchmark runs it
 * with the same): a 1 MB young-generation semi-space. The parse allocates one short-lived string per line;
 * V8's default young generation (16 MB semi-spaces and more) and the old-generation growth it drives cost
 * about 130 MB of resident memory on a 200 MB log for no gain. `--expose-gc` lets the parse collect its old
 * generation every block of lines (see @vigil/runtime logsParse.ts). Measured with `pnpm bench logs --memory`.
 */
export const LOGS_PARSE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--expose-gc'];
