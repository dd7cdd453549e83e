/**
 * The bodies sent to each kind of notification target, built from one NotificationContent. Every string
 * that comes from data (metric names, explanations, reasons, service names) is escaped for the target's
 * markup, so a hostile metric name cannot mention @channel, inject a link or restyle the message.
 */
import type { NotifyTarget } from '../spec/schema.ts';
import type { NotificationContent } from './event.ts';

/** The JSON document a `webhook` target receives. Fields are documented in docs/notifications.md. */
export interface WebhookPayload {
  schema: 'vigil.notification/v1';
  /** One line for humans: the title and the reason. */
  text: string;
  event: NotificationContent['event'];
  service: string;
  environment: string | null;
  version: string | null;
  verdict: NotificationContent['verdict'];
  outcome: NotificationContent['outcome'];
  previousOutcome: NotificationContent['outcome'] | null;
  score: number;
  reason: string;
  cause: string | null;
  deciding: NotificationContent['deciding'] | null;
  links: { run: string | null; report: string | null };
  reportId: string;
  finishedAt: string;
}

/** The body for a target of `type`. */
export function notificationPayload(type: NotifyTarget['type'], content: NotificationContent): unknown {
  switch (type) {
    case 'webhook':
      return webhookPayload(content);
    case 'slack':
      return slackPayload(content);
    case 'teams':
      return teamsPayload(content);
  }
}

const EMOJI: Record<NotificationContent['event'], string> = {
  fail: '❌',
  inconclusive: '⚠️',
  recovery: '✅',
  pass: '✅',
};

/** "checkout 1.4.2 (production) failed", in plain text (each target escapes it). */
export function notificationTitle(c: NotificationContent): string {
  const what =
    [c.service, c.version].filter(Boolean).join(' ') + (c.environment ? ` (${c.environment})` : '');
  const how =
    c.event === 'recovery'
      ? `recovered: passed after ${c.previousOutcome ?? 'a failure'}`
      : c.outcome === 'could-not-verify'
        ? 'could not be verified'
        : c.outcome;
  return `Vigil: ${what} ${how}`;
}

function scoreText(score: number): string {
  return `${Math.round(score * 10) / 10}/100`;
}

function decidingText(c: NotificationContent): string | undefined {
  return c.deciding ? `${c.deciding.name} (${c.deciding.outcome}): ${c.deciding.explanation}` : undefined;
}

