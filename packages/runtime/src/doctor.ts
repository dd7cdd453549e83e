import {
  type Group,
  parseDuration,
  planVerification,
  metricQueries,
  secretsOfSpec,
  selects,
  type Spec,
} from '@vigil/core';
import type { CheckResult } from '@vigil/providers';
import { checkRecordings, recordedRange } from './replayRange.ts';
import { openSources } from './sources.ts';

/** One line of `vigil doctor`. */
export interface DoctorLine extends CheckResult {
  /** `provider <name> (<type>)` or `query <metric> [<group>]`. */
  subject: string;
  /**
   * On a query line: the query failed (the provider refused it or did not answer), as opposed to answering
   * without data, which a canary that has just started may still do.
   */
  queryFailed?: boolean;
}

/**
 * Checks that a spec can run: each provider reachable with valid credentials and enough permissions (its own
 * `check()`), then each metric query answering with data for each group over the last few intervals.
 */
export async function doctor(
  spec: Spec,
  options: { specDir: string; now?: number; signal?: AbortSignal },
): Promise<DoctorLine[]> {
  await checkRecordings(spec, options.specDir);
  const sources = openSources(spec, { specDir: options.specDir });
  const lines: DoctorLine[] = [];
  try {
    for (const [name, provider] of sources.providers) {
      for (const c of await provider.check(options.signal ? { signal: options.signal } : {})) {
        lines.push({ subject: `provider ${name} (${provider.type})`, ...c });
      }
    }
    const step = parseDuration(spec.interval);
    // For replayed specs the "last intervals" are the end of the recording, not the wall clock.
    const recorded = await recordedRange(spec, options.specDir);
    const now = options.now ?? (recorded ? recorded.last + step : Date.now());
    const end = Math.floor(now / step) * step;
    const window = { start: end - 5 * step, end, step };
    const plan = planVerification(spec, { startedAt: window.start });
    const groups: Group[] = plan.strategy === 'canary' ? ['baseline', 'canary'] : ['canary'];
    const queries = groups.map((group) => metricQueries(spec, plan, group));
    for (let i = 0; i < spec.metrics.length; i++) {
      for (const query of queries) {
        const { metric, group } = query[i]!;
        const subject = `query ${metric} [${group}]`;
        try {
          const series = await sources.source.fetchMetric({ ...query[i]!, window }, options.signal);
          const mine = series.filter((s) => selects(plan.selectors[group], s.instance));
          const points = mine.reduce((a, s) => a + s.points.length, 0);
          lines.push(
            mine.length > 0
              ? {
                  subject,
                  name: 'data',
                  ok: true,
                  detail: `${mine.length} instances, ${points} points in the last ${5 * (step / 60_000)} minutes`,
                  hint: '',
                }
              : {
                  subject,
                  name: 'data',
                  ok: false,
                  detail:
                    series.length > 0
                      ? `${series.length} series, none matching the ${group} instances`
                      : 'no data in the last 5 intervals',
                  hint: `check the query, the instance label "${spec.strategy.instanceLabel}" and strategy.${group}`,
                },
          );
        } catch (e) {
          if (options.signal?.aborted) throw e;
          lines.push({
            subject,
            name: 'data',
            ok: false,
            queryFailed: true,
            detail: (e as Error).message,
            hint: (e as { hint?: string }).hint ?? '',
          });
        }
      }
    }
  } finally {
    await sources.close();
  }
  // A server may echo a credential into an error or a detail: every line is scrubbed of the spec's secrets.
  const secrets = secretsOfSpec(spec);
  return lines.map((l) => ({ ...l, detail: secrets.scrub(l.detail), hint: secrets.scrub(l.hint) }));
}

/** Renders doctor lines like a status command: one line per check, hints under failures. */
export function formatDoctor(lines: DoctorLine[]): string {
  const out: string[] = [];
  let subject = '';
  for (const l of lines) {
    if (l.subject !== subject) {
      subject = l.subject;
      out.push(subject);
    }
    out.push(`  ${l.ok ? '✓' : '✗'} ${l.name.padEnd(14)} ${l.detail}`);
    if (!l.ok && l.hint) out.push(`    → ${l.hint}`);
  }
  const failed = lines.filter((l) => !l.ok).length;
  out.push(
    '',
    failed === 0 ? `all ${lines.length} checks passed` : `${failed} of ${lines.length} checks failed`,
  );
  return `${out.join('\n')}\n`;
}
