// `pnpm bench engine [--cases N] [--seed S]`: the verification engine.
// 1. Wall time and peak memory of a 50-metric, 20-instance (10 baseline + 10 canary), 30-minute canary
//    verification replayed end to end (spec file -> replay provider -> engine -> reports), in a child process
//    so that its peak RSS is its own.
// 2. Early decisions on the canary cases of `pnpm bench judge`: each case replayed as a 60-minute verification
//    polled every minute; the fraction of the duration judged when the verdict came, and the A/A false-fail
//    rate with early stops on.
// `--dump <file>` writes every verification's verdict (see judge/dump.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Group, MetricData, MetricSeries } from '../packages/core/src/index.ts';
import {
  loadSpec,
  runVerification,
  type VerificationSource,
  virtualClock,
} from '../packages/core/src/index.ts';
import { loadSpecFile, verify } from '../packages/runtime/src/index.ts';
import { CLASSES, makeCase } from './judge/cases.ts';
import { hashOf, takeDumpOption, type VerdictDump } from './judge/dump.ts';
import { loadTraces } from './judge/nab.ts';
import { mulberry32 } from './judge/prng.ts';
import { printTable } from './table.ts';

const MINUTE = 60_000;

export default async function main(args: string[]): Promise<void> {
  if (args[0] === '--child-large') return childLarge(args[1]!);
  const dump = takeDumpOption(args);
  const opt = (name: string, fallback: number) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  largeVerification(dump);
  await earlyDecisions(opt('cases', 300), opt('seed', 20261122), dump);
  dump?.close();
}

