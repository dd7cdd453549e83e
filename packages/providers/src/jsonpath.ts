/**
 * A small JSONPath subset for picking values out of arbitrary JSON (the generic HTTP provider):
 * `$` root, `.name`, `['name']` / `["name"]`, `[n]` (negative counts from the end), `[*]` and `.*` wildcards.
 * No filters or scripts: a path can only walk the document, never run code.
 */

type Step = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'all' };

const cache = new Map<string, Step[]>();

export class JsonPathError extends Error {
  constructor(path: string, at: number, why: string) {
    super(`JSONPath "${path}" at ${at}: ${why}; supported: $, .name, ['name'], [n], [*], .*`);
    this.name = 'JsonPathError';
  }
}

export function parseJsonPath(path: string): Step[] {
  const hit = cache.get(path);
  if (hit) return hit;
  if (!path.startsWith('$')) throw new JsonPathError(path, 0, 'must start with $');
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (path[i + 1] === '.') throw new JsonPathError(path, i, 'recursive descent (..) is not supported');
      if (path[i + 1] === '*') {
        steps.push({ kind: 'all' });
        i += 2;
        continue;
      }
      const m = /^[A-Za-z_$@][\w$@-]*/.exec(path.slice(i + 1));
      if (!m) throw new JsonPathError(path, i, 'expected a name after "."');
      steps.push({ kind: 'key', key: m[0] });
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = path.slice(i);
      const quoted = /^\[\s*(['"])((?:\\.|(?!\1).)*)\1\s*\]/.exec(rest);
      const index = /^\[\s*(-?\d+)\s*\]/.exec(rest);
      const star = /^\[\s*\*\s*\]/.exec(rest);
      if (quoted) {
        steps.push({ kind: 'key', key: quoted[2]!.replace(/\\(.)/g, '$1') });
        i += quoted[0].length;
      } else if (index) {
        steps.push({ kind: 'index', index: Number(index[1]) });
        i += index[0].length;
      } else if (star) {
        steps.push({ kind: 'all' });
        i += star[0].length;
      } else {
        throw new JsonPathError(path, i, "expected [n], [*] or ['name']");
      }
    } else {
      throw new JsonPathError(path, i, `unexpected "${c}"`);
    }
  }
  cache.set(path, steps);
  return steps;
}

/** Every value the path selects, in document order. */
export function queryJsonPath(doc: unknown, path: string): unknown[] {
  let nodes: unknown[] = [doc];
  for (const step of parseJsonPath(path)) {
    const next: unknown[] = [];
    for (const n of nodes) {
      if (step.kind === 'key') {
        if (n && typeof n === 'object' && !Array.isArray(n) && Object.hasOwn(n, step.key)) {
          next.push((n as Record<string, unknown>)[step.key]);
        }
      } else if (step.kind === 'index') {
        if (Array.isArray(n)) {
          const i = step.index < 0 ? n.length + step.index : step.index;
          if (i >= 0 && i < n.length) next.push(n[i]);
        }
      } else if (Array.isArray(n)) {
        next.push(...n);
      } else if (n && typeof n === 'object') {
        next.push(...Object.values(n));
      }
    }
    nodes = next;
  }
  return nodes;
}

/** The first value the path selects, or undefined. */
export function pickJsonPath(doc: unknown, path: string): unknown {
  return queryJsonPath(doc, path)[0];
}
