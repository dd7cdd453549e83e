/**
 * The one reading of a number written as text, shared by every CSV reader: decimal numbers (`12`, `-0.5`,
 * `1e-3`, `.5`), the infinities as Prometheus and JavaScript write them (`+Inf`, `-Inf`, `Inf`, `Infinity`,
 * `+Infinity`, `-Infinity`) and `NaN`, case-insensitive. `+Inf` is a value (the worst latency a histogram
 * can report), never a gap. Hex (`0x10`), binary, octal, `1_000` and anything else are not numbers: a value
 * column that quietly read `0x10` as 16 would judge data nobody wrote.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INFINITY = /^([+-]?)(inf|infinity)$/i;

/** The number `text` spells (surrounding spaces ignored), or undefined when it is not one. Empty text is undefined. */
export function parseNumberText(text: string): number | undefined {
  const s = text.trim();
  if (DECIMAL.test(s)) return Number(s);
  const inf = INFINITY.exec(s);
  if (inf) return inf[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^nan$/i.test(s)) return Number.NaN;
  return undefined;
}

/** The spellings accepted, for error messages. */
export const NUMBER_SPELLINGS = 'a decimal number, +Inf, -Inf, Inf, Infinity or NaN';
