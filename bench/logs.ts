// `pnpm bench logs [--system NAME] [--show] [--quick] [--seeds N] [--data DIR]`: template mining accuracy on
// Loghub-2k (or the systems in DIR, laid out as Loghub publishes them) (GA, FGA,
// PA against the original and the corrected ground truth, groups found vs true events) and on synthetic logs of
// common formats that no rule was written against; leave-one-system-out figures for the miner's tunable
// constants (chosen on the other systems, scored on the held-out one) beside the defaults, and leave-one-format-out
// figures for them on the synthetic formats; the log A/A (random halves of
// each system compared as baseline and canary: false-new clusters, failing comparisons); parsing speed per
// system and over all (the parser alone, warm, median of fresh runs), and memory and parser speed on a
// 1,000,000-line synthetic stream. `--dump <file>` writes the grouping of every ground-truth event (Loghub and
// synthetic) and every log A/A comparison (see judge/dump.ts), so that `diff` names what a change regrouped.
// `pnpm bench logs --memory [--sizes 200,1000]`: peak RSS and lines/s of the whole `vigil logs parse` command
// on synthetic files of those sizes in MB, written to a temporary folder and deleted afterwards.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createTemplateMiner,
  detectLevel,
  parseMessages,
  type TemplateMinerOptions,
} from '../packages/core/src/logs/index.ts';
import type { LogEvent } from '../packages/core/src/model/log.ts';
import { logAa } from './logs/aa.ts';
import { loadLoghub, type SystemData } from './logs/loghub.ts';
import { accuracy } from './logs/accuracy.ts';
import { syntheticSystems } from './logs/formats.ts';
import { syntheticStream } from './logs/synthetic.ts';
import { LOGS_PARSE_NODE_FLAGS } from '../packages/cli/src/nodeFlags.ts';
import { takeDumpOption, type VerdictDump } from './judge/dump.ts';
import { printTable } from './table.ts';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
const defaultDataDir = join(resolve(repoRoot, '../shared/bench-data'), 'loghub-2k');

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

export default async function main(args: string[]): Promise<void> {
  const dump = takeDumpOption(args);
  const { values } = parseArgs({
    args,
    options: {
      system: { type: 'string' },
      show: { type: 'boolean', default: false },
      quick: { type: 'boolean' },
      seeds: { type: 'string', default: '5' },
      memory: { type: 'boolean' },
      sizes: { type: 'string', default: '200,1000' },
      data: { type: 'string', default: defaultDataDir },
    },
  });
  if (values.memory) return memory(values.sizes.split(',').map(Number));
  const seeds = Number(values.seeds);
  const dataDir = resolve(values.data);
  const { systems, notes } = loadLoghub(dataDir, values.system);
  for (const note of notes) console.log(note);
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
    const truthEvents = new Set(s.corrected.map((r) => r.EventId)).size;
    rows.push([
      s.name,
      ...figures,
      new Set(ids).size,
      truthEvents,
      meanLength(s.contents),
      rate?.wall ?? 0,
      rate?.cpu ?? 0,
    ]);
    if (values.show) showMistakes(s, ids, templates);
    if (dump)
      dumpGroupings(
        dump,
        s.name,
        s.corrected.map((r) => r.EventId!),
        ids,
        templates,
      );
  }
  // The aggregate rate: every system's lines over the sum of their median times.
  const total = systems.reduce((a, s) => a + s.contents.length, 0);
  const rate = (seconds: number) => (seconds > 0 ? Math.round(total / seconds) : 0);
  rows.push([
    'mean/all',
    ...sums.map((x) => x / systems.length),
    0,
    0,
    0,
    rate(wallSeconds),
    rate(cpuSeconds),
  ]);
  printTable(
    [
      'system',
      'GA',
      'FGA',
      'PA',
      'GA corr',
      'FGA corr',
      'PA corr',
      'groups',
      'true',
      'chars/line',
      'lines/s',
      'lines/s CPU',
    ],
    rows,
  );
  console.log('');
  syntheticTable(dump, !values.quick);
  if (!values.system) {
    console.log('');
    leaveOneSystemOut(systems.map(scoredLoghub));
    console.log('');
    // The same on the synthetic formats: the constants chosen on the other formats, scored on the held-out one.
    leaveOneSystemOut(syntheticSystems(), 'format');
  }
  console.log('');
  aaTable(systems, seeds, values.show ?? false, dump);
  dump?.close();
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

