import type { Report, ReportMetric } from './schema.ts';
import { downsample, sparkline } from './sparkline.ts';
import { formatChange, formatCoverage, formatValue } from './text.ts';

const ICON: Record<string, string> = {
  pass: '✅',
  fail: '❌',
  inconclusive: '⚠️',
  warn: '⚠️',
  'no-data': '❔',
  passed: '✅',
  failed: '❌',
  'could-not-verify': '⛔',
  cancelled: '⏹️',
};

/** What "score" and "risk" mean, printed under the reason so a reader need not look it up. */
export const SCORE_AND_RISK =
  'Score: 0–100, higher is healthier (the weighted mean of 100 × (1 − risk) over the judged metrics). Risk: 0–1 per metric, how strongly its judges see a harmful change (0 none, 1 certain).';

/**
 * The report as GitHub-flavoured Markdown for job summaries and PR comments: the outcome and why in the
 * first lines, then a table per metric, log clusters with samples, and the requests spent. Every text that
 * came from outside (metric names, units, explanations, log templates and samples, provider errors) is
 * escaped so that it renders as text and cannot open a link, an image, a heading or close its block.
 */
export function renderMarkdown(report: Report): string {
  const title = md([report.service, report.version].filter(Boolean).join(' '));
  const outcome = report.outcome ?? report.verdict;
  const out: string[] = [
    `## ${ICON[outcome]} Vigil: ${title} ${outcomeWords(report)} (score ${Math.round(report.score)}/100)`,
    '',
    `**Why:** ${md(report.reason)}`,
    '',
    ...(report.outcomeCause && report.outcomeCause !== report.reason
      ? [
          `**${report.outcome === 'cancelled' ? 'Cancelled' : 'Could not verify'}:** ${md(report.outcomeCause)}`,
          '',
        ]
      : []),
    `<sub>${SCORE_AND_RISK}</sub>`,
    '',
    `Strategy: ${report.strategy.type} (${md(report.strategy.reason)}) · window ${report.window.start.slice(0, 16).replace('T', ' ')}–${report.window.end.slice(11, 16)} UTC (${Math.round(report.window.fractionJudged * 100)}% judged${report.status === 'stopped-early' ? ', stopped early' : report.status === 'cancelled' ? ', cancelled' : report.status === 'incomplete' ? ', incomplete data' : ''}) · sensitivity ${report.sensitivity} · judge ${report.judge}`,
    '',
  ];
  if (report.metrics.length > 0) {
    out.push(
      '| Metric | Outcome | Baseline | Canary | Change | Decided by | Coverage (baseline / canary) | Trend (baseline / canary) |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const m of report.metrics) out.push(metricRow(m));
    out.push('');
    const explained = report.metrics.filter((m) => m.outcome !== 'pass');
    for (const m of explained) {
      out.push(`- **${md(m.metric)}** (${m.outcome}): ${md(m.explanation)}`);
      if (m.dataIssue) out.push(`  - data: ${m.dataIssue.cause}: ${md(m.dataIssue.detail)}`);
    }
    if (explained.length > 0) out.push('');
    const tested = explained.filter((m) => m.judges.some((j) => j.outcome !== 'pass'));
    if (tested.length > 0) {
      out.push(
        '<details><summary>Statistics behind each judgment</summary>',
        '',
        'Each judge tests one kind of change: `paired` and `rank` compare the canary with the baseline minute by minute or as a whole (rank-sum), `distribution` looks at spread and tails, `shape` at the pattern over time (SAX words), `rate` at error counts against traffic, `threshold` at your rules, `sequential` at evidence gathered poll by poll (an e-value above 1/alpha is decisive).',
        '',
      );
      for (const m of tested) {
        out.push(`**${md(m.metric)}**`, '');
        for (const j of m.judges.filter((j) => j.outcome !== 'pass'))
          out.push(`- \`${j.judge}\` (${j.outcome}, risk ${j.risk.toFixed(2)}): ${md(j.explanation)}`);
        out.push('');
      }
      out.push('</details>', '');
    }
  }
  if (report.logs) {
    const l = report.logs;
    out.push(
      `### Logs ${ICON[l.outcome]} ${l.outcome}`,
      '',
      md(l.explanation),
      '',
      `${l.baselineEvents} baseline and ${l.canaryEvents} canary events.`,
      '',
    );
    if (l.unattributed) {
      out.push(
        `${l.unattributed.events} event(s) had no \`${md(l.unattributed.field)}\` field and were judged in neither group, e.g.:`,
        '```',
        ...l.unattributed.samples.slice(0, 3).map((s) => s.slice(0, 300)),
        '```',
        '',
      );
    }
    const shown = l.clusters.filter((c) => c.classification !== 'known' || c.risk > 0).slice(0, 20);
    if (shown.length > 0) {
      out.push('| Cluster | Class | Level | Baseline | Canary | Risk |', '|---|---|---|---|---|---|');
      for (const c of shown) {
        out.push(
          `| <code>${md(c.template.slice(0, 120))}</code> | ${md(c.classification)}${c.feedback ? ` (${md(c.feedback)})` : ''} | ${md(c.level)} | ${c.baselineCount} | ${c.canaryCount} | ${c.risk.toFixed(2)} |`,
        );
      }
      out.push('', '<details><summary>Samples</summary>', '');
      for (const c of shown.filter((c) => c.samples.length > 0)) {
        // <pre> with HTML-escaped text, not a ``` fence: a sample line of backticks would close a fence and
        // let the lines after it render as Markdown; nothing in escaped text can close a <pre>.
        out.push(
          `<code>${md(c.id)}</code> ${md(c.classification)}:`,
          '',
          `<pre>${c.samples
            .slice(0, 3)
            .map((s) => html(s.slice(0, 300)))
            .join('\n')}</pre>`,
          '',
        );
      }
      out.push('</details>', '');
    }
  }
  if (report.evidence) out.push(...evidenceSection(report.evidence));
  if (report.errors.length > 0) {
    out.push(
      '### Data problems',
      '',
      ...report.errors
        .slice(0, 10)
        .map(
          (e) =>
            `- ${e.t.slice(11, 19)} ${e.metric ? `${md(e.metric)} ` : ''}${e.group ? `(${md(e.group)}) ` : ''}${md(e.message)}`,
        ),
      '',
    );
  }
  if (report.usage.length > 0) {
    out.push(
      '<details><summary>Requests spent</summary>',
      '',
      '| Provider | Requests | Retries | Rate-limited | Failures |',
      '|---|---|---|---|---|',
    );
    for (const u of report.usage)
      out.push(
        `| ${md(u.provider)} (${md(u.type)}) | ${u.requests} | ${u.retries} | ${u.rateLimited} | ${u.failures} |`,
      );
    out.push('', '</details>', '');
  }
  if (report.links?.html || report.links?.run) {
    out.push(
      [
        report.links.run
          ? `[Workflow run](${encodeURI(report.links.run).replace(/[()]/g, encodeURIComponent)})`
          : '',
        report.links.html ? `HTML report: <code>${md(report.links.html)}</code>` : '',
      ]
        .filter(Boolean)
        .join(' · '),
      '',
    );
  }
  return out.join('\n');
}

/** Alerts the monitoring raised during the window, in their own section. */
function evidenceSection(e: NonNullable<Report['evidence']>): string[] {
  const out = [`### Alerts during the window ${ICON[e.outcome]} ${e.outcome}`, '', md(e.explanation), ''];
  if (e.items.length > 0) {
    out.push(
      '| Provider | Kind | Id | Title | Status | Started | Entities |',
      '|---|---|---|---|---|---|---|',
    );
    for (const i of e.items.slice(0, 20)) {
      out.push(
        `| ${md(i.provider)} | ${i.kind} | ${md(i.displayId ?? i.id)} | ${md(i.title)} | ${i.status}${i.end ? ` (closed ${i.end.slice(11, 16)})` : ''} | ${i.start.slice(0, 16).replace('T', ' ')} | ${md(i.entities.slice(0, 5).join(', '))} |`,
      );
    }
    out.push('');
  }
  for (const err of e.errors) out.push(`- could not read ${md(err.provider)}: ${md(err.message)}`);
  if (e.errors.length > 0) out.push('');
  return out;
}

function outcomeWords(report: Report): string {
  switch (report.outcome) {
    case 'could-not-verify':
      return 'could not be verified';
    case 'cancelled':
      return 'verification cancelled';
  }
  const v = report.verdict;
  return v === 'pass'
    ? 'passed verification'
    : v === 'fail'
      ? 'failed verification'
      : 'verification inconclusive';
}

function metricRow(m: ReportMetric): string {
  const values = [...m.chart.baseline, ...m.chart.canary]
    .map(([, v]) => v)
    .filter((v): v is number => v !== null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const line = (s: [number, number | null][]) =>
    sparkline(
      downsample(
        s.map(([, v]) => v),
        24,
      ),
      lo,
      hi,
    );
  const name = `${md(m.metric)}${m.unit ? ` (${md(m.unit)}${m.unitSource === 'provider' ? ', unit from the provider' : ''})` : ''}${m.critical ? ' · critical' : ''}`;
  const outcome = `${ICON[m.outcome]} ${m.outcome}${m.muted ? ' (muted)' : ''} · risk ${m.risk.toFixed(2)}`;
  const trend = values.length > 0 ? `\`${line(m.chart.baseline)}\` / \`${line(m.chart.canary)}\`` : '';
  const coverage = m.coverage
    ? `${m.coverage.baseline ? formatCoverage(m.coverage.baseline) : '-'} / ${formatCoverage(m.coverage.canary)}`
    : '-';
  return `| ${name} | ${outcome} | ${formatValue(m.baseline.mean, m.unit)} | ${formatValue(m.canary.mean, m.unit)} | ${formatChange(m.change)} | ${m.decidedBy.join(', ') || '-'} | ${coverage} | ${trend} |`;
}

/**
 * Escapes text for a Markdown table cell or paragraph: one line; `<`, `>` and `&` as entities (no HTML tag,
 * no autolink); backslashes before the characters that open code, emphasis, links and images, tables and
 * strikethrough; and a list or heading marker at the start escaped. It renders as the text, and starts
 * nothing.
 */
export function md(s: string): string {
  return html(s.replace(/\r?\n|\r/g, ' '))
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/^(\s*)([-+#=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** Escapes text for HTML (inside <pre>, <code>): it cannot open or close a tag. */
function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