/** Links that can be opened from a chat message: http(s) URLs only; anything else is shown as text. */
function urlLinks(c: NotificationContent): { label: string; url: string }[] {
  const out: { label: string; url: string }[] = [];
  if (c.links.run && isHttpUrl(c.links.run)) out.push({ label: 'Run', url: c.links.run });
  if (c.links.report && isHttpUrl(c.links.report)) out.push({ label: 'Report', url: c.links.report });
  return out;
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Links that are not URLs (a report written to a local path), as "Report: <path>" lines. */
function textLinks(c: NotificationContent): string[] {
  const out: string[] = [];
  if (c.links.run && !isHttpUrl(c.links.run)) out.push(`Run: ${c.links.run}`);
  if (c.links.report && !isHttpUrl(c.links.report)) out.push(`Report: ${c.links.report}`);
  return out;
}

export function webhookPayload(c: NotificationContent): WebhookPayload {
  return {
    schema: 'vigil.notification/v1',
    text: `${notificationTitle(c)}: ${c.reason}`,
    event: c.event,
    service: c.service,
    environment: c.environment ?? null,
    version: c.version ?? null,
    verdict: c.verdict,
    outcome: c.outcome,
    previousOutcome: c.previousOutcome ?? null,
    score: c.score,
    reason: c.reason,
    cause: c.cause ?? null,
    deciding: c.deciding ?? null,
    links: { run: c.links.run ?? null, report: c.links.report ?? null },
    reportId: c.reportId,
    finishedAt: c.finishedAt,
  };
}

/**
 * Slack's mrkdwn control characters escaped as Slack asks (&, <, >): with them escaped a string cannot
 * open a mention (<!channel>, <@U123>) or a link (<url|label>). Formatting characters (*, _, ~) stay;
 * at worst they restyle the text they are in.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** At most `max` characters (Slack and Teams reject longer fields), cut with an ellipsis. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** An incoming-webhook message: `text` (the notification's fallback) and Block Kit blocks. */
export function slackPayload(c: NotificationContent): unknown {
  const title = `${EMOJI[c.event]} ${notificationTitle(c)}`;
  const fields = [
    { type: 'mrkdwn', text: `*Outcome*\n${escapeSlack(c.outcome)} (verdict ${escapeSlack(c.verdict)})` },
    { type: 'mrkdwn', text: `*Score*\n${scoreText(c.score)}` },
  ];
  const deciding = decidingText(c);
  const blocks: unknown[] = [
    // plain_text: nothing in the title is read as markup.
    { type: 'header', text: { type: 'plain_text', text: cut(title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(escapeSlack(c.reason), 3000) } },
    { type: 'section', fields },
  ];
  if (c.cause)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(escapeSlack(c.cause), 3000) } });
  if (deciding)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: cut(`*Deciding*\n${escapeSlack(deciding)}`, 3000) },
    });
  const links = urlLinks(c);
  if (links.length > 0)
    blocks.push({
      type: 'actions',
      elements: links.map((l) => ({
        type: 'button',
        text: { type: 'plain_text', text: l.label },
        url: cut(l.url, 3000),
      })),
    });
  const other = textLinks(c);
  if (other.length > 0)
    blocks.push({
      type: 'context',
      elements: other.map((t) => ({ type: 'plain_text', text: cut(t, 2000) })),
    });
  return { text: cut(escapeSlack(`${title}: ${c.reason}`), 3000), blocks };
}

/**
 * Text for an Adaptive Card TextRun. TextRuns (in a RichTextBlock) are never read as Markdown; the one
 * thing still interpreted in them is the {{DATE()}}/{{TIME()}} function syntax, broken here with a zero
 * width space between the braces.
 */
export function escapeTeams(text: string): string {
  return text.replace(/\{\{/g, '{\u200b{').replace(/\}\}/g, '}\u200b}');
}

function run(text: string, style: Record<string, unknown> = {}): unknown {
  return { type: 'TextRun', text: escapeTeams(text), ...style };
}

/** A line of TextRuns: markup-free, unlike TextBlock and FactSet, which read Markdown. */
function line(...inlines: unknown[]): unknown {
  return { type: 'RichTextBlock', inlines };
}

/**
 * A Teams message with one Adaptive Card (v1.4), the body that both Teams incoming webhooks and the
 * Workflows "When a Teams webhook request is received" trigger accept.
 */
export function teamsPayload(c: NotificationContent): unknown {
  const title = `${EMOJI[c.event]} ${notificationTitle(c)}`;
  const body: unknown[] = [
    line(run(cut(title, 500), { weight: 'Bolder', size: 'Medium' })),
    line(run(cut(c.reason, 3000))),
    line(
      run('Outcome: ', { weight: 'Bolder' }),
      run(`${c.outcome} (verdict ${c.verdict}), score ${scoreText(c.score)}`),
    ),
  ];
  if (c.cause) body.push(line(run(cut(c.cause, 3000))));
  const deciding = decidingText(c);
  if (deciding) body.push(line(run('Deciding: ', { weight: 'Bolder' }), run(cut(deciding, 3000))));
  for (const t of textLinks(c)) body.push(line(run(t, { isSubtle: true })));
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body,
    actions: urlLinks(c).map((l) => ({ type: 'Action.OpenUrl', title: l.label, url: l.url })),
  };
  return {
    type: 'message',
    summary: cut(title, 200),
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}
