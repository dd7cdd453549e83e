import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '@vigil/core';
import { loadSpecFile, verify } from '@vigil/runtime';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  annotate,
  annotationsOf,
  maxAnnotationsPerLevel,
  summaryMarkdown,
  writeSummary,
} from '../src/summary.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A real report: the bundled checkout recording, whose canary has a p99 regression and a new exception. */
async function checkoutReport(example: string): Promise<Report> {
  const path = join(repoRoot, 'examples', example, 'vigil.yaml');
  const spec = await loadSpecFile(path, {});
  return (await verify({ spec, specDir: dirname(path), id: 'test' })).report;
}

function toolkit() {
  const written: string[] = [];
  return {
    error: vi.fn(),
    warning: vi.fn(),
    summary: {
      addRaw: vi.fn((text: string) => {
        written.push(text);
      }),
      write: vi.fn(async () => undefined),
    },
    written,
  };
}

let failing: Report;
let healthy: Report;
beforeAll(async () => {
  [failing, healthy] = await Promise.all([checkoutReport('checkout'), checkoutReport('checkout-healthy')]);
});

describe('annotations', () => {
  it('annotates each failing metric as an error and each new error log cluster, with the explanation', () => {
    const tk = toolkit();
    annotate(failing, tk);
    const failed = failing.metrics.filter((m) => m.outcome === 'fail' && !m.muted);
    expect(failed.length).toBeGreaterThan(0);
    const errorTitles = tk.error.mock.calls.map(([, p]) => (p as { title: string }).title);
    for (const m of failed) {
      const i = errorTitles.findIndex((t) => t.startsWith(`Vigil: ${m.metric} failed`));
      expect(i).toBeGreaterThanOrEqual(0);
      expect(tk.error.mock.calls[i]![0]).toBe(m.explanation);
    }
    const newClusters = failing.logs!.clusters.filter((c) => c.classification === 'unknown' && c.risk > 0);
    expect(newClusters.length).toBeGreaterThan(0);
    const logLevel = failing.logs!.outcome === 'fail' ? tk.error : tk.warning;
    for (const c of newClusters) {
      expect(logLevel.mock.calls.some(([msg]) => (msg as string).startsWith(c.template))).toBe(true);
    }
    const expected = failed.length + newClusters.length;
    expect(tk.error.mock.calls.length + tk.warning.mock.calls.length).toBeGreaterThanOrEqual(expected);
  });

  it('annotates nothing for a healthy verification', () => {
    const tk = toolkit();
    expect(healthy.verdict).toBe('pass');
    annotate(healthy, tk);
    expect(tk.error).not.toHaveBeenCalled();
    expect(annotationsOf(healthy).filter((a) => a.level === 'error')).toEqual([]);
  });

  it('skips muted metrics and caps each level at 10, counting the rest in the last annotation', () => {
    const metric = failing.metrics.find((m) => m.outcome === 'fail')!;
    const many: Report = {
      ...failing,
      logs: undefined,
      metrics: [
        ...Array.from({ length: 14 }, (_, i) => ({ ...metric, metric: `m${i}`, muted: false })),
        { ...metric, metric: 'muted one', muted: true },
        { ...metric, metric: 'warned', outcome: 'warn' as const, muted: false },
      ],
    };
    const tk = toolkit();
    annotate(many, tk);
    expect(tk.error).toHaveBeenCalledTimes(maxAnnotationsPerLevel);
    const titles = tk.error.mock.calls.map(([, p]) => (p as { title: string }).title);
    expect(titles.slice(0, 9)).toEqual(
      Array.from({ length: 9 }, (_, i) => `Vigil: m${i} failed${metric.critical ? ' (critical)' : ''}`),
    );
    expect(titles[9]).toBe('Vigil: 5 more');
    expect(tk.error.mock.calls[9]![0]).toBe('5 more errors: see the job summary');
    expect(titles.some((t) => t.includes('muted one'))).toBe(false);
    expect(tk.warning).toHaveBeenCalledTimes(1);
    expect((tk.warning.mock.calls[0]![1] as { title: string }).title).toBe(
      'Vigil: warned changed' + (metric.critical ? ' (critical)' : ''),
    );
  });
});

