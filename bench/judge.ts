// `pnpm bench judge [--cases N] [--seed S]`: detection and false-fail rates of Vigil's default judgment and
// its Kayenta mode on canary cases built from the real NAB traces (3+3 and 10+10 instances), then the time to
// judge 200 metrics. `--dump <file>` writes every case's verdict (see judge/dump.ts). `--oracle [--replicates R]
// [--instances 3|10]` prints, instead, what an oracle knowing each trace catches on the same 3+3 (or 10+10) cases
// (see judge/oracle.ts);
// `--spike-limit`, how far any test valid for every noise law can take the 3+3 spike cases (judge/spikeLimit.ts).
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { judgeVerification } from '../packages/core/src/judgment/index.ts';
import { SENSITIVITIES, sensitivitySettings } from '../packages/core/src/judges/sensitivity.ts';
import type { Sensitivity } from '../packages/core/src/model/metric.ts';
import type { Judgment } from '../packages/core/src/model/verdict.ts';
import {
  type BenchCase,
  CLASSES,
  caseSetSeed,
  INSTANCE_SETS,
  INSTANCES,
  makeCase,
  POINTS,
} from './judge/cases.ts';
import { loadTraces, type Trace } from './judge/nab.ts';
import { takeDumpOption, type VerdictDump } from './judge/dump.ts';
import { oracleBench } from './judge/oracle.ts';
import { spikeLimitBench } from './judge/spikeLimit.ts';
import { mulberry32 } from './judge/prng.ts';
import { LEVELS, scaleDiversity } from './judge/scales.ts';
import { timingWorkload } from './judge/timing.ts';
import { printTable } from './table.ts';

/**
 * Medium's smallest relative change that may fail a metric: a mean-shift case whose shift is a smaller share
 * of the baseline's observed mean is below what medium promises to catch (see BenchCase.observedShift).
 */
const MEDIUM_MIN_CHANGE = sensitivitySettings('medium').minRelativeChange;

/** Sub-rows at medium: the cases a class's regression can stand out in (see BenchCase.distinct). */
const SUBSETS: Partial<Record<string, string>> = {
  'spikes 5% x10': 'spike > trace p99.5 noise',
  'variance x2': 'light-tailed traces',
  'p99 tail': 'light-tailed traces',
  aa: 'light-tailed traces',
};

function parseArgs(args: string[]): {
  cases: number;
  seed: number;
  oracle: boolean;
  spikeLimit: boolean;
  replicates: number;
  instances: number;
} {
  let cases = 1000;
  let seed = 20261122;
  let oracle = false;
  let spikeLimit = false;
  let replicates = 2000;
  let instances: number = INSTANCES;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--oracle') {
      oracle = true;
      continue;
    }
    if (a === '--spike-limit') {
      spikeLimit = true;
      continue;
    }
    const v = Number(args[i + 1]);
    if (a === '--cases' && Number.isInteger(v) && v > 0) cases = v;
    else if (a === '--seed' && Number.isInteger(v)) seed = v;
    else if (a === '--replicates' && Number.isInteger(v) && v >= 100) replicates = v;
    else if (a === '--instances' && (INSTANCE_SETS as readonly number[]).includes(v)) instances = v;
    else
      throw new Error(
        `bench judge: unknown or invalid argument "${a} ${args[i + 1] ?? ''}"; ` +
          `use --cases N --seed S [--oracle [--replicates R >= 100] [--instances ${INSTANCE_SETS.join('|')}] | --spike-limit]`,
      );
    i++;
  }
  // Only the oracle bench runs one case set; the judge table runs them all and the spike limit is about 3+3.
  if (instances !== INSTANCES && !oracle)
    throw new Error('bench judge: --instances goes with --oracle (the judge table runs every case set)');
  return { cases, seed, oracle, spikeLimit, replicates, instances };
}

/** Where every judgment of this run is recorded with `--dump`. */
let dump: VerdictDump | null = null;

/** `judgeVerification`, recorded under `key` when dumping. */
function judged(key: string, ...args: Parameters<typeof judgeVerification>): Judgment {
  const j = judgeVerification(...args);
  dump?.add(key, `${j.verdict} ${j.score}`, j);
  return j;
}

