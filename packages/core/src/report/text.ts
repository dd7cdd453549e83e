import { describeEvidenceItem } from '../judgment/evidence.ts';
import { formatQuantity, parseUnit } from '../units/unit.ts';
import type { Judgment, MetricJudgment, SideCoverage } from '../model/verdict.ts';

/** "33% (6/18)": the share of expected points that arrived usable, with the counts. */
export function formatCoverage(c: SideCoverage): string {
  return `${Math.round(c.fraction * 100)}% (${c.usable}/${c.expected})`;
}

/**
 * Formats a number for people: 3 significant digits, no exponent for everyday magnitudes; with a known unit at
 * a readable scale (0.0021 s as `2.1 ms`).
 */
export function formatValue(v: number | null | undefined, unit?: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  if (unit && parseUnit(unit)) return formatQuantity(v, unit);
  const abs = Math.abs(v);
  const s =
    abs !== 0 && (abs >= 1e6 || abs < 1e-3) ? v.toExponential(2) : Number(v.toPrecision(3)).toString();
  return unit ? `${s} ${unit}` : s;
}

/** "+48%", "-3.1%", "-" */
export function formatChange(change: number | null): string {
  if (change === null || !Number.isFinite(change)) return '-';
  const pct = change * 100;
  const s = Math.abs(pct) >= 10 ? pct.toFixed(0) : pct.toFixed(1);
  return `${pct >= 0 ? '+' : ''}${s}%`;
}

/**
 * The explained verdict as plain text for terminals: the verdict and its reason first, then one line per
 * metric, then each non-passing judge's explanation.
 */
export function formatJudgmentText(judgment: Judgment): string {
  const lines: string[] = [
    `${judgment.verdict.toUpperCase()}  score ${Math.round(judgment.score)}/100  ${judgment.reason}`,
    '',
  ];
  const rows = judgment.metrics.map((m) => [
    m.metric,
    m.muted ? `${m.outcome} (muted)` : m.outcome,
    m.risk.toFixed(2),
    formatValue(m.baseline.mean, m.definition.unit),
    formatValue(m.canary.mean, m.definition.unit),
    formatChange(m.change),
    m.decidedBy.join(', ') || '-',
    m.coverage
      ? `${m.coverage.baseline ? formatCoverage(m.coverage.baseline) : '-'} / ${formatCoverage(m.coverage.canary)}`
      : '-',
  ]);
  const header = [
    'metric',
    'outcome',
    'risk',
    'baseline mean',
    'canary mean',
    'change',
    'decided by',
    'coverage (baseline / canary)',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  if (rows.length > 0) lines.push(fmt(header), ...rows.map(fmt));
  for (const m of judgment.metrics) lines.push(...metricDetails(m));
  if (judgment.logs)
    lines.push(
      '',
      `logs: ${judgment.logs.outcome} (risk ${judgment.logs.risk.toFixed(2)}): ${judgment.logs.explanation}`,
    );
  if (judgment.evidence) {
    const e = judgment.evidence;
    lines.push('', `alerts during the window: ${e.outcome}: ${e.explanation}`);
    for (const i of e.items) lines.push(`  ${describeEvidenceItem(i)}`);
  }
  return `${lines.join('\n')}\n`;
}

function metricDetails(m: MetricJudgment): string[] {
  const shown = m.judges.filter((j) => j.outcome !== 'pass' || m.outcome === 'pass');
  if (m.outcome === 'pass' && shown.length === 0) return [];
  return [
    '',
    `${m.metric}: ${m.explanation}`,
    ...(m.dataIssue ? [`  data [${m.dataIssue.cause}]: ${m.dataIssue.detail}`] : []),
    ...shown.map((j) => `  ${j.judge} [${j.outcome}, risk ${j.risk.toFixed(2)}]: ${j.explanation}`),
  ];
}
