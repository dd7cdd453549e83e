/**
 * Renders `{{name}}` placeholders with values escaped for the target language, so a value (a pod name, a
 * version taken from a deploy event) can never change the query's structure.
 *
 * - `promql`: placeholders must sit inside a double-quoted string; `\`, `"` and line breaks are escaped.
 *   After `=~`/`!~` an array becomes an alternation of RE2-escaped values, and a single string is used as
 *   the pattern it is (it can change what matches, never the query around it).
 * - `datadog`: tag values are normalised as Datadog does at intake (anything but letters, digits, `_ - : . /`
 *   becomes `_`; the `*` wildcard stays), so `,`, `}` or spaces cannot open a new filter; inside double quotes (logs search)
 *   `\` and `"` are escaped instead.
 * - `dynatrace`: placeholders must sit inside a double-quoted selector string; `~` and `"` are escaped
 *   with `~` as Dynatrace selectors require.
 * - `url`, `json`, `header`: for the generic HTTP provider.
 */
import { ProviderError } from './errors.ts';
import type { TemplateVars } from './provider.ts';

export type Dialect = 'promql' | 'datadog' | 'dynatrace' | 'url' | 'json' | 'header' | 'text';

const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

export function renderTemplate(
  template: string,
  vars: TemplateVars,
  dialect: Dialect,
  provider = 'vigil',
): string {
  let out = '';
  let last = 0;
  for (const m of template.matchAll(placeholder)) {
    const name = m[1]!;
    const at = m.index ?? 0;
    out += template.slice(last, at);
    last = at + m[0].length;
    const value = vars[name];
    if (value === undefined) {
      throw new ProviderError(
        'bad-query',
        provider,
        `the query template uses {{${name}}} but no value was given`,
        {
          hint: `define the variable "${name}" or remove the placeholder`,
        },
      );
    }
    const quoted = insideQuotes(template, at, dialect === 'dynatrace' ? '~' : '\\');
    out += escapeValue(value, dialect, quoted, out, name, provider);
  }
  return out + template.slice(last);
}

/** Whether position `at` lies inside a double-quoted string, honouring the dialect's escape character. */
function insideQuotes(s: string, at: number, esc: string): boolean {
  let inside = false;
  for (let i = 0; i < at; i++) {
    const c = s[i];
    if (inside && c === esc) i++;
    else if (c === '"') inside = !inside;
  }
  return inside;
}

function escapeValue(
  value: string | string[],
  dialect: Dialect,
  quoted: boolean,
  before: string,
  name: string,
  provider: string,
): string {
  const needQuotes = () =>
    new ProviderError('bad-query', provider, `{{${name}}} must be placed inside double quotes in the query`, {
      hint: `write e.g. label="{{${name}}}" so the value cannot change the query`,
    });
  const list = Array.isArray(value) ? value : [value];
  switch (dialect) {
    case 'promql': {
      if (!quoted) throw needQuotes();
      const regex = /[=!]~\s*"[^"]*$/.test(before);
      if (Array.isArray(value) && !regex) {
        throw new ProviderError(
          'bad-query',
          provider,
          `{{${name}}} is a list but is not used with =~ or !~`,
          {
            hint: `use label=~"{{${name}}}" for a list of values`,
          },
        );
      }
      // A list is literal values (regex-escaped into an alternation); a single string after =~ is a pattern
      // on purpose (e.g. a canary pod pattern). Either way string escaping keeps it inside its quotes.
      const parts = Array.isArray(value) ? list.map(escapeRe2) : list;
      return escapePromString(parts.join('|'));
    }
    case 'datadog':
      if (quoted)
        return list.map((v) => v.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')).join(' OR ');
      return list.map(normaliseDatadogTag).join(',');
    case 'dynatrace':
      if (!quoted) throw needQuotes();
      return list.map((v) => v.replace(/[~"]/g, (c) => `~${c}`)).join('","');
    case 'url':
      return list.map(encodeURIComponent).join(',');
    case 'json':
      return list.map((v) => JSON.stringify(v).slice(1, -1)).join(',');
    case 'header':
      if (list.some((v) => /[\r\n]/.test(v))) {
        throw new ProviderError('bad-query', provider, `the value of {{${name}}} contains a line break`, {
          hint: 'header values cannot contain line breaks',
        });
      }
      return list.join(',');
    case 'text':
      return list.join(',');
  }
}

export function escapePromString(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export function escapeRe2(v: string): string {
  return v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Datadog's tag normalisation: disallowed characters become underscores (Datadog does this at intake too).
 * `*` is kept: it is Datadog's wildcard and cannot open a new filter.
 */
export function normaliseDatadogTag(v: string): string {
  return v.replace(/[^A-Za-z0-9_\-:./*]/g, '_');
}
