/**
 * The Action's source entry, run as a runner runs it, with a spec whose notify target is a real local
 * receiver: the notification links the workflow run, a previous-outcome input turns a pass into a
 * recovery, and a receiver that keeps failing leaves a warning (without its URL) and the step green.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../providers/test/support/webhookReceiver.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const entry = join(repoRoot, 'packages/action/src/index.ts');
const TOKEN = 'ActionHookToken0123456789abcdef';

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function step(
  example: 'checkout' | 'checkout-healthy',
  inputs: Record<string, string>,
  hookUrl: string,
  specNotify = true,
) {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-action-notify-'));
  await mkdir(join(dir, 'work'));
  const source = join(repoRoot, 'examples', example);
  const spec = (await readFile(join(source, 'vigil.yaml'), 'utf8'))
    .replace('file: recording.json', `file: ${JSON.stringify(join(source, 'recording.json'))}`)
    .replace('feedback: log-feedback.yaml', `feedback: ${JSON.stringify(join(source, 'log-feedback.yaml'))}`);
  const notify = '\nnotify:\n  - { type: webhook, url: "${env:HOOK_URL}" }\n';
  await writeFile(join(dir, 'work', 'vigil.yaml'), specNotify ? `${spec}${notify}` : spec);
  const output = join(dir, 'output');
  await writeFile(output, '');
  await writeFile(join(dir, 'summary.md'), '');
  await writeFile(join(dir, 'event.json'), '{}');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NO_PROXY: '127.0.0.1,localhost',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'verify',
    GITHUB_WORKSPACE: join(dir, 'work'),
    RUNNER_TEMP: dir,
    HOOK_URL: hookUrl,
    INPUT_SPEC: 'vigil.yaml',
    INPUT_PREFLIGHT: 'false',
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stdout += c;
  });
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  // ::add-mask:: lines hand the secrets to the runner, which masks them in the log: the only place they may be.
  const printed = stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  return { code, stdout: printed, summary: await readFile(join(dir, 'summary.md'), 'utf8') };
}

describe('the Action with notify targets', () => {
  it('sends a failure with the link to the workflow run', async () => {
    receiver = await startWebhookReceiver();
    const r = await step('checkout', {}, `${receiver.url}/hook/${TOKEN}`);
    expect(r.code).not.toBe(0);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.body).toMatchObject({
      event: 'fail',
      outcome: 'failed',
      service: 'checkout',
      links: { run: 'https://github.com/acme/shop/actions/runs/42' },
    });
    expect(r.stdout).toContain('Vigil: notified webhook #1');
    expect(r.stdout).not.toContain(TOKEN);
  }, 60_000);

  it('sends a recovery after a stated failure; a receiver that keeps failing is a warning, the step stays green', async () => {
    receiver = await startWebhookReceiver(() => ({ status: 502, body: 'bad gateway' }));
    const r = await step(
      'checkout-healthy',
      { 'previous-outcome': 'failed' },
      `${receiver.url}/hook/${TOKEN}`,
    );
    expect(r.code, r.stdout).toBe(0);
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received[0]!.body).toMatchObject({ event: 'recovery', previousOutcome: 'failed' });
    expect(r.stdout).toMatch(
      /::warning title=Vigil::notification to webhook #1 not delivered \(the verdict stands\)/,
    );
    expect(r.summary).toContain('notification to webhook #1 not delivered');
    for (const text of [r.stdout, r.summary]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(receiver.url);
    }
  }, 60_000);

  it('refuses a previous-outcome that is no outcome, naming the input', async () => {
    const r = await step('checkout-healthy', { 'previous-outcome': 'red' }, 'http://127.0.0.1:9/x');
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('input "previous-outcome" must be one of passed, failed, inconclusive');
  }, 60_000);

  it('takes the targets from the notify input, masked, and names that input when one is wrong', async () => {
    receiver = await startWebhookReceiver();
    const url = `${receiver.url}/slack/${TOKEN}`;
    const r = await step(
      'checkout',
      { notify: `- { type: slack, url: "${url}", name: team-chat }` },
      'unused',
      false,
    );
    expect(r.code).not.toBe(0);
    expect(receiver.received.map((x) => x.path)).toEqual([`/slack/${TOKEN}`]);
    expect(receiver.received[0]!.body).toMatchObject({
      text: expect.stringContaining('Vigil: checkout 2.14.0 (production) failed'),
    });
    expect(r.stdout).toContain('Vigil: notified team-chat');
    expect(r.stdout).not.toContain(TOKEN);

    const bad = await step('checkout', { notify: `- { type: email, url: "${url}" }` }, 'unused', false);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toContain(
      'input "notify" (notify[0].type): must be one of "webhook", "slack", "teams"',
    );
    expect(bad.stdout).not.toContain(TOKEN);
  }, 60_000);
});