/** Accuracy on synthetic logs of common formats (HTTP access, JSON, Java traces, Kubernetes events, syslog). */
function syntheticTable(dump: VerdictDump | null, timed: boolean): void {
  const rows: (string | number)[][] = [];
  let ga = 0;
  let fga = 0;
  let pa = 0;
  let wallSeconds = 0;
  let cpuSeconds = 0;
  let lines = 0;
  const all = syntheticSystems();
  for (const s of all) {
    const parsed = parseMessages(s.contents);
    const a = accuracy(
      s.events,
      s.templates,
      parsed.map((p) => p.clusterId),
      parsed.map((p) => p.template),
    );
    if (dump)
      dumpGroupings(
        dump,
        s.name,
        s.events,
        parsed.map((p) => p.clusterId),
        parsed.map((p) => p.template),
      );
    ga += a.ga;
    fga += a.fga;
    pa += a.pa;
    // Longer lines than Loghub's (JSON, logcat, OpenStack): the speed on systems we do not have.
    const rate = timed ? linesPerSecond(s.contents) : null;
    wallSeconds += rate?.wallSeconds ?? 0;
    cpuSeconds += rate?.cpuSeconds ?? 0;
    lines += s.contents.length;
    rows.push([
      s.name,
      a.ga,
      a.fga,
      a.pa,
      new Set(parsed.map((p) => p.clusterId)).size,
      new Set(s.events).size,
      meanLength(s.contents),
      rate?.wall ?? 0,
      rate?.cpu ?? 0,
    ]);
  }
  const rate = (seconds: number) => (seconds > 0 ? Math.round(lines / seconds) : 0);
  rows.push([
    'mean/all',
    ga / all.length,
    fga / all.length,
    pa / all.length,
    0,
    0,
    0,
    rate(wallSeconds),
    rate(cpuSeconds),
  ]);
  printTable(
    ['synthetic system', 'GA', 'FGA', 'PA', 'groups', 'true', 'chars/line', 'lines/s', 'lines/s CPU'],
    rows,
  );
}

const meanLength = (lines: readonly string[]): number =>
  Math.round(lines.reduce((n, l) => n + l.length, 0) / Math.max(1, lines.length));

// The miner's tunable constants and the values tried (1e9 siblings: never merge siblings; 1e9 first-word
// constants: never join a group of another first word): each held-out system gets the combination with the
// best mean corrected GA on the others.
const GRID: TemplateMinerOptions[] = [];
for (const similarity of [0.5, 0.6])
  for (const enumMax of [2, 4, 6])
    for (const enumMinCount of [2, 3])
      for (const siblings of [3, 5, 8, 1e9])
        for (const firstWordMinConstants of [4, 6, 8, 1e9])
          GRID.push({ similarity, enumMax, enumMinCount, siblings, firstWordMinConstants });

/** A system to score: its messages and each one's true event and template. */
interface Scored {
  name: string;
  contents: readonly string[];
  events: readonly string[];
  templates: readonly string[];
}

function scores(s: Scored, options: TemplateMinerOptions): { ga: number; pa: number } {
  const parsed = parseMessages(s.contents, options);
  const c = accuracy(
    s.events,
    s.templates,
    parsed.map((p) => p.clusterId),
    parsed.map((p) => p.template),
  );
  return { ga: c.ga, pa: c.pa };
}

const scoredLoghub = (s: SystemData): Scored => ({
  name: s.name,
  contents: s.contents,
  events: s.corrected.map((r) => r.EventId!),
  templates: s.corrected.map((r) => r.EventTemplate!),
});

/**
 * Leave-one-system-out: for each system, the constants (similarity, enumMax, enumMinCount, siblings,
 * firstWordMinConstants) are chosen on the others and the system is scored with them, beside its in-sample
 * figure with the defaults and its figure with the state split off.
 */
