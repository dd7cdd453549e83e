/**
 * Whether one template could have produced the messages of another with different variable values: the test
 * that keeps a canary's rare variant of a known event (a new pod name, an id fragment the masking left, a
 * size printed `512KB` instead of `512 KB`) from counting as a new cluster.
 *
 * Token by token, the two agree when the tokens are equal, when both hold a variable, when either is a bare
 * variable (`<*>`, `[<*>]`), or when both are units of one kind (`KB`, `bytes`). A token that holds a variable
 * may also stand for several tokens of the other template that are themselves variables or units (`<*>` for
 * `<*> KB`, `<*>` for `<<*> sec`), which is how the same event reads when a value is printed in more than one
 * form. Every word of either template must be met by the same word or by a variable of the other, and at
 * least one word must be shared: a template of variables alone is no evidence.
 */
import { isLeading, isTrailing, WILDCARD } from './masking.ts';

// Units that a value is printed with or without, glued to it or not, by kind: a size in `KB` and one in
// `bytes` are the same variable printed two ways. General to logs, not to one system.
const UNIT_KINDS: Record<string, readonly string[]> = {
  size: ['b', 'byte', 'bytes', 'kb', 'mb', 'gb', 'tb', 'pb', 'kib', 'mib', 'gib', 'tib', 'k', 'm', 'g'],
  time: [
    'ns',
    'us',
    'µs',
    'ms',
    's',
    'sec',
    'secs',
    'second',
    'seconds',
    'min',
    'mins',
    'minute',
    'minutes',
    'h',
    'hr',
    'hrs',
    'hour',
    'hours',
  ],
  share: ['%', 'percent'],
};
// Every spelling looked up as is (no lower-casing per token, which allocates on a path every template takes):
// short units in every mix of cases (`KB`, `kB`, `Kb`), longer ones lower, upper and capitalised.
const UNITS = new Map<string, string>();
for (const [kind, units] of Object.entries(UNIT_KINDS))
  for (const u of units) for (const spelling of spellings(u)) UNITS.set(spelling, kind);

function spellings(u: string): string[] {
  if (u.length > 3) return [u, u.toUpperCase(), u[0]!.toUpperCase() + u.slice(1)];
  let out = [''];
  for (const c of u) out = out.flatMap((p) => [...new Set([p + c, p + c.toUpperCase()])]);
  return out;
}

/** The kind of unit a token is, punctuation around it aside (`KB`, `KB)`, `"KB",`). */
export function unitKind(t: string): string | undefined {
  let a = 0;
  let b = t.length;
  while (a < b && isLeading(t.charCodeAt(a))) a++;
  while (b > a && isTrailing(t.charCodeAt(b - 1))) b--;
  return UNITS.get(a === 0 && b === t.length ? t : t.slice(a, b));
}

/**
 * The words of a template, variables and units left out: length variants of one event (see
 * `isLengthVariant`) have the same words.
 */
export function wordsOf(tokens: readonly string[]): string {
  let out = '';
  for (const t of collapseRepeats(tokens)) if (!hasVariable(t) && unitKind(t) === undefined) out += `${t} `;
  return out;
}

function hasVariable(t: string): boolean {
  return t.includes(WILDCARD);
}

/** A variable with nothing but punctuation around it: `<*>`, `(<*>)`, `<*>,`. */
function isBareVariable(t: string): boolean {
  if (!hasVariable(t)) return false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57)) return false;
  }
  return true;
}

/** A token that a neighbouring variable may stand for: another variable, or a unit. */
function isFiller(t: string): boolean {
  return hasVariable(t) || unitKind(t) !== undefined;
}

function agree(a: string, b: string): boolean {
  if (a === b || (hasVariable(a) && hasVariable(b)) || isBareVariable(a) || isBareVariable(b)) return true;
  const kind = unitKind(a);
  return kind !== undefined && kind === unitKind(b);
}

/** True when template `known` could have produced the messages of template `other` (tokens split on spaces). */
export function couldProduce(known: readonly string[], other: readonly string[]): boolean {
  return produces(collapseRepeats(known), collapseRepeats(other), agree);
}

// Longest run of tokens that a list repeats (`node-<*> <*> <ok>`).
const REPEAT_MAX = 4;

/**
 * A list of values printed as a run of one repeated pattern with a variable (`node-<*> <*> <ok> node-<*> <*>
 * <ok> ...`), the pattern once: lists of different lengths are one event.
 */
export function collapseRepeats(tokens: readonly string[]): readonly string[] {
  let out: string[] | null = null;
  let i = 0;
  const n = tokens.length;
  while (i < n) {
    let skipped = false;
    for (let p = 1; p <= REPEAT_MAX && i + 2 * p <= n; p++) {
      let same = true;
      let variable = false;
      for (let k = 0; k < p; k++) {
        const t = tokens[i + k]!;
        if (t !== tokens[i + p + k]) {
          same = false;
          break;
        }
        if (t.includes(WILDCARD)) variable = true;
      }
      if (!same || !variable) continue;
      // tokens[i..i+p) repeats at i+p: keep the later copy only.
      out ??= tokens.slice(0, i) as string[];
      i += p;
      skipped = true;
      break;
    }
    if (skipped) continue;
    out?.push(tokens[i]!);
    i++;
  }
  return out ?? tokens;
}

// Only where both hold a variable, or units of one kind, may two tokens differ: words must be equal.
function agreeStrictly(a: string, b: string): boolean {
  if (a === b || (hasVariable(a) && isFiller(b)) || (hasVariable(b) && isFiller(a))) return true;
  const kind = unitKind(a);
  return kind !== undefined && kind === unitKind(b);
}

/**
 * True when two templates are one event whose variables were printed as different numbers of tokens
 * (`lifetime <*>` and `lifetime <<*> sec`, `size <*>` and `size <*> KB`, a list of one or two values): every
 * word equal, variables standing for runs of variables or units. Stricter than `couldProduce`, which also
 * lets a bare variable stand for any word.
 */
export function isLengthVariant(a: readonly string[], b: readonly string[]): boolean {
  return produces(collapseRepeats(a), collapseRepeats(b), agreeStrictly);
}

// Templates longer than this are compared only when equal: the comparison's table grows with the product of
// the lengths, and its recursion with their sum.
const MAX_TOKENS = 400;

function produces(
  known: readonly string[],
  other: readonly string[],
  agree: (a: string, b: string) => boolean,
): boolean {
  if (known.length > MAX_TOKENS || other.length > MAX_TOKENS) return false;
  let shared = false;
  for (const t of other) {
    if (!hasVariable(t) && known.includes(t)) {
      shared = true;
      break;
    }
  }
  if (!shared) return false;
  const nk = known.length;
  const no = other.length;
  // memo[i * (no + 1) + j]: 0 unknown, 1 yes, 2 no, for known[i..] against other[j..].
  const memo = new Uint8Array((nk + 1) * (no + 1));
  const match = (i: number, j: number): boolean => {
    if (i === nk || j === no) return i === nk && j === no;
    const k = i * (no + 1) + j;
    if (memo[k] !== 0) return memo[k] === 1;
    const a = known[i]!;
    const b = other[j]!;
    const ok =
      (agree(a, b) && match(i + 1, j + 1)) ||
      // a variable of the known template stands for one more token of the other, or the other way round
      (hasVariable(a) && isFiller(b) && match(i, j + 1)) ||
      (hasVariable(b) && isFiller(a) && match(i + 1, j));
    memo[k] = ok ? 1 : 2;
    return ok;
  };
  return match(0, 0);
}