describe('job summary', () => {
  it('opens with the verdict and the reason, then says what the Action did', () => {
    const md = summaryMarkdown(failing, {
      outcome: 'fail',
      rollback: { runId: 9000, url: 'https://github.com/o/r/actions/runs/9000', reused: false },
      deployment: { id: 77, state: 'failure' },
      backstage: { entityRef: 'component:default/checkout', id: 'v1' },
      warnings: ['something to fix'],
    });
    const lines = md.split('\n');
    expect(lines[0]).toMatch(/^## ❌ Vigil: checkout 2\.14\.0 failed verification \(score \d+\/100\)$/);
    expect(lines[2]).toMatch(
      /^\*\*Why:\*\* stopped early after \d+ of 30 polls: critical metric "p99 latency" failed: /,
    );
    expect(lines[2]).toContain('&gt;= ');
    expect(lines[4]).toMatch(/^<sub>Score: 0–100, higher is healthier .*Risk: 0–1 per metric/);
    // The statistics are there, collapsed, with a line that says what each judge tests.
    expect(md).toMatch(
      /<details><summary>Statistics behind each judgment<\/summary>\n\nEach judge tests one kind of change/,
    );
    expect(md).not.toContain('<details open>');
    const done = md.slice(md.indexOf('### What the Action did'));
    expect(done).toContain('- ❌ Failed the step.');
    expect(done).toContain('[run 9000](https://github.com/o/r/actions/runs/9000)');
    expect(done).toContain('Set deployment 77 to `failure`');
    expect(done).toContain('component:default/checkout (verification v1)');
    expect(done).toContain('- ⚠️ something to fix');
  });

  it('keeps hostile text (log samples, templates, metric names) inside its block', () => {
    const sample =
      'boom\n```\n# Owned\n[click](https://evil.example)\n![pixel](https://evil.example/p.png)\n</pre><img src=x>';
    const hostile: Report = {
      ...failing,
      metrics: failing.metrics.map((m, i) =>
        i === 0 ? { ...m, metric: '![x](https://evil.example/m.png) | `code` <b>' } : m,
      ),
      logs: {
        ...failing.logs!,
        clusters: failing.logs!.clusters.map((c, i) =>
          i === 0
            ? {
                ...c,
                classification: 'unknown',
                risk: 0.9,
                template: '``` [a](https://evil.example) <script>',
                samples: [sample],
              }
            : c,
        ),
      },
    };
    const md = summaryMarkdown(hostile, { outcome: 'fail' });
    // No line outside a <pre> starts a heading, and no link, image or tag from the input survives.
    const pre = md.match(/<pre>[\s\S]*?<\/pre>/g) ?? [];
    expect(pre.length).toBeGreaterThan(0);
    expect(pre.join('\n')).toContain('```\n# Owned\n[click](https://evil.example)\n![pixel]');
    expect(pre.join('\n')).toContain('&lt;/pre&gt;&lt;img src=x&gt;');
    const outside = md.replace(/<pre>[\s\S]*?<\/pre>/g, '');
    expect(outside).not.toMatch(/^# Owned/m);
    expect(outside).not.toMatch(/(^|[^\\])!\[/);
    expect(outside).not.toMatch(/(^|[^\\])\[(a|click)\]\(/);
    expect(outside).not.toMatch(/<(b|script|img)\b/);
    expect(outside).not.toContain('```');
    expect(outside).toContain('!\\[x\\](https://evil.example/m.png) \\| \\`code\\` &lt;b&gt;');
  });

  it('says when an earlier attempt had dispatched the rollback, and when the dispatch failed', () => {
    const reused = summaryMarkdown(failing, {
      outcome: 'fail',
      rollback: { runId: 9000, url: 'https://x/runs/9000', reused: true },
    });
    expect(reused).toContain('already dispatched for this verification by an earlier attempt');
    const failed = summaryMarkdown(failing, { outcome: 'fail', rollback: { error: 'add actions: write' } });
    expect(failed).toContain('- ❌ Rollback not dispatched: add actions: write');
  });

  it('appends to the step summary file, and skips without one instead of throwing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-summary-'));
    const saved = process.env.GITHUB_STEP_SUMMARY;
    try {
      const tk = toolkit();
      delete process.env.GITHUB_STEP_SUMMARY;
      expect(await writeSummary(tk, '# x')).toBe(false);
      expect(tk.summary.write).not.toHaveBeenCalled();
      process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary.md');
      await writeFile(process.env.GITHUB_STEP_SUMMARY, '');
      expect(await writeSummary(tk, '# x')).toBe(true);
      expect(tk.written).toEqual(['# x']);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });
});

afterAll(() => vi.restoreAllMocks());
