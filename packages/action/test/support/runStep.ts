/**
 * Runs the Action's source entry as a runner runs one step: a child process with INPUT_* variables and fresh
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_EVENT_PATH files in `dir`. The e2e test runs the committed
 * bundle with its own runner, which also watches the output as it comes.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const entry = join(repoRoot, 'packages/action/src/index.ts');

/** What one step left: its exit code, stdout and stderr as one text, the raw GITHUB_OUTPUT file and the summary. */
export interface StepResult {
  code: number | null;
  stdout: string;
  outputs: string;
  summary: string;
}

/**
 * `env` adds to (or overrides) the runner's variables: GITHUB_JOB, GITHUB_WORKSPACE (default `dir`) and
 * anything the step's spec reads; `inputs` become INPUT_<NAME>.
 */
export async function runActionStep(
  dir: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
): Promise<StepResult> {
  const output = join(dir, 'output');
  const summary = join(dir, 'summary.md');
  await writeFile(output, '');
  await writeFile(summary, '');
  await writeFile(join(dir, 'event.json'), '{}');
  const all: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NO_PROXY: '127.0.0.1,localhost',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'verify',
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: dir,
    ...env,
  };
  for (const [k, v] of Object.entries(inputs)) all[`INPUT_${k.toUpperCase()}`] = v;
  const child = spawn(process.execPath, [entry], { env: all, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stdout += c;
  });
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  return { code, stdout, outputs: await readFile(output, 'utf8'), summary: await readFile(summary, 'utf8') };
}