function largeVerification(dump: VerdictDump | null): void {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-engine-'));
  try {
    const t0 = Date.UTC(2026, 10, 20, 14, 0);
    const rng = mulberry32(7);
    const metrics: unknown[] = [];
    const specMetrics: string[] = [];
    for (let m = 0; m < 50; m++) {
      specMetrics.push(
        `  - { name: m${m}, query: 'metric_${m}{pod=~"{{instances}}"}', kind: ${m % 5 === 0 ? 'error' : 'latency'} }`,
      );
      for (const group of ['baseline', 'canary'] as const) {
        metrics.push({
          provider: 'rec',
          query: `metric_${m}{pod=~"${group}-.*"}`,
          group,
          series: Array.from({ length: 10 }, (_, i) => ({
            instance: `${group}-${i}`,
            points: Array.from({ length: 30 }, (_, k) => [
              t0 + k * MINUTE,
              m % 5 === 0 ? Math.floor(rng() * 4) : 100 + 10 * Math.sin(k / 4) + 5 * rng(),
            ]),
          })),
        });
      }
    }
    writeFileSync(join(dir, 'recording.json'), JSON.stringify({ version: 1, metrics }));
    writeFileSync(
      join(dir, 'vigil.yaml'),
      `apiVersion: vigil/v1\nservice: bench\nproviders: { rec: { type: replay, file: recording.json } }\nstrategy: { type: canary, instanceLabel: pod, baseline: { pattern: "baseline-.*" }, canary: { pattern: "canary-.*" } }\nduration: 30m\ninterval: 1m\npolicy: { earlyStop: false }\nmetrics:\n${specMetrics.join('\n')}\n`,
    );
    const runs = Array.from(
      { length: 3 },
      () =>
        JSON.parse(
          execFileSync(
            process.execPath,
            [resolve(import.meta.dirname, 'run.ts'), 'engine', '--child-large', dir],
            { encoding: 'utf8' },
          ),
        ) as {
          ms: number;
          maxRssMB: number;
          heapMB: number;
          verdict: string;
          polls: number;
          judgment: string;
        },
    );
    runs.forEach((r, i) => {
      dump?.add(`large #${i}`, `${r.verdict} ${r.polls}`, r.judgment);
    });
    runs.sort((a, b) => a.ms - b.ms);
    const median = runs[1]!;
    console.log(
      '\n50 metrics x (10 baseline + 10 canary instances) x 30 one-minute polls, replayed end to end (median of 3 runs, each in its own process)',
    );
    printTable(
      ['wall time ms', 'per poll ms', 'peak RSS MB', 'heap used MB', 'polls', 'verdict'],
      [
        [
          Math.round(median.ms),
          Math.round((median.ms / median.polls) * 10) / 10,
          Math.round(median.maxRssMB),
          Math.round(median.heapMB),
          median.polls,
          median.verdict,
        ],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function childLarge(dir: string): Promise<void> {
  const started = performance.now();
  const spec = await loadSpecFile(join(dir, 'vigil.yaml'), {});
  const { report, result } = await verify({ spec, specDir: dir, reportDir: join(dir, 'out') });
  const ms = performance.now() - started;
  process.stdout.write(
    JSON.stringify({
      ms,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      heapMB: process.memoryUsage().heapUsed / 2 ** 20,
      verdict: report.verdict,
      polls: result.timeline.length,
      judgment: hashOf(result.judgment),
    }),
  );
}

async function earlyDecisions(casesPerClass: number, seed: number, dump: VerdictDump | null): Promise<void> {
  const { traces } = loadTraces(resolve(import.meta.dirname, '../../shared/bench-data/nab/data'));
  const rows: (string | number)[][] = [];
  const failingFractions: number[] = [];
  const started = performance.now();
  for (const cls of CLASSES) {
    const rng = mulberry32(seed ^ hash(cls));
    let failed = 0;
    let early = 0;
    const fractions: number[] = [];
    for (let i = 0; i < casesPerClass; i++) {
      const c = makeCase(cls, traces, rng, i);
      const { verdict, fraction, stoppedEarly, judgment } = await replayCase(c.data);
      dump?.add(`early ${cls} #${i}`, `${verdict} ${fraction} ${stoppedEarly}`, judgment);
      if (verdict === 'fail') {
        failed++;
        fractions.push(fraction);
        if (!cls.startsWith('aa')) failingFractions.push(fraction);
      }
      if (stoppedEarly) early++;
    }
    fractions.sort((a, b) => a - b);
    const aa = cls.startsWith('aa');
    rows.push([
      cls,
      casesPerClass,
      aa ? 'false-fail' : 'detection',
      Math.round((failed / casesPerClass) * 1000) / 10,
      Math.round((early / casesPerClass) * 1000) / 10,
      fractions.length ? Math.round(fractions[Math.floor(fractions.length / 2)]! * 1000) / 10 : '-',
    ]);
  }
  failingFractions.sort((a, b) => a - b);
  console.log(
    `\nEarly decisions (anytime-valid), ${casesPerClass} cases per class of \`pnpm bench judge\`, 60 one-minute polls each, medium sensitivity (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
  printTable(
    ['class', 'cases', 'rate', '% failed', '% stopped early', 'median % of duration at fail verdict'],
    rows,
  );
  const median = failingFractions[Math.floor(failingFractions.length / 2)];
  console.log(
    `\nMedian time to a fail verdict over all regression cases that failed: ${median === undefined ? '-' : `${(median * 100).toFixed(1)}% of the duration`} (target <= 40%).`,
  );
}

/** Replays one case as a verification: each poll sees one more minute of both groups (and their traffic). */
async function replayCase(data: MetricData) {
  const { baseline, canary, traffic } = data;
  const t0 = Math.min(...canary.flatMap((s) => s.points.map((p) => p.t)));
  // Traffic rides along as a muted metric, as a user's spec would carry it.
  const metrics = traffic
    ? `  - { name: m, query: m, kind: ${data.definition.kind}, trafficMetric: requests }\n  - { name: requests, query: requests, kind: throughput, muted: true }\n`
    : `  - { name: m, query: m, kind: ${data.definition.kind} }\n`;
  const spec = loadSpec(
    `apiVersion: vigil/v1\nservice: bench\nproviders: { mem: { type: replay, file: none } }\nstrategy: { type: canary, baseline: { pattern: "b.*" }, canary: { pattern: "c.*" } }\nduration: 60m\ninterval: 1m\nmetrics:\n${metrics}`,
  );
  const rename = (ss: MetricSeries[], prefix: string) =>
    ss.map((s, i) => ({ ...s, instance: `${prefix}${i}` }));
  const groups: Record<string, Record<Group, MetricSeries[]>> = {
    m: { baseline: rename(baseline, 'b'), canary: rename(canary, 'c') },
    ...(traffic
      ? { requests: { baseline: rename(traffic.baseline, 'b'), canary: rename(traffic.canary, 'c') } }
      : {}),
  };
  const source: VerificationSource = {
    fetchMetric: async (req) =>
      (groups[req.query]?.[req.group] ?? []).map((s) => ({
        instance: s.instance,
        points: s.points.filter((p) => p.t >= req.window.start && p.t < req.window.end),
      })),
  };
  const result = await runVerification({ spec, source, clock: virtualClock(t0), startedAt: t0 });
  const verdict =
    result.judgment.metrics.find((x) => x.metric === 'm')?.outcome === 'fail'
      ? 'fail'
      : result.judgment.verdict;
  return {
    verdict,
    fraction: result.fractionJudged,
    stoppedEarly: result.status === 'stopped-early',
    judgment: { judgment: result.judgment, timeline: result.timeline },
  };
}

function hash(s: string): number {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}
