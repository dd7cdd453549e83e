import { InputError } from '../errors.ts';
import type { Group, MetricSeries } from '../model/metric.ts';
import { parseCsv } from './csv.ts';
import { NUMBER_SPELLINGS, parseNumberText } from './number.ts';
import { parseTimestamp } from './time.ts';

/**
 * Reads `timestamp,instance,value` CSV (header required; several instances per file; timestamps ISO-8601
 * or epoch seconds) into one series per instance, sorted by time. Empty values and "NaN" become NaN gaps;
 * infinities (`+Inf`, `Infinity`, ...) are values (see `parseNumberText`). A file that cannot be read as series
 * throws an InputError naming the line and saying what is expected.
 */
export function seriesFromCsv(
  text: string,
  options: { metric: string; group: Group; source: string },
): MetricSeries[] {
  const rows = parseCsv(text).filter((r) => r.some((f) => f.trim() !== ''));
  const header = rows[0]?.map((h) => h.trim().toLowerCase());
  const col = (name: string) => header?.indexOf(name) ?? -1;
  const [ti, ii, vi] = [col('timestamp'), col('instance'), col('value')];
  if (!header || ti < 0 || vi < 0) {
    throw new InputError(
      `${options.source}: the first line must be the header "timestamp,instance,value" (instance may be left out for one instance)`,
    );
  }
  const byInstance = new Map<string, MetricSeries>();
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const line = r + 1;
    const t = parseTimestamp(row[ti] ?? '');
    if (!Number.isFinite(t)) {
      throw new InputError(
        `${options.source}:${line}: timestamp "${row[ti] ?? ''}" is neither ISO-8601 nor epoch seconds`,
      );
    }
    const raw = (row[vi] ?? '').trim();
    const v = raw === '' ? Number.NaN : parseNumberText(raw);
    if (v === undefined) {
      throw new InputError(
        `${options.source}:${line}: value "${raw}" is not a number (use ${NUMBER_SPELLINGS})`,
      );
    }
    const instance = ii >= 0 ? (row[ii] ?? '').trim() || 'default' : 'default';
    let series = byInstance.get(instance);
    if (!series) {
      series = { metric: options.metric, instance, group: options.group, points: [] };
      byInstance.set(instance, series);
    }
    series.points.push({ t, v });
  }
  if (byInstance.size === 0) throw new InputError(`${options.source}: no data rows after the header`);
  for (const s of byInstance.values()) s.points.sort((a, b) => a.t - b.t);
  return [...byInstance.values()];
}
