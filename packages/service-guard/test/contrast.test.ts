/**
 * The colours of the tab, card and catalog page against @backstage/ui's own light and dark theme variables
 * (read from the installed stylesheet, not copied): text at WCAG AA's 4.5:1 on the card and the page
 * background, marks (dots, rings, borders) at 3:1, and each status colour still the hue that says it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { secondaryText, type Tone, toneColor } from '../src/format.ts';
import {
  buiThemes,
  contrastRatio,
  type Rgb,
  resolveColor,
  type ThemeMode,
  toHex,
} from './support/contrast.ts';

const themes = buiThemes();
const modes: ThemeMode[] = ['light', 'dark'];
/** Where the plugin's text sits: a card (neutral-1) or, on /service-guard and outside cards, the page. */
const BACKGROUNDS = ['--bui-bg-neutral-1', '--bui-bg-app'] as const;
const tones: Tone[] = ['danger', 'warning', 'success', 'info'];

const src = fileURLToPath(new URL('../src/', import.meta.url));
const sources = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.tsx?$/.test(f))
  .map((f) => ({ file: f, text: readFileSync(join(src, f), 'utf8') }));

function ratios(css: string): string[] {
  return modes.flatMap((mode) =>
    BACKGROUNDS.map((bg) => {
      const fg = resolveColor(css, themes[mode]);
      const back = resolveColor(`var(${bg})`, themes[mode]);
      return `${mode} ${toHex(fg)} on ${bg} ${toHex(back)}: ${contrastRatio(fg, back).toFixed(2)}`;
    }),
  );
}

function minRatio(css: string): number {
  return Math.min(...ratios(css).map((r) => Number(r.split(': ')[1])));
}

function hue([r, g, b]: Rgb): number {
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

describe('colour contrast against the @backstage/ui themes', () => {
  it.each(tones)('%s text (status words, errors) is at least 4.5:1 in both themes', (tone) => {
    expect(minRatio(toneColor(tone)), ratios(toneColor(tone)).join('\n')).toBeGreaterThanOrEqual(4.5);
  });

  it('secondary text (detail lines, axis labels) is at least 4.5:1, and still lighter than the primary', () => {
    expect(minRatio(secondaryText), ratios(secondaryText).join('\n')).toBeGreaterThanOrEqual(4.5);
    for (const mode of modes) {
      const bg = resolveColor('var(--bui-bg-neutral-1)', themes[mode]);
      const primary = contrastRatio(resolveColor('var(--bui-fg-primary)', themes[mode]), bg);
      expect(contrastRatio(resolveColor(secondaryText, themes[mode]), bg)).toBeLessThan(primary * 0.8);
    }
  });

  it('keeps the meaning of each status colour: red is bad, orange a warning, green good, blue no data', () => {
    const range: Record<Tone, [number, number]> = {
      danger: [345, 15],
      warning: [20, 50],
      success: [90, 170],
      info: [190, 250],
    };
    for (const mode of modes) {
      for (const tone of tones) {
        const h = hue(resolveColor(toneColor(tone), themes[mode]));
        const [from, to] = range[tone];
        const inside = from < to ? h >= from && h <= to : h >= from || h <= to;
        expect(inside, `${mode} ${tone}: hue ${h.toFixed(0)}`).toBe(true);
      }
    }
  });

  it("uses only @backstage/ui Text colours that meet 4.5:1 (the theme's own status colours do not)", () => {
    // Text's `color` prop is a class of @backstage/ui that sets one theme variable: read which from its CSS.
    const styles = createRequire(import.meta.url).resolve('@backstage/ui/css/styles.css');
    const textCss = readFileSync(join(dirname(styles), '../components/Text/Text.module.css.esm.js'), 'utf8');
    const tokenOf = new Map(
      [...textCss.matchAll(/\[data-color='(\w+)'\] \{\\n\s*color: (var\(--bui-[\w-]+\))/g)].map((m) => [
        m[1]!,
        m[2]!,
      ]),
    );
    expect(tokenOf.get('secondary')).toBe('var(--bui-fg-secondary)');
    const used = new Set<string>();
    for (const { file, text } of sources) {
      for (const m of text.matchAll(/<Text\b[^>]*?\scolor=(?:"(\w+)"|\{([^}]*)\})/g)) {
        const values = m[1] ? [m[1]] : [...m[2]!.matchAll(/'(\w+)'/g)].map((v) => v[1]!);
        // A tone passed through a variable: the check of toneColor above covers it only if no Text gets it.
        expect(values.length, `${file}: ${m[0]}`).toBeGreaterThan(0);
        for (const v of values) used.add(v);
      }
    }
    const failing = [...used]
      .filter((c) => minRatio(tokenOf.get(c)!) < 4.5)
      .map((c) => `${c}: ${ratios(tokenOf.get(c)!).join(', ')}`);
    expect(failing).toEqual([]);
  });

  it('draws marks (status dots, anomaly rings, item borders) in theme colours of at least 3:1', () => {
    const marks = new Set<string>();
    for (const { text } of sources) {
      for (const m of text.matchAll(/var\(--bui-fg-[\w-]+\)/g)) marks.add(m[0]);
    }
    for (const t of tones) marks.add(toneColor(t));
    const failing = [...marks].filter((c) => minRatio(c) < 3).map((c) => `${c}: ${ratios(c).join(', ')}`);
    expect(failing).toEqual([]);
  });
});
