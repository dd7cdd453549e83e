/**
 * What a person sees on the run page: the job summary (the Markdown report, verdict and reason first, then
 * what the Action did) and annotations for each failing metric and each new or unexpectedly frequent log
 * cluster.
 */
import { type Report, renderMarkdown } from '@vigil/core';

/** The toolkit calls used here (`@actions/core` in production). */
export interface SummaryToolkit {
  error(message: string, properties?: { title?: string }): void;
  warning(message: string, properties?: { title?: string }): void;
  summary: { addRaw(text: string, addEOL?: boolean): unknown; write(): Promise<unknown> };
}

/** GitHub shows at most 10 annotations of each level per step; the rest would be dropped silently. */
export const maxAnnotationsPerLevel = 10;

export interface Annotation {
  level: 'error' | 'warning';
  title: string;
  message: string;
}

/**
 * One annotation per failing (error) or warning (warning) metric, unless muted; one per log cluster that is
 * new in the canary or unexpectedly frequent, as an error when the logs failed, else a warning.
 */
export function annotationsOf(report: Report): Annotation[] {
  const out: Annotation[] = [];
  if (report.outcome === 'could-not-verify' || report.outcome === 'cancelled') {
    out.push({
      level: 'error',
      title: report.outcome === 'cancelled' ? 'Vigil: verification cancelled' : 'Vigil: could not verify',
      message: report.outcomeCause ?? report.reason,
    });
  }
  // Each distinct provider error once, with how often it happened: a query the provider refuses at every
  // poll is one problem to fix, not one per poll.
  const errors = new Map<string, { count: number; metric?: string }>();
  for (const e of report.errors) {
    const key = `${e.metric ?? ''}\u0000${e.message}`;
    const seen = errors.get(key);
    if (seen) seen.count++;
    else errors.set(key, { count: 1, ...(e.metric ? { metric: e.metric } : {}) });
  }
  for (const [key, { count, metric }] of errors) {
    out.push({
      level: report.outcome === 'could-not-verify' ? 'error' : 'warning',
      title: `Vigil: provider error${metric ? ` on ${metric}` : ''}${count > 1 ? ` (${count} times)` : ''}`,
      message: key.slice(key.indexOf('\u0000') + 1),
    });
  }
  for (const m of report.metrics) {
    if (m.muted || (m.outcome !== 'fail' && m.outcome !== 'warn')) continue;
    out.push({
      level: m.outcome === 'fail' ? 'error' : 'warning',
      title: `Vigil: ${m.metric} ${m.outcome === 'fail' ? 'failed' : 'changed'}${m.critical ? ' (critical)' : ''}`,
      message: m.explanation,
    });
  }
  if (report.logs) {
    const level = report.logs.outcome === 'fail' ? 'error' : 'warning';
    const clusters = report.logs.clusters
      .filter(
        (c) => (c.classification === 'unknown' || c.classification === 'unexpected-frequency') && c.risk > 0,
      )
      .sort((a, b) => b.risk - a.risk);
    for (const c of clusters) {
      const what = c.classification === 'unknown' ? 'new log cluster' : 'log cluster more frequent';
      out.push({
        level,
        title: `Vigil: ${what} (${c.level})`,
        message: `${c.template} — canary ${c.canaryCount}, baseline ${c.baselineCount}, risk ${c.risk.toFixed(2)}${c.samples[0] ? `\ne.g. ${c.samples[0].slice(0, 300)}` : ''}`,
      });
    }
  }
  return out;
}

/** Emits the annotations, at most 10 per level; the rest are counted in a last one. */
export function annotate(report: Report, tk: Pick<SummaryToolkit, 'error' | 'warning'>): Annotation[] {
  const all = annotationsOf(report);
  const emitted: Annotation[] = [];
  for (const level of ['error', 'warning'] as const) {
    const of = all.filter((a) => a.level === level);
    const shown = of.length > maxAnnotationsPerLevel ? of.slice(0, maxAnnotationsPerLevel - 1) : of;
    for (const a of shown) {
      tk[level](a.message, { title: a.title });
      emitted.push(a);
    }
    if (of.length > shown.length) {
      const rest: Annotation = {
        level,
        title: `Vigil: ${of.length - shown.length} more`,
        message: `${of.length - shown.length} more ${level}s: see the job summary`,
      };
      tk[level](rest.message, { title: rest.title });
      emitted.push(rest);
    }
  }
  return emitted;
}

/** What the Action did after the verdict, for the summary's closing section. */
export interface ActionOutcome {
  /** `fail`: the step fails; `warn`: it passes with a warning; `pass`. */
  outcome: 'pass' | 'warn' | 'fail';
  rollback?: { runId?: number; url?: string; reused: boolean } | { error: string };
  deployment?: { id: number; state: string } | { id: number; error: string };
  backstage?: { entityRef: string; id?: string } | { entityRef: string; error: string };
  warnings?: string[];
}

/** The report's Markdown followed by what the Action did. */
export function summaryMarkdown(report: Report, done: ActionOutcome): string {
  const lines = [renderMarkdown(report), '### What the Action did', ''];
  lines.push(
    report.outcome === 'cancelled'
      ? '- ❌ Failed the step: the verification was cancelled, and a cancelled verification never passes.'
      : done.outcome === 'fail'
        ? `- ❌ Failed the step${report.outcome === 'could-not-verify' ? ': the verification could not judge every required metric' : ''}.`
        : done.outcome === 'warn'
          ? '- ⚠️ Passed the step with a warning (on-failure / on-inconclusive is `warn`).'
          : '- ✅ Passed the step.',
  );
  const r = done.rollback;
  if (r && 'error' in r) lines.push(`- ❌ Rollback not dispatched: ${r.error}`);
  else if (r) {
    const link = r.url ? `[run ${r.runId ?? ''}](${r.url})` : 'a run';
    lines.push(
      r.reused
        ? `- ↩️ Rollback was already dispatched for this verification by an earlier attempt: ${link}; not dispatched again.`
        : `- ↩️ Dispatched the rollback workflow: ${link}.`,
    );
  }
  const d = done.deployment;
  if (d && 'error' in d) lines.push(`- ⚠️ Deployment ${d.id}: status not set: ${d.error}`);
  else if (d) lines.push(`- Set deployment ${d.id} to \`${d.state}\`.`);
  const b = done.backstage;
  if (b && 'error' in b) lines.push(`- ⚠️ Not sent to Backstage (${b.entityRef}): ${b.error}`);
  else if (b)
    lines.push(
      `- Sent to Backstage Service Guard as ${b.entityRef}${b.id ? ` (verification ${b.id})` : ''}.`,
    );
  for (const w of done.warnings ?? []) lines.push(`- ⚠️ ${w}`);
  lines.push('');
  return lines.join('\n');
}

/** Appends the summary to the job summary file; skipped (not thrown) outside a runner. */
export async function writeSummary(tk: SummaryToolkit, markdown: string): Promise<boolean> {
  if (!process.env.GITHUB_STEP_SUMMARY) return false;
  tk.summary.addRaw(markdown, true);
  await tk.summary.write();
  return true;
}
