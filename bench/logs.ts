// `pnpm bench logs [--system NAME] [--show]`: template mining accuracy on Loghub-2k (GA, FGA, PA against the
// original and the corrected ground truth), parsing speed per system and over all (the parser alone, warm, median
// of fresh runs), and memory and parser speed on a 1,000,000-line synthetic stream.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTemplateMiner, parseMessages } from '../packages/core/src/logs/index.ts';
import { accuracy } from './logs/accuracy.ts';
import { readCsvRecords } from './logs/csv.ts';
import { syntheticStream } from './logs/synthetic.ts';
import { printTable } from './table.ts';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
const dataDir = join(resolve(repoRoot, '../shared/bench-data'), 'loghub-2k');

interface SystemData {
  name: string;
  contents: string[];
  original: Record<string, string>[];
  corrected: Record<string, string>[];
}

function load(name: string): SystemData {
  const read = (f: string) => readCsvRecords(readFileSync(join(dataDir, name, f), 'utf8'));
  const original = read(`${name}_2k.log_structured.csv`);
  const corrected = read(`${name}_2k.log_structured_corrected.csv`);
  return { name, contents: original.map((r) => r.Content ?? ''), original, corrected };
}

interface Rate {
  /** Lines per second of wall time. */
  wall: number;
  /** Lines per second of CPU time (user + system) of the process. */
  cpu: number;
  /** Median seconds per pass, wall and CPU, for the aggregate. */
  wallSeconds: number;
  cpuSeconds: number;
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Parsing speed of one system: the parser alone (messages already in memory), a fresh miner every pass,
 * the median over at least eleven passes (and about a second). Wall time drops when the machine is
 * shared with other work; CPU time is what one core does (it also counts the garbage collector's helper
 * threads, so it errs low).
 */
function linesPerSecond(contents: string[]): Rate {
  const wall: number[] = [];
  const cpu: number[] = [];
  const until = performance.now() + 1000;
  for (let round = 0; round < 11 || performance.now() < until; round++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    parseMessages(contents);
    const used = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000);
    cpu.push((used.user + used.system) / 1e6);
  }
  const wallSeconds = median(wall);
  const cpuSeconds = median(cpu);
  return {
    wall: Math.round(contents.length / wallSeconds),
    cpu: Math.round(contents.length / cpuSeconds),
    wallSeconds,
    cpuSeconds,
  };
}

/** Warms the JIT with untimed passes over every system, so that the first system timed is not penalised. */
function warmUp(systems: SystemData[]): void {
  for (let pass = 0; pass < 3; pass++) for (const s of systems) parseMessages(s.contents);
}

/**
 * A 1,000,000-line synthetic stream with a cluster cap: memory while streaming (lines generated on the
 * fly, so the heap holds only the miner), then the parser's own rate on the same lines generated beforehand.
 */
function stream(lines: number, maxClusters: number): (string | number)[] {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const miner = createTemplateMiner({ maxClusters });
  for (const line of syntheticStream(lines, 42)) miner.add(line);
  globalThis.gc?.();
  const after = process.memoryUsage();
  const mb = (n: number) => n / 1024 / 1024;
  const size = miner.size();

  // As lines read from a file: slices of one text (the generator's template strings would each be flattened
  // on first read, which is the generator's cost, not the parser's).
  const input = [...syntheticStream(lines, 42)].join('\n').split('\n');
  const warm = createTemplateMiner({ maxClusters });
  for (let i = 0; i < 100_000; i++) warm.add(input[i]!);
  const timed = createTemplateMiner({ maxClusters });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const line of input) timed.add(line);
  const used = process.cpuUsage(c0);
  const seconds = (performance.now() - t0) / 1000;
  return [
    lines,
    maxClusters,
    size.clusters,
    size.shapes,
    Math.round(lines / seconds),
    Math.round(lines / ((used.user + used.system) / 1e6)),
    mb(after.heapUsed - before.heapUsed),
    mb(after.heapUsed),
    mb(after.rss),
  ];
}

