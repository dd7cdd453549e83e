/**
 * Notifications end to end: a replayed verification, then its notifications delivered over real HTTP to a
 * local receiver (127.0.0.1, port 0) that answers as each test scripts it.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../providers/test/support/webhookReceiver.ts';
import { createFlare, loadSpecFile, verify } from '../src/index.ts';
import { replayCanaryRecording, writeScenario } from './support/recording.ts';

/** A metric name someone could put in a spec to abuse a chat channel. */
const HOSTILE =
  '<!channel> *p99* <http://evil.example|click> {{DATE(2017-02-14T06:00:00Z)}} [x](http://evil.example)';
const TOKEN = 'XyZ0123456789abcdefTOKEN';

const recording = (factor: number) => replayCanaryRecording({ factor });

function spec(notify: string): string {
  return `apiVersion: vigil/v1
service: shop
environment: production
version: "1.2.3"
providers: { rec: { type: replay, file: recording.json } }
strategy: { type: canary, instanceLabel: pod, baseline: { pattern: "b-.*" }, canary: { pattern: "c-.*" } }
duration: 20m
interval: 1m
metrics:
  - name: ${JSON.stringify(HOSTILE)}
    query: 'lat{pod=~"{{instances}}"}'
    kind: latency
    unit: ms
    critical: true
notify:
${notify}
`;
}

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function run(
  notify: string,
  factor: number,
  options: {
    env?: Record<string, string>;
    verify?: Partial<Parameters<typeof verify>[0]>;
    quiet?: boolean;
  } = {},
) {
  const dir = await writeScenario(spec(notify), recording(factor));
  const loaded = await loadSpecFile(join(dir, 'vigil.yaml'), options.env ?? {});
  const out = await verify({
    spec: loaded,
    specDir: dir,
    reportDir: join(dir, 'out'),
    ...(options.quiet ? {} : { notify: { links: { run: 'https://ci.example/run/7' } } }),
    ...options.verify,
  });
  return { ...out, dir };
}