export default function run(args: string[]): void {
  dump = takeDumpOption(args);
  const { cases, seed, oracle, spikeLimit, replicates, instances } = parseArgs(args);
  const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
  const { traces, excluded } = loadTraces(resolve(repoRoot, '../shared/bench-data/nab/data'));
  if (spikeLimit) {
    console.log(
      `judge bench, spike limit: ${traces.length} NAB traces, ${INSTANCES}+${INSTANCES} instances x ${POINTS} points, ` +
        `${cases} cases per class, seed ${seed}`,
    );
    spikeLimitBench(traces, seed, cases);
    dump?.close();
    return;
  }
  if (oracle) {
    console.log(
      `judge bench, oracle: ${traces.length} NAB traces, ${instances}+${instances} instances x ${POINTS} points, ` +
        `${cases} cases per class, seed ${seed}`,
    );
    oracleBench(traces, seed, cases, replicates, instances);
    dump?.close();
    return;
  }
  console.log(
    `judge bench: ${traces.length} NAB traces (excluded, noise-free: ${excluded.join(', ')}), ` +
      `${INSTANCE_SETS.map((k) => `${k}+${k}`).join(' and ')} instances x ${POINTS} points, ${cases} cases per class ` +
      `and set, seed ${seed}`,
  );
  const speed = timing(traces, seed);
  const started = performance.now();
  // One table, a column pair per case set: the 3+3 set keeps the seeds it always had, the wider sets draw
  // their own cases from seeds of their own.
  const sets = INSTANCE_SETS.map((instances) => detection(traces, seed, cases, instances));
  const rows = sets[0]!.map((row, r) => [
    row.label,
    row.sensitivity,
    ...sets.flatMap((set) => [set[r]!.vigil, set[r]!.kayenta, set[r]!.n]),
  ]);
  printTable(
    [
      'class',
      'sensitivity',
      ...INSTANCE_SETS.flatMap((k) => [`vigil ${k}+${k}`, `kayenta ${k}+${k}`, 'cases']),
    ],
    rows,
  );
  console.log(
    `(${((performance.now() - started) / 1000).toFixed(1)} s; kayenta mode has no sensitivity: same column)`,
  );

  scaleTables(traces, seed, Math.max(20, Math.round(cases / 5)));

  printTable(
    [
      'A/A verifications of 20 metrics',
      'sensitivity',
      'false-fail, metrics alone',
      'false-fail, Holm',
      'kayenta',
      'verifications',
    ],
    manyMetrics(traces, seed, Math.max(20, Math.round(cases / 5))),
  );
  // Process CPU includes V8's helper threads (parallel GC); the main thread's CPU is the judgment's own
  // latency without the waits for a core that a loaded machine adds to wall time.
  dump?.close();
  printTable(
    [
      'workload',
      'mode',
      'median ms',
      'min ms',
      'median cpu ms',
      'median main-thread cpu ms',
      'min main-thread cpu ms',
      'runs',
    ],
    speed,
  );
}

/** One row of the detection table: a class (or sub-group) at one sensitivity. */
interface DetectionRow {
  label: string;
  sensitivity: Sensitivity;
  vigil: number;
  kayenta: number;
  n: number;
}

/** Detection (false-fail for A/A classes) rates of every class with `instances`+`instances` instances. */
function detection(traces: Trace[], seed: number, cases: number, instances: number): DetectionRow[] {
  const rows: DetectionRow[] = [];
  CLASSES.forEach((cls, ci) => {
    const rng = mulberry32(caseSetSeed(seed, instances) + 1000 * ci);
    const vigil: Record<Sensitivity, number> = { low: 0, medium: 0, high: 0 };
    let kayenta = 0;
    const sparse = { n: 0, vigil: 0, kayenta: 0 };
    const distinct = { n: 0, vigil: 0, kayenta: 0 };
    const visible = { n: 0, vigil: 0, kayenta: 0 };
    for (let i = 0; i < cases; i++) {
      const c: BenchCase = makeCase(cls, traces, rng, i, instances);
      const key = `detection ${instances}+${instances} ${cls} #${i}`;
      const k = judged(`${key} kayenta`, [c.data], { mode: 'kayenta' }).verdict === 'fail';
      if (k) kayenta++;
      for (const s of SENSITIVITIES) {
        const failed = judged(`${key} ${s}`, [c.data], { sensitivity: s }).verdict === 'fail';
        if (failed) vigil[s]++;
        if (s === 'medium' && c.errorRate !== undefined && c.errorRate < 1) {
          sparse.n++;
          if (failed) sparse.vigil++;
          if (k) sparse.kayenta++;
        }
        if (s === 'medium' && c.observedShift !== undefined && c.observedShift >= MEDIUM_MIN_CHANGE) {
          visible.n++;
          if (failed) visible.vigil++;
          if (k) visible.kayenta++;
        }
        if (s === 'medium' && c.distinct) {
          distinct.n++;
          if (failed) distinct.vigil++;
          if (k) distinct.kayenta++;
        }
      }
    }
    const label = cls.startsWith('aa') ? `${cls} (false-fail)` : cls;
    for (const s of SENSITIVITIES) {
      rows.push({ label, sensitivity: s, vigil: vigil[s] / cases, kayenta: kayenta / cases, n: cases });
    }
    const sub = (name: string, g: { n: number; vigil: number; kayenta: number }) =>
      rows.push({
        label: `${cls}, ${name}`,
        sensitivity: 'medium',
        vigil: g.n > 0 ? g.vigil / g.n : Number.NaN,
        kayenta: g.n > 0 ? g.kayenta / g.n : Number.NaN,
        n: g.n,
      });
    if (cls === 'errors x2') sub('< 1 error/min', sparse);
    if (cls.startsWith('mean+')) sub(`shift >= ${MEDIUM_MIN_CHANGE * 100}% of baseline mean`, visible);
    const subset = SUBSETS[cls];
    if (subset) sub(subset, distinct);
  });
  return rows;
}

