// Runs `vigil logs parse --input A --output B` in this process and prints, as JSON on stdout, its exit code,
// wall seconds and peak resident memory (the kernel's high-water mark for the process), for `pnpm bench logs
// --memory`, which starts one such process per input so that each peak is the command's own.
import { Writable } from 'node:stream';
import { main } from '../../packages/cli/src/index.ts';

const [input, output] = process.argv.slice(2);
const sink = new Writable({ write: (_c, _e, cb) => cb() });
const t0 = performance.now();
const code = await main(['logs', 'parse', '--input', input!, '--output', output!], {
  stdout: sink,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  signal: new AbortController().signal,
});
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(`${JSON.stringify({ code, seconds, peakRssKb: process.resourceUsage().maxRSS })}\n`);