function leaveOneSystemOut(systems: readonly Scored[], what = 'system'): void {
  const table = GRID.map((o) => systems.map((s) => scores(s, o)));
  const rows: (string | number)[][] = [];
  const sums = [0, 0, 0, 0, 0];
  const defaults = systems.map((s) => scores(s, {}));
  // The state split off (enumMax 0: no varying word is a state): whether the truth calls a position with a few
  // recurring words one event or several, which two sets of annotations answer differently.
  const noStates = systems.map((s) => scores(s, { enumMax: 0 }).ga);
  systems.forEach((s, held) => {
    let best = 0;
    let bestMean = -1;
    table.forEach((per, g) => {
      const mean = per.reduce((a, x, k) => (k === held ? a : a + x.ga), 0) / (systems.length - 1);
      if (mean > bestMean + 1e-12) {
        bestMean = mean;
        best = g;
      }
    });
    const out = table[best]![held]!;
    const d = defaults[held]!;
    const o = GRID[best]!;
    rows.push([
      s.name,
      d.ga,
      out.ga,
      noStates[held]!,
      d.pa,
      out.pa,
      `similarity ${o.similarity}, enumMax ${o.enumMax}, enumMinCount ${o.enumMinCount}, siblings ${o.siblings}, first word ${o.firstWordMinConstants}`,
    ]);
    sums[0]! += d.ga;
    sums[1]! += out.ga;
    sums[2]! += noStates[held]!;
    sums[3]! += d.pa;
    sums[4]! += out.pa;
  });
  rows.push(['mean', ...sums.map((x) => x / systems.length), '']);
  printTable(
    [
      `held-out ${what}`,
      'GA in-sample',
      what === 'system' ? 'GA LOSO' : 'GA LOFO',
      'GA no states',
      what === 'system' ? 'PA corr in-sample' : 'PA in-sample',
      what === 'system' ? 'PA corr LOSO' : 'PA LOFO',
      'chosen on the others',
    ],
    rows,
  );
}

/** Log A/A on every system (Loghub with its corrected truth, and synthetic): `seeds` random splits each. */
function aaTable(systems: SystemData[], seeds: number, show: boolean, dump: VerdictDump | null): void {
  const sources: { name: string; events: LogEvent[]; truth: string[] }[] = [
    ...systems.map((s) => ({ name: s.name, events: s.events, truth: s.corrected.map((r) => r.EventId!) })),
    ...syntheticSystems().map((s) => ({
      name: s.name,
      events: s.contents.map((m, i): LogEvent => ({ t: i, message: m, level: detectLevel(m) })),
      truth: s.events,
    })),
  ];
  const rows: (string | number)[][] = [];
  const all = { unknown: 0, warn: 0, falseNew: 0, runs: 0, failed: 0, byFalse: 0, worst: 0 };
  for (const src of sources) {
    let unknown = 0;
    let warn = 0;
    let falseNew = 0;
    let max = 0;
    let freq = 0;
    let fails = 0;
    let byFalse = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = logAa(src.events, src.truth, seed);
      dump?.add(`log aa ${src.name} #${seed}`, `${r.failed} ${r.unknown} ${r.falseNew}`, r);
      unknown += r.unknown;
      warn += r.unknownWarn;
      falseNew += r.falseNew;
      max = Math.max(max, r.falseNew);
      freq += r.falseFrequency;
      if (r.failed) fails++;
      if (r.failedByFalseNew) byFalse++;
      if (show && seed === 1) for (const x of r.examples) console.log(`  ${src.name} false new: ${x}`);
    }
    rows.push([
      src.name,
      unknown / seeds,
      warn / seeds,
      falseNew / seeds,
      max,
      freq / seeds,
      `${fails}/${seeds}`,
      `${byFalse}/${seeds}`,
    ]);
    all.unknown += unknown;
    all.warn += warn;
    all.falseNew += falseNew;
    all.runs += seeds;
    all.failed += fails;
    all.byFalse += byFalse;
    all.worst = Math.max(all.worst, max);
  }
  rows.push([
    'all',
    all.unknown / all.runs,
    all.warn / all.runs,
    all.falseNew / all.runs,
    all.worst,
    0,
    `${all.failed}/${all.runs}`,
    `${all.byFalse}/${all.runs}`,
  ]);
  printTable(
    [
      'A/A system',
      'new / comparison',
      'new warning',
      'false new / comparison',
      'max',
      'false frequency',
      'failed',
      'failed by false new',
    ],
    rows,
  );
}