/**
 * V8's full garbage collection as a function (exposed at run time, so the bench needs no node flag),
 * followed by a short pause: V8 sweeps the freed pages on helper threads after the collection, and on a
 * two-core machine they would otherwise compete with the timed judgment for a core.
 */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  return () => {
    gc();
    Atomics.wait(pause, 0, 0, 50);
  };
}

/**
 * Time to judge 200 metrics x (10 + 10 instances) x 60 points, in each mode. Run before the detection
 * table, on a heap the harness has not yet filled with thousands of judged cases.
 */
function timing(traces: Trace[], seed: number): (string | number)[][] {
  const workload = timingWorkload(traces, mulberry32(seed ^ 0x5eed));
  const collect = garbageCollector();
  // Each run judges a fresh copy, so nothing computed for one run (the judges memoise alignment per series
  // array) can speed up the next. The copy is the harness's own garbage (240,000 fresh point objects): a
  // full collection before the clock starts keeps its cost out of the judgment's time. CPU time is shown
  // too: on a shared machine wall time includes waiting.
  // The previous run's judgment stays referenced: a full collection drops the object layouts (maps) that
  // only dead objects used, and V8 would then throw away and recompile the optimised judges every run,
  // which a long-running process that keeps its last judgment never sees.
  let kept: unknown = null;
  const time = (mode: 'default' | 'kayenta', runs: number) => {
    for (let i = 0; i < 2; i++) kept = judgeVerification(structuredClone(workload), { mode });
    const wall: number[] = [];
    const cpu: number[] = [];
    const thread: number[] = [];
    for (let i = 0; i < runs; i++) {
      const copy = structuredClone(workload);
      collect();
      const c0 = process.cpuUsage();
      const m0 = process.threadCpuUsage();
      const t0 = performance.now();
      kept = judgeVerification(copy, { mode });
      wall.push(performance.now() - t0);
      const m = process.threadCpuUsage(m0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      thread.push((m.user + m.system) / 1000);
    }
    const median = (x: number[]) => x.sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
    return [
      '200 metrics x (10+10) x 60',
      mode,
      median(wall),
      Math.min(...wall),
      median(cpu),
      median(thread),
      Math.min(...thread),
      runs,
    ];
  };
  const rows = [time('default', 31), time('kayenta', 5)];
  for (const mode of ['default', 'kayenta'] as const) judged(`timing workload ${mode}`, workload, { mode });
  if (kept === null) throw new Error('judge bench: no judgment was timed');
  return rows;
}

/**
 * Verification-wide false fails: A/A verifications of 20 metrics each (every metric an A/A case), judged
 * with each metric alone at its alpha and with Holm's procedure across them (the default).
 */
function manyMetrics(traces: Trace[], seed: number, verifications: number): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const s of SENSITIVITIES) {
    const rng = mulberry32(seed ^ 0xaaaa);
    let alone = 0;
    let holm = 0;
    let kayenta = 0;
    for (let v = 0; v < verifications; v++) {
      const metrics = Array.from({ length: 20 }, (_, i) => {
        const c = makeCase('aa', traces, rng, v * 20 + i).data;
        return { ...c, definition: { ...c.definition, name: `${c.definition.name}#${i}` } };
      });
      const key = `aa x 20 #${v} ${s}`;
      if (judged(`${key} alone`, metrics, { sensitivity: s, acrossMetrics: 'none' }).verdict === 'fail')
        alone++;
      if (judged(`${key} holm`, metrics, { sensitivity: s }).verdict === 'fail') holm++;
      if (s === 'medium' && judged(`${key} kayenta`, metrics, { mode: 'kayenta' }).verdict === 'fail')
        kayenta++;
    }
    rows.push([
      'aa x 20',
      s,
      alone / verifications,
      holm / verifications,
      s === 'medium' ? kayenta / verifications : '',
      verifications,
    ]);
  }
  return rows;
}

/**
 * Scale diversity at medium: the continuous classes (3+3 instances, kind latency, own seeds) at baseline
 * levels 1e-3 to 1e6 without a unit, and one physical latency written in several units. Identical rates
 * across a row, and 0 cases whose verdict differs between scales, is the target.
 */
function scaleTables(traces: Trace[], seed: number, cases: number): void {
  const started = performance.now();
  let judgedScales = 0;
  const { unitless, families } = scaleDiversity(
    (cls, i) => makeCase(cls, traces, mulberry32(seed + 1000 * CLASSES.indexOf(cls) + 31 * i + 555), i).data,
    cases,
    (data) => judged(`scale #${judgedScales++}`, [data], { sensitivity: 'medium' }).verdict === 'fail',
  );
  printTable(
    [
      'scale diversity, no unit (medium)',
      ...LEVELS.map((l) => l.toExponential(0)),
      'cases',
      'verdicts differing',
    ],
    unitless.map((r) => [r.label, ...r.rates, r.cases, r.differing]),
  );
  for (const f of families) {
    printTable(
      [`${f.name} in other units (medium)`, ...f.units, 'cases', 'verdicts differing'],
      f.rows.map((r) => [r.label, ...r.rates, r.cases, r.differing]),
    );
  }
  console.log(`(scale diversity: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
