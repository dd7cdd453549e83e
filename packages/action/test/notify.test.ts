/**
 * The Action's source entry, run as a runner runs it, with a spec whose notify target is a real local
 * receiver: the notification links the workflow run, a previous-outcome input turns a pass into a
 * recovery, and a receiver that keeps failing leaves a warning (without its URL) and the step green.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../providers/test/support/webhookReceiver.ts';
import { repoRoot, runActionStep } from './support/runStep.ts';

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
  const r = await runActionStep(dir, inputs, {
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: join(dir, 'work'),
    HOOK_URL: hookUrl,
    INPUT_SPEC: 'vigil.yaml',
    INPUT_PREFLIGHT: 'false',
  });
  // ::add-mask:: lines hand the secrets to the runner, which masks them in the log: the only place they may be.
  const printed = r.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  return { code: r.code, stdout: printed, summary: r.summary };
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
