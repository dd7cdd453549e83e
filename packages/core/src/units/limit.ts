/**
 * Limits written with a unit in a spec (`above: 500ms`, `upper: 2 GiB`, relative `above: 50%`), resolved into
 * the number the threshold rules compare with the metric's values.
 */
import { convert, parseQuantity, parseUnit, unknownUnitMessage } from './unit.ts';

/** A limit as written: a number in the metric's unit (a fraction for relative rules), or text with a unit. */
export type LimitValue = number | string;

/**
 * The number a limit stands for: in the metric's unit for absolute rules, as a fraction (0.5 = 50%) for
 * relative ones. An error text (naming what to write instead) when it cannot be resolved.
 */
export function resolveLimit(
  value: LimitValue,
  metricUnit: string | undefined,
  relative: boolean,
): { value: number } | { error: string } {
  if (typeof value === 'number') return { value };
  const q = parseQuantity(value);
  if (!q) {
    const unitText = value.trim().replace(/^[-+]?[\d.]+(e[-+]?\d+)?\s*/i, '');
    if (/^[-+]?[\d.]/.test(value.trim()) && unitText !== '') return { error: unknownUnitMessage(unitText) };
    return { error: `"${value}" is not a number with a unit, e.g. 500 or "500ms", "2 GiB", "5%"` };
  }
  if (relative) {
    if (q.unit.dimension !== 'fraction') {
      return { error: `"${value}": a relative limit is a fraction of the baseline, e.g. 0.5 or "50%"` };
    }
    return { value: convert(q.value, q.unit, 'ratio')! };
  }
  const target = parseUnit(metricUnit);
  if (!target) {
    return {
      error: `"${value}" has a unit, so the metric needs one to compare it with: set its unit (e.g. unit: ${q.unit.symbol})`,
    };
  }
  const v = convert(q.value, q.unit, target);
  if (v === undefined) {
    return { error: `"${value}" (${q.unit.dimension}) cannot be compared with values in ${target.symbol}` };
  }
  return { value: v };
}
