/**
 * `vigil verify` with a spec's notify targets, against a real local receiver: the exit code is the
 * verdict's whatever the receiver does, warnings hold no secret, and a recovery needs a known previous outcome.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../providers/test/support/webhookReceiver.ts';
import { root, runVigil } from './support/vigil.ts';

const TOKEN = 'sEcReT0123456789abcdefWEBHOOK';

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** An example's spec with a notify list, written beside a copy-free reference to its recording. */
async function specWithNotify(example: 'checkout' | 'checkout-healthy', notify: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-notify-'));
  const text = (await readFile(join(root, 'examples', example, 'vigil.yaml'), 'utf8'))
    .replace(
      'file: recording.json',
      `file: ${JSON.stringify(join(root, 'examples', example, 'recording.json'))}`,
    )
    .replace(
      /feedback: log-feedback.yaml/,
      `feedback: ${JSON.stringify(join(root, 'examples', example, 'log-feedback.yaml'))}`,
    );
  const path = join(dir, 'vigil.yaml');
  await writeFile(path, `${text}\nnotify:\n${notify}\n`);
  return path;
}

describe('vigil verify with notifications', () => {
  it('keeps the exit code of the verdict when every delivery fails, and warns without the URL', async () => {
    receiver = await startWebhookReceiver(() => ({ status: 500, body: `boom ${TOKEN}` }));
    const spec = await specWithNotify('checkout', '  - { type: slack, url: "${env:SLACK_URL}" }');
    const env = { SLACK_URL: `${receiver.url}/services/T1/B1/${TOKEN}` };
    const run = await runVigil(['verify', '-c', spec, '--quiet'], { env });
    const quiet = await runVigil(['verify', '-c', spec, '--quiet', '--no-notify'], { env });
    expect(run.code).toBe(1);
    expect(quiet.code).toBe(1);
    expect(receiver.received).toHaveLength(3);
    expect(run.stderr).toMatch(
      /^vigil: warning: notification to slack #1 not delivered \(the verdict stands\): slack #1: unavailable \(HTTP 500\)/m,
    );
    expect(run.stdout).toBe(quiet.stdout);
    for (const text of [run.stdout, run.stderr]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(receiver.url);
    }
  });

  it('sends a recovery only when the previous outcome is known: stated, or kept in --notify-state', async () => {
    receiver = await startWebhookReceiver();
    const spec = await specWithNotify('checkout-healthy', `  - { type: webhook, url: "${receiver.url}/h" }`);
    const unknown = await runVigil(['verify', '-c', spec, '--quiet']);
    expect(unknown.code).toBe(0);
    expect(receiver.received).toHaveLength(0);

    const stated = await runVigil([
      'verify',
      '-c',
      spec,
      '--quiet',
      '--previous-outcome',
      'could-not-verify',
      '--run-url',
      'https://ci.example/runs/1',
    ]);
    expect(stated.code).toBe(0);
    expect(receiver.received.map((r) => r.body)).toEqual([
      expect.objectContaining({
        event: 'recovery',
        previousOutcome: 'could-not-verify',
        links: { run: 'https://ci.example/runs/1', report: null },
      }),
    ]);

    // The state file: a failure of checkout is recorded, then the healthy run recovers from it.
    const state = join(await mkdtemp(join(tmpdir(), 'vigil-state-')), 'state.json');
    const failing = await specWithNotify('checkout', `  - { type: webhook, url: "${receiver.url}/h" }`);
    expect((await runVigil(['verify', '-c', failing, '--quiet', '--notify-state', state])).code).toBe(1);
    expect(receiver.received.at(-1)!.body).toMatchObject({ event: 'fail', previousOutcome: null });
    expect(JSON.parse(await readFile(state, 'utf8'))).toMatchObject({
      last: { 'checkout/production': { outcome: 'failed' } },
    });
    // The healthy example is another service: the file holds one outcome per service and environment.
    const kept = JSON.parse(await readFile(state, 'utf8'));
    expect((await runVigil(['verify', '-c', spec, '--quiet', '--notify-state', state])).code).toBe(0);
    expect(receiver.received).toHaveLength(2);
    kept.last['checkout-healthy/production'] = kept.last['checkout/production'];
    await writeFile(state, JSON.stringify(kept));
    expect((await runVigil(['verify', '-c', spec, '--quiet', '--notify-state', state])).code).toBe(0);
    expect(receiver.received.at(-1)!.body).toMatchObject({ event: 'recovery', previousOutcome: 'failed' });
    expect(receiver.received).toHaveLength(3);
    expect(JSON.parse(await readFile(state, 'utf8')).last).toMatchObject({
      'checkout/production': { outcome: 'failed' },
      'checkout-healthy/production': { outcome: 'passed' },
    });
  });

  it('refuses a --notify-state that is the spec itself or a folder, before the run', async () => {
    const spec = await specWithNotify(
      'checkout-healthy',
      '  - { type: webhook, url: "http://127.0.0.1:9/h" }',
    );
    const same = await runVigil(['verify', '-c', spec, '--notify-state', spec]);
    expect(same.code).toBe(3);
    expect(same.stderr).toContain(`--notify-state ${spec} is the same file as --config`);
    const folder = await runVigil(['verify', '-c', spec, '--notify-state', tmpdir()]);
    expect(folder.code).toBe(3);
    expect(folder.stderr).toContain('is a folder; name a file');
    expect(await readFile(spec, 'utf8')).toContain('notify:');
  });

  it('refuses an unknown --previous-outcome with exit 3 naming it', async () => {
    const spec = await specWithNotify(
      'checkout-healthy',
      '  - { type: webhook, url: "http://127.0.0.1:9/h" }',
    );
    const run = await runVigil(['verify', '-c', spec, '--previous-outcome', 'fail']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      '--previous-outcome must be one of passed, failed, inconclusive, could-not-verify, cancelled (got "fail")',
    );
  });
});
