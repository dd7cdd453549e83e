/**
 * The order of precedence of the rules that decide a metric (fail-fast, mute, ignore, statistics, early stop;
 * docs/engine.md), one test per pair, end to end on replayed canary data, for early decisions and final
 * judgments alike.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpecFile, verify } from '../src/index.ts';
import { replayCanaryRecording, replayCanarySpec, series, writeScenario } from './support/recording.ts';

const T0 = Date.UTC(2026, 10, 20, 14, 0);
const B = ['b-1', 'b-2', 'b-3'];
const C = ['c-1', 'c-2', 'c-3'];

interface Case {
  /** Extra YAML lines of the latency metric (rules, muted). */
  latency?: string;
  /** Canary latency multiplied by `factor` from minute `from`. */
  factor: number;
  from?: number;
  noise?: number;
  /** Add a healthy second metric, so that a verdict remains when latency is muted. */
  second?: boolean;
  policy?: string;
}

function spec(c: Case): string {
  return replayCanarySpec(
    `${c.latency ?? ''}${c.second ? `  - { name: saturation, query: 'sat{pod=~"{{instances}}"}', kind: resource }\n` : ''}${c.policy ? `policy: ${c.policy}\n` : ''}`,
  );
}

function recording(c: Case) {
  const common = { start: T0, minutes: 20, level: 100, noise: c.noise ?? 4 };
  const { metrics } = replayCanaryRecording({
    factor: c.factor,
    ...(c.from !== undefined ? { from: c.from } : {}),
    ...(c.noise !== undefined ? { noise: c.noise } : {}),
  });
  if (c.second) {
    metrics.push(
      series({ ...common, query: 'sat{pod=~"b-.*"}', group: 'baseline', instances: B, seed: 3 }),
      series({ ...common, query: 'sat{pod=~"c-.*"}', group: 'canary', instances: C, seed: 4 }),
    );
  }
  return { version: 1, metrics };
}

async function run(c: Case) {
  const dir = await writeScenario(spec(c), recording(c));
  const { result, report } = await verify({
    spec: await loadSpecFile(join(dir, 'vigil.yaml'), {}),
    specDir: dir,
  });
  const latency = report.metrics.find((m) => m.metric === 'latency')!;
  return { result, report, latency };
}

const earlyStop = (on: boolean) => `{ earlyStop: ${on} }`;

