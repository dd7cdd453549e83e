/**
 * End to end: spec file -> replay provider -> engine -> judgment -> reports, for every strategy and ending.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportSchema } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { loadSpecFile, replaySpec, verify } from '../src/index.ts';
import { replayCanaryRecording, replayCanarySpec, series, writeScenario } from './support/recording.ts';

const T0 = Date.UTC(2026, 10, 20, 14, 0);
const B = ['b-1', 'b-2', 'b-3'];
const C = ['c-1', 'c-2', 'c-3'];

const canarySpec = (extra = '', metricExtra = '') => replayCanarySpec(`${metricExtra}${extra}`);

const canaryRecording = (factor: number, from = 0) => replayCanaryRecording({ factor, from });

async function run(spec: string, recording: unknown, options: Partial<Parameters<typeof verify>[0]> = {}) {
  const dir = await writeScenario(spec, recording);
  const loaded = await loadSpecFile(join(dir, 'vigil.yaml'), {});
  return verify({ spec: loaded, specDir: dir, reportDir: join(dir, 'out'), ...options });
}

describe('canary strategy on replayed data', () => {
  it('fails a +40% latency regression early, with anytime-valid evidence, and writes all three reports', async () => {
    const { result, report, files } = await run(canarySpec(), canaryRecording(1.4));
    expect(report.verdict).toBe('fail');
    expect(report.outcome).toBe('failed');
    expect(result.status).toBe('stopped-early');
    expect(result.fractionJudged).toBeLessThanOrEqual(0.5);
    expect(report.metrics[0]!.decidedBy).toContain('sequential');
    expect(report.reason).toMatch(
      /^stopped early after \d+ of 20 polls: "latency" failed: the canary differs/,
    );
    expect(report.metrics[0]!.change).toBeGreaterThan(0.3);
    expect(reportSchema.parse(JSON.parse(await readFile(files!.json, 'utf8')))).toEqual(report);
    const md = await readFile(files!.markdown, 'utf8');
    expect(md.split('\n')[0]).toBe('## ❌ Vigil: shop failed verification (score 0/100)');
    const html = await readFile(files!.html, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });

  it('an early stop keeps the score of the metrics that were fine, and names the metric that decided', async () => {
    const rec = canaryRecording(1.4);
    const common = { start: T0, minutes: 20, level: 50, noise: 2 };
    rec.metrics.push(
      series({ ...common, query: 'rps{pod=~"b-.*"}', group: 'baseline', instances: B, seed: 7 }),
      series({ ...common, query: 'rps{pod=~"c-.*"}', group: 'canary', instances: C, seed: 8 }),
    );
    const { result, report } = await run(
      canarySpec('', `  - name: requests\n    query: 'rps{pod=~"{{instances}}"}'\n    kind: throughput\n`),
      rec,
    );
    expect(result.status).toBe('stopped-early');
    expect(report.reason).toMatch(/^stopped early after \d+ of 20 polls: "latency" failed: /);
    // latency's risk is ~1, requests' ~0: the weighted score is about half, not 0.
    expect(report.score).toBeGreaterThanOrEqual(40);
    expect(report.score).toBeLessThanOrEqual(55);
  });

  it('passes an A/A canary after the full duration', async () => {
    const { result, report } = await run(canarySpec(), canaryRecording(1));
    expect(report.verdict).toBe('pass');
    expect(report.outcome).toBe('passed');
    expect(result.status).toBe('completed');
    expect(result.timeline).toHaveLength(20);
    expect(report.window).toEqual({
      start: '2026-11-20T14:00:00.000Z',
      end: '2026-11-20T14:20:00.000Z',
      fractionJudged: 1,
    });
    expect(report.metrics[0]!.canary).toMatchObject({ instances: 3, points: 60 });
    expect(report.usage).toEqual([
      expect.objectContaining({ provider: 'rec', type: 'replay', requests: 40 }),
    ]);
  });

  it('runs the whole duration when early stops are off, and still fails', async () => {
    const { result, report } = await run(canarySpec('policy: { earlyStop: false }\n'), canaryRecording(1.4));
    expect(report.verdict).toBe('fail');
    expect(result.status).toBe('completed');
    expect(result.fractionJudged).toBe(1);
    expect(report.metrics[0]!.decidedBy).not.toContain('sequential');
  });

  it('stops at the fail-fast rule: two consecutive canary points above 150 ms', async () => {
    const rule = '    failFast: [{ type: absolute, above: 150, when: consecutive, count: 2 }]\n';
    const { result, report } = await run(
      canarySpec('policy: { earlyStop: false }\n', rule),
      canaryRecording(1.8, 6),
    );
    expect(report.verdict).toBe('fail');
    expect(result.status).toBe('stopped-early');
    expect(result.timeline).toHaveLength(8); // breaches at minutes 6 and 7: the poll after minute 7 stops it
    expect(report.reason).toContain('fail-fast rule of "latency" fired');
  });

  it('treats a metric without data by the no-data policy and says why', async () => {
    const spec = (policy: string) =>
      canarySpec(
        `policy: { noData: ${policy}, maxConsecutiveErrors: 100 }\n`,
        `  - name: saturation\n    query: 'sat{pod=~"{{instances}}"}'\n    kind: resource\n`,
      );
    for (const [policy, verdict] of [
      ['inconclusive', 'inconclusive'],
      ['fail', 'fail'],
      // The query failed at the provider: `noData: pass` accepts missing data, never provider errors.
      ['pass', 'inconclusive'],
    ] as const) {
      const { report } = await run(spec(policy), canaryRecording(1));
      const saturation = report.metrics.find((m) => m.metric === 'saturation')!;
      expect(saturation.outcome).toBe('no-data');
      expect(saturation.dataIssue?.cause).toBe('provider-error');
      expect(report.verdict).toBe(verdict);
      expect(report.status).toBe('incomplete');
      expect(report.errors[0]!.message).toContain('no recording of "sat{pod=~"b-.*"}"');
      // No metric is critical, so every metric must be judged: whatever the no-data policy says, the
      // verification could not verify saturation, and says why.
      expect(report.outcome).toBe('could-not-verify');
      expect(report.outcomeCause).toMatch(
        /^could not verify: metric "saturation" could not be judged \(provider-error: .*no recording of/,
      );
    }
    // Marked not critical beside a critical latency: the critical one was judged, the verdict decides.
    const { report } = await run(
      canarySpec(
        '',
        `    critical: true\n  - name: saturation\n    query: 'sat{pod=~"{{instances}}"}'\n    kind: resource\n`,
      ),
      canaryRecording(1),
    );
    expect(report.verdict).toBe('inconclusive');
    expect(report.outcome).toBe('inconclusive');
  });

  it('stops as could-not-verify once the queries of a required metric failed at 3 polls in a row', async () => {
    const { result, report } = await run(
      canarySpec('', `  - name: saturation\n    query: 'sat{pod=~"{{instances}}"}'\n    kind: resource\n`),
      canaryRecording(1),
    );
    expect(result.status).toBe('stopped-early');
    expect(result.timeline).toHaveLength(3);
    expect(report.verdict).toBe('inconclusive');
    expect(report.outcome).toBe('could-not-verify');
    expect(report.reason).toMatch(
      /^Could not verify: stopped after 3 of 20 polls because the queries of "saturation" failed at 3 polls in a row \(limit policy.maxConsecutiveErrors = 3\); last error: .*no recording of/,
    );
    expect(report.outcomeCause).toContain('metric "saturation" could not be judged');
    // A failing metric that is not required (another one is critical) does not stop the run.
    const critical = await run(
      canarySpec('', `    critical: true\n  - name: saturation\n    query: 'sat{pod=~"{{instances}}"}'\n`),
      canaryRecording(1),
    );
    // It runs to its end, and says that data is missing (20 polls x 2 sides).
    expect(critical.result.status).toBe('incomplete');
    expect(critical.result.stopReason).toMatch(/^incomplete data: 40 provider errors/);
  });

  it('ends a cancelled run with a partial, inconclusive report: never a pass', async () => {
    const controller = new AbortController();
    const { result, report } = await run(canarySpec(), canaryRecording(1), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.poll === 3) controller.abort(new Error('received SIGTERM'));
      },
    });
    expect(result.status).toBe('cancelled');
    expect(report.verdict).toBe('inconclusive');
    expect(report.outcome).toBe('cancelled');
    expect(report.reason).toMatch(
      /^cancelled after 3m of 20m \(received SIGTERM\); a cancelled verification never passes/,
    );
    expect(report.window.fractionJudged).toBeCloseTo(3 / 20);
  });

  it('records how much of a cancelled run it holds, and a replay of it never passes (it was PASS 84)', async () => {
    const controller = new AbortController();
    const dir = await writeScenario(canarySpec(), canaryRecording(1));
    const path = join(dir, 'cancelled.json');
    await verify({
      spec: await loadSpecFile(join(dir, 'vigil.yaml'), {}),
      specDir: dir,
      record: path,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.poll === 8) controller.abort(new Error('received SIGINT'));
      },
    });
    const recording = JSON.parse(await readFile(path, 'utf8'));
    expect(recording.completeness).toEqual({
      planned: { start: T0, end: T0 + 20 * 60_000 },
      covered: { start: T0, end: T0 + 8 * 60_000 },
      status: 'cancelled',
      cancelled: true,
      fractionJudged: 8 / 20,
      stopReason: 'cancelled after 8m of 20m (received SIGINT)',
    });
    const replayed = await verify({
      spec: replaySpec(await loadSpecFile(join(dir, 'vigil.yaml'), {}), path),
      specDir: dir,
    });
    expect(replayed.report.verdict).toBe('inconclusive');
    expect(replayed.report.outcome).toBe('could-not-verify');
    expect(replayed.report.window.fractionJudged).toBeCloseTo(8 / 20, 10);
    expect(replayed.report.errors[0]!.message).toContain(
      'the recording holds data up to 2026-11-20T14:08:00Z only (the recorded run was cancelled after 480 s of 1200 s)',
    );
    expect(replayed.report.metrics[0]!.dataIssue?.cause).toBe('provider-error');
  });
});

describe('before/after strategies', () => {
  const spec = (type: string) => `apiVersion: vigil/v1
service: shop
providers: { rec: { type: replay, file: recording.json } }
strategy: { type: ${type}, deployedAt: "2026-11-20T14:20:00Z", settle: 1m }
duration: 15m
interval: 1m
metrics:
  - { name: latency, query: 'lat{service="{{service}}"}', kind: latency }
`;
  const recording = (factor: number) => ({
    version: 1,
    metrics: [
      series({
        query: 'lat{service="shop"}',
        instances: ['shop'],
        start: T0,
        minutes: 40,
        level: 100,
        noise: 3,
        seed: 5,
        change: { from: 20, factor },
      }),
    ],
  });

  it('blue-green: the service after the deploy fails against itself before the deploy', async () => {
    const { result, report } = await run(spec('blue-green'), recording(1.3));
    expect(result.plan.baselineWindow).toEqual({ start: T0 + 5 * 60_000, end: T0 + 20 * 60_000 });
    expect(report.window.start).toBe('2026-11-20T14:21:00.000Z');
    expect(report.verdict).toBe('fail');
  });

  it('rolling: no change across the deploy passes', async () => {
    const { report } = await run(spec('rolling'), recording(1));
    expect(report.strategy.type).toBe('rolling');
    expect(report.verdict).toBe('pass');
  });
});

describe('previous strategy with a file baseline store', () => {
  it('compares with the last passing verification, and refuses to run without one', async () => {
    const store = await mkdtemp(join(tmpdir(), 'vigil-store-'));
    const spec = (type: string) =>
      canarySpec(`  - name: errors\n    query: 'err{pod=~"{{instances}}"}'\n    kind: error\n`)
        .replace('type: canary', `type: ${type}`)
        .replace('strategy: {', `strategy: { baselineStore: "${store}",`);
    const rec = (factor: number) => {
      const r = canaryRecording(factor) as { version: number; metrics: ReturnType<typeof series>[] };
      for (const group of ['baseline', 'canary'] as const) {
        r.metrics.push(
          series({
            query: `err{pod=~"${group[0]}-.*"}`,
            group,
            instances: group === 'baseline' ? B : C,
            start: T0,
            minutes: 20,
            level: 2,
            noise: 0.5,
            seed: 9,
          }),
        );
      }
      return r;
    };
    await expect(run(spec('previous'), rec(1))).rejects.toThrow('needs a stored passing verification');
    const first = await run(spec('canary'), rec(1));
    expect(first.report.verdict).toBe('pass');
    const second = await run(spec('previous'), rec(1.5));
    expect(second.report.strategy.type).toBe('previous');
    expect(second.report.verdict).toBe('fail');
    expect(second.report.metrics.find((m) => m.metric === 'latency')!.change).toBeGreaterThan(0.4);
  });
});

describe('threshold-only and auto strategies', () => {
  const spec = (type: string, above: number) => `apiVersion: vigil/v1
service: shop
providers: { rec: { type: replay, file: recording.json } }
strategy: { type: ${type}, instanceLabel: pod }
duration: 10m
interval: 1m
metrics:
  - name: latency
    query: 'lat{pod=~"{{instances}}"}'
    failFast: [{ type: absolute, above: ${above}, when: after, count: 3 }]
`;
  const rec = {
    version: 1,
    metrics: [
      series({
        query: 'lat{pod=~".*"}',
        group: 'canary',
        instances: C,
        start: T0,
        minutes: 10,
        level: 100,
        noise: 4,
        seed: 3,
      }),
    ],
  };

  it('threshold: passes while the rules hold and fails when they break', async () => {
    const ok = await run(spec('threshold', 200), rec);
    expect(ok.report.strategy.type).toBe('threshold');
    expect(ok.report.verdict).toBe('pass');
    const bad = await run(spec('threshold', 100), rec);
    expect(bad.report.verdict).toBe('fail');
    expect(bad.result.status).toBe('stopped-early');
  });

  it('auto explains its choice', async () => {
    const { report } = await run(spec('auto', 200), rec);
    expect(report.strategy).toEqual({
      type: 'threshold',
      reason: 'auto: nothing to compare with, so the threshold rules alone',
    });
    const canary = await run(canarySpec().replace('type: canary', 'type: auto'), canaryRecording(1));
    expect(canary.report.strategy.reason).toMatch(/^auto: baseline and canary instances are both defined/);
  });
});

describe('the bundled demo', () => {
  it('fails the checkout example on latency and the new exception, and passes the healthy one', async () => {
    const examples = join(import.meta.dirname, '../../../examples');
    const bad = await verify({
      spec: await loadSpecFile(join(examples, 'checkout/vigil.yaml'), {}),
      specDir: join(examples, 'checkout'),
    });
    expect(bad.report.verdict).toBe('fail');
    expect(bad.report.metrics.find((m) => m.metric === 'p99 latency')!.outcome).toBe('fail');
    const npe = bad.report.logs!.clusters.find((c) =>
      c.template.startsWith('java.lang.NullPointerException'),
    )!;
    expect(npe).toMatchObject({ classification: 'unknown', level: 'error', baselineCount: 0 });
    const good = await verify({
      spec: await loadSpecFile(join(examples, 'checkout-healthy/vigil.yaml'), {}),
      specDir: join(examples, 'checkout-healthy'),
    });
    expect(good.report.verdict).toBe('pass');
    expect(good.report.logs!.clusters.find((c) => c.feedback)?.feedback).toMatch(
      /^not-a-risk-ignore-frequency: cache refreshes/,
    );
  });
});