describe('notifications of a verification', () => {
  it('sends each target type its payload shape, with the outcome, the deciding metric and the links', async () => {
    receiver = await startWebhookReceiver();
    const hook = `${receiver.url}/hook/${TOKEN}`;
    const { report, notifications, files } = await run(
      [
        '  - { type: webhook, url: "${env:HOOK_URL}" }',
        `  - { type: slack, url: "${receiver.url}/services/T000/B000/${TOKEN}" }`,
        `  - { type: teams, url: "${receiver.url}/workflows/abc/invoke?sig=${TOKEN}" }`,
      ].join('\n'),
      1.5,
      { env: { HOOK_URL: hook } },
    );
    expect(report.outcome).toBe('failed');
    expect(notifications).toEqual({
      sent: expect.arrayContaining(['webhook #1', 'slack #2', 'teams #3']),
      warnings: [],
    });
    expect(receiver.received).toHaveLength(3);
    const byPath = (p: string) => receiver!.received.find((r) => r.path.startsWith(p))!;

    const webhook = byPath('/hook/');
    expect(webhook.method).toBe('POST');
    expect(webhook.headers['content-type']).toBe('application/json');
    expect(webhook.body).toMatchObject({
      schema: 'vigil.notification/v1',
      event: 'fail',
      service: 'shop',
      environment: 'production',
      version: '1.2.3',
      verdict: 'fail',
      outcome: 'failed',
      previousOutcome: null,
      score: report.score,
      reason: report.reason,
      deciding: { name: HOSTILE, outcome: 'fail' },
      links: { run: 'https://ci.example/run/7', report: files!.html },
      reportId: report.id,
    });

    const slack = byPath('/services/') as { body: { text: string; blocks: Record<string, unknown>[] } };
    expect(slack.body.text).toContain('Vigil: shop 1.2.3 (production) failed');
    expect(slack.body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '❌ Vigil: shop 1.2.3 (production) failed', emoji: true },
    });
    const slackText = JSON.stringify(slack.body);
    // The hostile name reaches Slack with its control characters escaped: no mention, no link.
    expect(slackText).toContain('&lt;!channel&gt; *p99* &lt;http://evil.example|click&gt;');
    expect(slackText).not.toContain('<!channel>');
    expect(slackText).not.toContain('<http://evil.example');
    expect(slack.body.blocks).toContainEqual({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Run' }, url: 'https://ci.example/run/7' },
      ],
    });
    // The report is a local file: shown as text, never as a link.
    expect(slack.body.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'plain_text', text: `Report: ${files!.html}` }],
    });

    const teams = byPath('/workflows/') as {
      body: { type: string; attachments: { contentType: string; content: Record<string, unknown> }[] };
    };
    expect(teams.body.type).toBe('message');
    expect(teams.body.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = teams.body.attachments[0]!.content as {
      type: string;
      version: string;
      body: unknown[];
      actions: unknown[];
    };
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Run', url: 'https://ci.example/run/7' }]);
    // Data goes into TextRuns only (never read as Markdown), with the card's {{...}} functions broken.
    expect(JSON.stringify(card.body)).not.toContain('"TextBlock"');
    expect(JSON.stringify(card.body)).not.toContain('"FactSet"');
    const runs = (card.body as { inlines: { text: string }[] }[]).flatMap((b) =>
      b.inlines.map((i) => i.text),
    );
    const decidingRun = runs.find((t) => t.includes('*p99*'))!;
    expect(decidingRun).toContain('{\u200b{DATE(2017-02-14T06:00:00Z)}\u200b}');
    expect(decidingRun).not.toContain('{{');

    // The URLs are secrets: in no report file.
    for (const f of [files!.json, files!.markdown, files!.html]) {
      const text = await readFile(f, 'utf8');
      expect(text).not.toContain(TOKEN);
    }
  });

  it('retries a 500 and delivers on the next attempt', async () => {
    receiver = await startWebhookReceiver((n) =>
      n === 0 ? { status: 500, body: 'oops' } : { status: 200, body: 'ok' },
    );
    const { notifications } = await run(`  - { type: slack, url: "${receiver.url}/services/${TOKEN}" }`, 1.5);
    expect(notifications).toEqual({ sent: ['slack #1'], warnings: [] });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.text).toBe(receiver.received[0]!.text);
  });

  it('gives up after 3 attempts with a warning that holds no secret, leaving the verdict as it was', async () => {
    receiver = await startWebhookReceiver(() => ({
      status: 503,
      body: `unavailable for /services/${TOKEN}`,
    }));
    const without = await run('  - { type: webhook, url: "http://127.0.0.1:9/x", on: [pass] }', 1.5);
    const { report, notifications } = await run(
      '  - { type: webhook, name: ops hook, url: "${env:HOOK_URL}" }',
      1.5,
      { env: { HOOK_URL: `${receiver.url}/services/${TOKEN}` } },
    );
    expect(receiver.received).toHaveLength(3);
    expect(notifications!.sent).toEqual([]);
    expect(notifications!.warnings).toHaveLength(1);
    const warning = notifications!.warnings[0]!;
    expect(warning).toMatch(
      /^notification to ops hook not delivered \(the verdict stands\): .*HTTP 503.*after 3 attempts/,
    );
    expect(warning).not.toContain(TOKEN);
    expect(warning).not.toContain(receiver.url);
    // The same verdict, outcome and score as the run whose target did not ask for a failure.
    expect(without.notifications).toEqual({ sent: [], warnings: [] });
    expect([report.verdict, report.outcome, report.score]).toEqual([
      without.report.verdict,
      without.report.outcome,
      without.report.score,
    ]);
  });

  it('gives up on a receiver that never answers, within the budget it was given', async () => {
    receiver = await startWebhookReceiver(() => 'hang');
    const { notifications, report } = await run(
      `  - { type: teams, url: "${receiver.url}/wf/${TOKEN}" }`,
      1.5,
      {
        verify: {
          notify: { http: { timeoutMs: 200, budgetMs: 2_000, backoffMs: 50 } },
        },
      },
    );
    expect(report.outcome).toBe('failed');
    expect(notifications!.sent).toEqual([]);
    expect(notifications!.warnings[0]).toMatch(
      /^notification to teams #1 not delivered .*timeout.*no complete answer within/,
    );
    expect(notifications!.warnings[0]).not.toContain(TOKEN);
    expect(receiver.received.length).toBeGreaterThanOrEqual(2);
  });

  it('sends a pass only as a recovery from a known failure, and not at all to targets that did not ask', async () => {
    receiver = await startWebhookReceiver();
    const targets = [
      `  - { type: webhook, url: "${receiver.url}/default" }`,
      `  - { type: webhook, url: "${receiver.url}/fail-only", on: [fail] }`,
    ].join('\n');
    // Previous outcome unknown: a pass is no recovery, and the default targets do not take plain passes.
    const unknown = await run(targets, 1);
    expect(unknown.report.outcome).toBe('passed');
    expect(unknown.notifications).toEqual({ sent: [], warnings: [] });
    expect(receiver.received).toHaveLength(0);
    // Previous outcome failed: a recovery, to the default target only.
    const recovered = await run(targets, 1, {
      verify: { notify: { previousOutcome: 'failed', links: { run: 'https://ci.example/run/8' } } },
    });
    expect(recovered.notifications).toEqual({ sent: ['webhook #1'], warnings: [] });
    expect(receiver.received.map((r) => r.path)).toEqual(['/default']);
    expect(receiver.received[0]!.body).toMatchObject({
      event: 'recovery',
      outcome: 'passed',
      previousOutcome: 'failed',
      deciding: null,
      text: expect.stringContaining('recovered: passed after failed'),
    });
  });

  it('sends nothing when the entry point does not ask (a replay of an old run stays quiet)', async () => {
    receiver = await startWebhookReceiver();
    const { notifications } = await run(`  - { type: webhook, url: "${receiver.url}/x" }`, 1.5, {
      quiet: true,
    });
    expect(notifications).toBeUndefined();
    expect(receiver.received).toHaveLength(0);
  });

  it('keeps a webhook URL written in the spec out of the flare bundle', async () => {
    const dir = await writeScenario(
      spec(`  - { type: slack, url: "https://hooks.slack.example/services/T0/B0/${TOKEN}" }`),
      recording(1),
    );
    const loaded = await loadSpecFile(join(dir, 'vigil.yaml'), {});
    const { path } = await createFlare({
      spec: loaded,
      doctor: `slack said 404 for /services/T0/B0/${TOKEN}`,
      output: join(dir, 'flare.tar.gz'),
      versions: { vigil: 'test' },
    });
    const bundle = gunzipSync(await readFile(path)).toString('utf8');
    expect(bundle).toContain('"type": "slack"');
    expect(bundle).not.toContain(TOKEN);
    expect(bundle).toContain('slack said 404 for ***');
  });
});