/**
 * One dump line per ground-truth event of a system: whether its lines are exactly one parsed group, how many
 * groups they went to, and the parsed templates (as a hash), so that `diff` of two dumps names every event
 * whose grouping changed.
 */
function dumpGroupings(
  dump: VerdictDump,
  system: string,
  truth: readonly string[],
  ids: readonly string[],
  templates: readonly string[],
): void {
  const groupsOf = new Map<string, Set<string>>();
  const eventsOf = new Map<string, Set<string>>();
  truth.forEach((t, i) => {
    const g = groupsOf.get(t) ?? new Set<string>();
    g.add(ids[i]!);
    groupsOf.set(t, g);
    const e = eventsOf.get(ids[i]!) ?? new Set<string>();
    e.add(t);
    eventsOf.set(ids[i]!, e);
  });
  const templateOf = new Map(ids.map((id, i) => [id, templates[i]!]));
  for (const [t, groups] of [...groupsOf].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const exact = groups.size === 1 && eventsOf.get([...groups][0]!)!.size === 1;
    const parsed = [...groups].map((g) => templateOf.get(g)!).sort();
    dump.add(`logs groups ${system} ${t}`, `${exact ? 'exact' : 'wrong'} ${groups.size} group(s)`, parsed);
  }
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

/**
 * Peak resident memory of `vigil logs parse` on synthetic logs of each size (MB): each file is generated into a
 * temporary folder, parsed by a fresh process with the Node flags `vigil logs parse` runs with
 * (bench/logs/parse-child.ts, which reports the kernel's peak RSS of its own process), and the folder is deleted afterwards, also when a run fails.
 */
async function memory(sizesMb: number[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-logs-'));
  const rows: (string | number)[][] = [];
  try {
    for (const mb of sizesMb) {
      const input = join(dir, `synthetic-${mb}mb.log`);
      const lines = await writeSynthetic(input, mb * 1024 * 1024);
      const bytes = statSync(input).size;
      const child = spawnSync(
        process.execPath,
        [
          ...LOGS_PARSE_NODE_FLAGS,
          join(repoRoot, 'bench/logs/parse-child.ts'),
          input,
          join(dir, 'templates.csv'),
        ],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (child.status !== 0) throw new Error(`logs parse failed on ${mb} MB: ${child.stderr}`);
      const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
        code: number;
        seconds: number;
        peakRssKb: number;
      };
      if (r.code !== 0) throw new Error(`logs parse exited ${r.code} on ${mb} MB: ${child.stderr}`);
      const peak = r.peakRssKb / 1024;
      rows.push([
        (bytes / 1024 / 1024).toFixed(0),
        lines,
        peak.toFixed(0),
        (peak / (bytes / 1024 / 1024)).toFixed(2),
        Math.round(lines / r.seconds),
        r.seconds.toFixed(1),
      ]);
      rmSync(input);
      rmSync(join(dir, 'templates.csv'), { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(['input MB', 'lines', 'peak RSS MB', 'RSS / input', 'lines/s', 'seconds'], rows);
}

/** Writes synthetic log lines (the stream of the memory benchmark) until the file holds `bytes`; returns the lines. */
async function writeSynthetic(path: string, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  let written = 0;
  let lines = 0;
  let buffer = '';
  // Endless in effect: the generator is asked for more lines than any size here needs.
  for (const line of syntheticStream(Number.MAX_SAFE_INTEGER, 42)) {
    buffer += `${line}\n`;
    lines++;
    if (buffer.length >= 1 << 20 || written + buffer.length >= bytes) {
      written += Buffer.byteLength(buffer);
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
      if (written >= bytes) break;
    }
  }
  out.end();
  await once(out, 'finish');
  return lines;
}