describe('order of precedence: fail-fast, mute, ignore, statistics, early stop', () => {
  it('fail-fast beats ignore: a fired rule fails the metric and ends the run although an ignore rule matches', async () => {
    const rules =
      '    ignore: [{ type: absolute, lower: 0, upper: 1000 }]\n' +
      '    failFast: [{ type: absolute, above: 150, when: consecutive, count: 2 }]\n';
    for (const on of [true, false]) {
      const { result, report, latency } = await run({
        latency: rules,
        factor: 1.8,
        from: 6,
        policy: earlyStop(on),
      });
      expect(report.verdict).toBe('fail');
      expect(result.status).toBe('stopped-early');
      expect(result.timeline).toHaveLength(8);
      expect(latency.decidedBy).toEqual(['threshold']);
      expect(report.reason).toContain('fail-fast rule of "latency" fired');
    }
  });

  it('fail-fast beats statistics: identical groups fail when the rule fires', async () => {
    const { report, latency } = await run({
      latency: '    failFast: [{ type: absolute, above: 95, when: immediately }]\n',
      factor: 1,
    });
    expect(report.verdict).toBe('fail');
    expect(latency.decidedBy).toEqual(['threshold']);
    expect(latency.explanation).toMatch(/^threshold: fail-fast: canary c-\d was above 95 ms/);
  });

  it('fail-fast beats early stop: it ends the run first, and still does with early stops off', async () => {
    const rule = '    failFast: [{ type: absolute, above: 130, when: immediately }]\n';
    for (const on of [true, false]) {
      const { result, report } = await run({ latency: rule, factor: 1.4, from: 2, policy: earlyStop(on) });
      expect(result.status).toBe('stopped-early');
      expect(result.timeline).toHaveLength(3); // the breach at minute 2 is judged after the third poll
      expect(report.reason).toMatch(/^fail-fast rule of "latency" fired/);
    }
  });

  it('mute beats fail-fast: a muted metric whose rule fires is reported, but neither fails nor ends the run', async () => {
    const { result, report, latency } = await run({
      latency:
        '    muted: true\n    failFast: [{ type: absolute, above: 150, when: consecutive, count: 2 }]\n',
      factor: 1.8,
      from: 6,
      second: true,
    });
    expect(result.status).toBe('completed');
    expect(report.verdict).toBe('pass');
    expect(latency).toMatchObject({ muted: true, outcome: 'fail', decidedBy: ['threshold'] });
    expect(report.reason).toMatch(/1 muted metric would fail/);
  });

  it('mute beats ignore: a muted metric is not judged into a pass by its ignore rule', async () => {
    const { report, latency } = await run({
      latency: '    muted: true\n    ignore: [{ type: relative, maxDeviation: 0.5 }]\n',
      factor: 1,
    });
    expect(latency).toMatchObject({ muted: true, outcome: 'pass', decidedBy: ['threshold'] });
    expect(report.verdict).toBe('inconclusive');
    expect(report.reason).toMatch(/no metric to judge/);
  });

  it('mute beats statistics and early stop: a muted +50% regression is reported, never decides, never stops', async () => {
    for (const on of [true, false]) {
      const { result, report, latency } = await run({
        latency: '    muted: true\n',
        factor: 1.5,
        second: true,
        policy: earlyStop(on),
      });
      expect(result.status).toBe('completed');
      expect(report.verdict).toBe('pass');
      expect(latency).toMatchObject({ muted: true, outcome: 'fail' });
      expect(report.reason).toMatch(/1 muted metric would fail/);
    }
  });

  it('ignore beats statistics and early stop: +41% within maxDeviation 0.5 passes with early stops on and off', async () => {
    const ignore = '    ignore: [{ type: relative, maxDeviation: 0.5 }]\n';
    for (const judge of ['default', 'kayenta']) {
      const outcomes = [];
      for (const on of [true, false]) {
        const { result, report, latency } = await run({
          latency: ignore,
          factor: 1.41,
          policy: `{ earlyStop: ${on}, judge: ${judge} }`,
        });
        expect(result.status).toBe('completed');
        expect(latency.decidedBy).toEqual(['threshold']);
        expect(latency.explanation).toMatch(
          /^ignored: canary mean .* is within 50.0% of the baseline mean .* \(41.0%\)$/,
        );
        outcomes.push([report.verdict, latency.outcome]);
      }
      expect(outcomes).toEqual([
        ['pass', 'pass'],
        ['pass', 'pass'],
      ]);
    }
  });

  it('ignore stops counting once the change exceeds it: +80% fails, early', async () => {
    const { result, report } = await run({
      latency: '    ignore: [{ type: relative, maxDeviation: 0.5 }]\n',
      factor: 1.8,
    });
    expect(report.verdict).toBe('fail');
    expect(result.status).toBe('stopped-early');
  });

  it('statistics beat early stop: a change below the minimum the statistics count never stops a run', async () => {
    // +3% with little noise: overwhelming evidence of a change, but below medium's minimum relevant change (5%).
    const verdicts = [];
    for (const on of [true, false]) {
      const { result, report, latency } = await run({ factor: 1.03, noise: 0.2, policy: earlyStop(on) });
      expect(result.status).toBe('completed');
      expect(latency.decidedBy).not.toContain('sequential');
      // The last poll is judged by the statistics alone: the timeline ends on the final verdict.
      expect(result.timeline.at(-1)!.verdict).toBe(report.verdict);
      verdicts.push([report.verdict, latency.outcome]);
    }
    expect(verdicts[0]).toEqual(verdicts[1]);
  });
});