export default function main(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      system: { type: 'string' },
      show: { type: 'boolean', default: false },
      quick: { type: 'boolean' },
    },
  });
  const systems = readdirSync(dataDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && (!values.system || d.name === values.system))
    .map((d) => load(d.name));
  if (!values.quick) warmUp(systems);
  const rows: (string | number)[][] = [];
  let wallSeconds = 0;
  let cpuSeconds = 0;
  const sums = [0, 0, 0, 0, 0, 0];
  for (const s of systems) {
    const parsed = parseMessages(s.contents);
    const ids = parsed.map((p) => p.clusterId);
    const templates = parsed.map((p) => p.template);
    const o = accuracy(
      s.original.map((r) => r.EventId!),
      s.original.map((r) => r.EventTemplate!),
      ids,
      templates,
    );
    const c = accuracy(
      s.corrected.map((r) => r.EventId!),
      s.corrected.map((r) => r.EventTemplate!),
      ids,
      templates,
    );
    const figures = [o.ga, o.fga, o.pa, c.ga, c.fga, c.pa];
    figures.forEach((f, i) => {
      sums[i]! += f;
    });
    const rate = values.quick ? null : linesPerSecond(s.contents);
    wallSeconds += rate?.wallSeconds ?? 0;
    cpuSeconds += rate?.cpuSeconds ?? 0;
    rows.push([s.name, ...figures, new Set(ids).size, rate?.wall ?? 0, rate?.cpu ?? 0]);
    if (values.show) showMistakes(s, ids, templates);
  }
  // The aggregate rate: every system's lines over the sum of their median times.
  const total = systems.reduce((a, s) => a + s.contents.length, 0);
  const rate = (seconds: number) => (seconds > 0 ? Math.round(total / seconds) : 0);
  rows.push(['mean/all', ...sums.map((x) => x / systems.length), 0, rate(wallSeconds), rate(cpuSeconds)]);
  printTable(
    ['system', 'GA', 'FGA', 'PA', 'GA corr', 'FGA corr', 'PA corr', 'clusters', 'lines/s', 'lines/s CPU'],
    rows,
  );
  if (values.quick || values.system) return;
  console.log('');
  printTable(
    [
      'stream lines',
      'cluster cap',
      'clusters',
      'shapes',
      'parser lines/s',
      'parser lines/s CPU',
      'heap growth MB',
      'heap used MB',
      'RSS MB',
    ],
    [stream(1_000_000, 1000)],
  );
}

// Every ground-truth event that is not exactly one parsed group, largest first: the lines it costs GA, the
// parsed templates its lines went to, and the other events those groups swallowed.
function showMistakes(s: SystemData, ids: string[], templates: string[]): void {
  const truth = s.original.map((r) => r.EventTemplate!);
  const linesOf = (key: string[], k: string) => key.filter((x) => x === k).length;
  const parsedOf = new Map<string, Map<string, number>>();
  const truthOf = new Map<string, Map<string, number>>();
  truth.forEach((t, i) => {
    const a = parsedOf.get(t) ?? new Map<string, number>();
    a.set(ids[i]!, (a.get(ids[i]!) ?? 0) + 1);
    parsedOf.set(t, a);
    const b = truthOf.get(ids[i]!) ?? new Map<string, number>();
    b.set(t, (b.get(t) ?? 0) + 1);
    truthOf.set(ids[i]!, b);
  });
  const templateOf = new Map(ids.map((id, i) => [id, templates[i]!]));
  const wrong = [...parsedOf]
    .filter(([, p]) => p.size > 1 || truthOf.get([...p.keys()][0]!)!.size > 1)
    .map(([t, p]) => ({ t, p, lines: linesOf(truth, t) }))
    .sort((a, b) => b.lines - a.lines);
  for (const { t, p, lines } of wrong) {
    console.log(`${lines} lines: ${t}`);
    for (const [id, n] of p) {
      const others = [...truthOf.get(id)!].filter(([x]) => x !== t);
      const with_ = others.length ? `  (+ ${others.map(([x, m]) => `${m} x ${x}`).join(' | ')})` : '';
      console.log(`    ${n} -> ${templateOf.get(id)}${with_}`);
    }
  }
  const bad = new Map<string, { got: string; n: number }>();
  s.corrected.forEach((r, i) => {
    if (r.EventTemplate === templates[i]) return;
    const k = `${r.EventTemplate}\n     got ${templates[i]}`;
    const e = bad.get(k) ?? { got: templates[i]!, n: 0 };
    e.n++;
    bad.set(k, e);
  });
  for (const [k, e] of [...bad].sort((a, b) => b[1].n - a[1].n)) console.log(`PA ${e.n} want ${k}`);
}
