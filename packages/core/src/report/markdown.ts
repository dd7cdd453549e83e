import type { Report, ReportMetric } from './schema.ts';
import { downsample, sparkline } from './sparkline.ts';
import { formatChange, formatValue } from './text.ts';

const ICON: Record<string, string> = {
  pass: '✅',
  fail: '❌',
  inconclusive: '⚠️',
  warn: '⚠️',
  'no-data': '❔',
};

/**
 * The report as GitHub-flavoured Markdown for job summaries and PR comments: the verdict and why in the
 * first lines, then a table per metric, log clusters with samples, and the requests spent.
 */
export function renderMarkdown(report: Report): string {
  const title = [report.service, report.version].filter(Boolean).join(' ');
  const out: string[] = [
    `## ${ICON[report.verdict]} Vigil: ${title} ${verdictWords(report.verdict)} (score ${Math.round(report.score)}/100)`,
    '',
    `**Why:** ${md(report.reason)}`,
    '',
    `Strategy: ${report.strategy.type} (${md(report.strategy.reason)}) · window ${report.window.start.slice(0, 16).replace('T', ' ')}–${report.window.end.slice(11, 16)} UTC (${Math.round(report.window.fractionJudged * 100)}% judged${report.status === 'stopped-early' ? ', stopped early' : report.status === 'cancelled' ? ', cancelled' : ''}) · sensitivity ${report.sensitivity} · judge ${report.judge}`,
    '',
  ];
  if (report.metrics.length > 0) {
    out.push(
      '| Metric | Outcome | Baseline | Canary | Change | Decided by | Trend (baseline / canary) |',
      '|---|---|---|---|---|---|---|',
    );
    for (const m of report.metrics) out.push(metricRow(m));
    out.push('');
    const explained = report.metrics.filter((m) => m.outcome !== 'pass');
    if (explained.length > 0) {
      out.push('<details open><summary>Why each metric was judged so</summary>', '');
      for (const m of explained) {
        out.push(`**${md(m.metric)}**: ${md(m.explanation)}`, '');
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
          `| \`${md(c.template).slice(0, 120)}\` | ${c.classification}${c.feedback ? ` (${md(c.feedback)})` : ''} | ${c.level} | ${c.baselineCount} | ${c.canaryCount} | ${c.risk.toFixed(2)} |`,
        );
      }
      out.push('', '<details><summary>Samples</summary>', '');
      for (const c of shown.filter((c) => c.samples.length > 0)) {
        out.push(
          `\`${c.id}\` ${c.classification}:`,
          '```',
          ...c.samples.slice(0, 3).map((s) => s.slice(0, 300)),
          '```',
        );
      }
      out.push('</details>', '');
    }
  }
  if (report.errors.length > 0) {
    out.push(
      '### Data problems',
      '',
      ...report.errors
        .slice(0, 10)
        .map(
          (e) =>
            `- ${e.t.slice(11, 19)} ${e.metric ? `${md(e.metric)} ` : ''}${e.group ? `(${e.group}) ` : ''}${md(e.message)}`,
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
        `| ${u.provider} (${u.type}) | ${u.requests} | ${u.retries} | ${u.rateLimited} | ${u.failures} |`,
      );
    out.push('', '</details>', '');
  }
  if (report.links?.html || report.links?.run) {
    out.push(
      [
        report.links.run ? `[Workflow run](${report.links.run})` : '',
        report.links.html ? `HTML report: \`${report.links.html}\`` : '',
      ]
        .filter(Boolean)
        .join(' · '),
      '',
    );
  }
  return out.join('\n');
}

function verdictWords(v: Report['verdict']): string {
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
  const name = `${md(m.metric)}${m.unit ? ` (${md(m.unit)})` : ''}${m.critical ? ' · critical' : ''}`;
  const outcome = `${ICON[m.outcome]} ${m.outcome}${m.muted ? ' (muted)' : ''} · risk ${m.risk.toFixed(2)}`;
  const trend = values.length > 0 ? `\`${line(m.chart.baseline)}\` / \`${line(m.chart.canary)}\`` : '';
  return `| ${name} | ${outcome} | ${formatValue(m.baseline.mean)} | ${formatValue(m.canary.mean)} | ${formatChange(m.change)} | ${m.decidedBy.join(', ') || '-'} | ${trend} |`;
}

/** Escapes text for a Markdown table cell or paragraph. */
function md(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}
