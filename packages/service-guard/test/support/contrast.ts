/**
 * WCAG 2.2 contrast of the colours the tab writes in CSS (`var(--bui-…)`, `color-mix(in srgb, …)`, hex),
 * resolved against the theme variables of the installed @backstage/ui stylesheet, light and dark.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export type Rgb = readonly [number, number, number];
export type ThemeMode = 'light' | 'dark';
export type Theme = ReadonlyMap<string, string>;

/** The `--bui-*` variables of each theme as @backstage/ui declares them (dark overrides light's `:root`). */
export function buiThemes(): Record<ThemeMode, Theme> {
  const file = createRequire(import.meta.url).resolve('@backstage/ui/css/styles.css');
  const css = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const light = new Map<string, string>();
  const dark = new Map<string, string>();
  for (const m of css.matchAll(/([^{}]*)\{([^{}]*)\}/g)) {
    const selector = m[1]!;
    const body = m[2]!;
    if (!body.includes('--bui-fg-primary')) continue;
    const target = selector.includes("[data-theme-mode='dark']") ? dark : light;
    for (const d of body.matchAll(/(--bui-[\w-]+)\s*:\s*([^;]+);/g)) target.set(d[1]!, d[2]!.trim());
  }
  if (light.size === 0 || dark.size === 0) throw new Error(`no light or dark theme variables in ${file}`);
  return { light, dark: new Map([...light, ...dark]) };
}

/** A CSS colour as sRGB bytes, with the theme's variables substituted. */
export function resolveColor(css: string, theme: Theme): Rgb {
  const p = new Parser(css, theme);
  const c = p.color();
  p.end();
  return c;
}

class Parser {
  #i = 0;
  readonly s: string;
  readonly theme: Theme;
  constructor(s: string, theme: Theme) {
    this.s = s;
    this.theme = theme;
  }

  color(): Rgb {
    this.#space();
    const rest = this.s.slice(this.#i);
    const hex = /^#([0-9a-f]{6}|[0-9a-f]{3})\b/i.exec(rest);
    if (hex) {
      this.#i += hex[0].length;
      const h = hex[1]!.length === 3 ? [...hex[1]!].map((c) => c + c).join('') : hex[1]!;
      return [0, 2, 4].map((k) => Number.parseInt(h.slice(k, k + 2), 16)) as unknown as Rgb;
    }
    if (rest.startsWith('var(')) {
      this.#i += 4;
      const name = /^\s*(--[\w-]+)\s*/.exec(this.s.slice(this.#i))!;
      this.#i += name[0].length;
      let fallback: Rgb | undefined;
      if (this.#eat(',')) fallback = this.color();
      this.#expect(')');
      const value = this.theme.get(name[1]!);
      if (value !== undefined) return resolveColor(value, this.theme);
      if (fallback) return fallback;
      throw new Error(`${name[1]} is not defined by the theme and has no fallback`);
    }
    if (rest.startsWith('color-mix(')) {
      this.#i += 'color-mix('.length;
      this.#expect('in srgb');
      this.#expect(',');
      const a = this.color();
      let pa = this.#percent();
      this.#expect(',');
      const b = this.color();
      let pb = this.#percent();
      this.#expect(')');
      // CSS Color 5: a missing percentage is the rest of 100%, both missing are 50% each.
      if (pa === undefined && pb === undefined) pa = pb = 0.5;
      pa ??= 1 - pb!;
      pb ??= 1 - pa;
      return [0, 1, 2].map((k) => (a[k]! * pa! + b[k]! * pb!) / (pa! + pb!)) as unknown as Rgb;
    }
    throw new Error(`cannot read a colour at "${rest}"`);
  }

  end(): void {
    this.#space();
    if (this.#i !== this.s.length) throw new Error(`unexpected "${this.s.slice(this.#i)}"`);
  }

  #percent(): number | undefined {
    const m = /^\s*([\d.]+)%/.exec(this.s.slice(this.#i));
    if (!m) return undefined;
    this.#i += m[0].length;
    return Number(m[1]) / 100;
  }

  #space(): void {
    while (/\s/.test(this.s[this.#i] ?? '')) this.#i++;
  }

  #eat(token: string): boolean {
    this.#space();
    if (!this.s.startsWith(token, this.#i)) return false;
    this.#i += token.length;
    return true;
  }

  #expect(token: string): void {
    if (!this.#eat(token)) throw new Error(`expected "${token}" at "${this.s.slice(this.#i)}"`);
  }
}

function luminance(c: Rgb): number {
  const [r, g, b] = c.map((v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.2's contrast ratio, 1 to 21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export function toHex(c: Rgb): string {
  return `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}
