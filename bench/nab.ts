// `pnpm bench nab [--repeat N] [--loco]`: scores Vigil's streaming anomaly detector on the NAB subset in
// ../shared/bench-data/nab with NAB v1.1 scoring, at the best threshold per profile and at the fixed 0.5, with
// the range of thresholds that keeps 95% of the best score.
// `--loco` adds a leave-one-category-out check (threshold, and constants from a grid, chosen without the scored
// category; several procedures side by side, see nab/loco.ts).
// `--variants <file>` instead compares detector tunings (one JSON object of overrides per line) in-sample and held
// out, and the held-out score of choosing among them (see nab/variants.ts).
// `--data <dir>` scores another corpus in NAB's layout (data/<category>/*.csv, labels/combined_windows.json,
// profiles.json), e.g. the whole of NAB; every category found there is one fold of `--loco`.
// `--dump <file>` writes every file's scores and full detector output as hashes (see judge/dump.ts).
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDetector, DEFAULT_TUNING } from '../packages/core/src/anomaly/index.ts';
import { takeDumpOption } from './judge/dump.ts';
import { loadCorpus, loadProfiles, nabRoot } from './nab/corpus.ts';
import { LOCO_GRID, LOCO_PROCEDURES, leaveOneCategoryOut } from './nab/loco.ts';
import { type NabFile, runDetector } from './nab/runner.ts';
import {
  type CostMatrix,
  corpusScoreAt,
  normalise,
  scoreCorpus,
  scorePlateau,
  sweepFile,
} from './nab/scorer.ts';
import { compareVariants, parseVariants } from './nab/variants.ts';
import { printTable } from './table.ts';

const PROFILE_ROWS: [string, string][] = [
  ['standard', 'standard'],
  ['reward_low_FP_rate', 'reward_low_FP'],
  ['reward_low_FN_rate', 'reward_low_FN'],
];

export default function nab(args: string[]): void {
  const dump = takeDumpOption(args);
  const { values } = parseArgs({
    args,
    options: {
      repeat: { type: 'string', default: '3' },
      loco: { type: 'boolean', default: false },
      variants: { type: 'string' },
      data: { type: 'string' },
    },
  });
  const repeat = Math.max(1, Number(values.repeat) || 3);
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const root = values.data === undefined ? nabRoot(repoRoot) : resolve(values.data);
  const files: NabFile[] = loadCorpus(root);
  const profiles = loadProfiles(root);
  if (values.variants !== undefined) {
    variants(files, profiles, values.variants);
    return;
  }

  // Speed: the best of `repeat` full passes over the corpus (every point, with its reason string).
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let scores: Float64Array[] = [];
  for (let r = 0; r < repeat; r++) {
    const run = runDetector(files, () => createDetector());
    best = Math.min(best, run.seconds);
    bestCpu = Math.min(bestCpu, run.cpuSeconds);
    scores = run.scores;
  }
  const points = files.reduce((n, f) => n + f.values.length, 0);
  const windows = files.reduce((n, f) => n + f.windows.length, 0);

  if (dump) {
    // Every field of every point (one more pass, untimed), and the scores the table below is computed from.
    files.forEach((f, i) => {
      const detector = createDetector();
      const points = f.values.map((v, j) => detector.update(f.timestamps[j]!, v));
      dump.add(`nab ${f.name} scores`, String(f.values.length), scores[i]!);
      dump.add(`nab ${f.name} points`, String(points.length), points);
    });
  }
  console.log(`NAB subset: ${files.length} files, ${points} points, ${windows} windows (${root})`);
  const rows: (string | number)[][] = [];
  const plateaus: (string | number)[][] = [];
  for (const [key, label] of PROFILE_ROWS) {
    const cost = profiles[key];
    if (!cost) throw new Error(`profiles.json has no profile "${key}"`);
    const r = scoreCorpus(files, scores, cost, 0.5);
    dump?.add(`nab profile ${label}`, `${r.best.score} ${r.fixed.score}`, r);
    const p = scorePlateau(
      files.map((f, i) => sweepFile(f, scores[i]!, cost)),
      cost,
      r.nullScore,
      r.perfect,
      PLATEAU_SHARE,
    );
    plateaus.push([
      label,
      r.best.score,
      p.low,
      p.high,
      p.high - p.low,
      p.detectionsAtHigh,
      p.detectionsAtLow,
      p.detectionsAtLow / p.detectionsAtHigh,
    ]);
    rows.push([
      label,
      r.best.score,
      r.best.threshold,
      r.fixed.score,
      r.best.raw,
      r.fixed.raw,
      r.nullScore,
      r.perfect,
    ]);
  }
  printTable(
    [
      'profile',
      'score@best',
      'best threshold',
      'score@0.5',
      'raw@best',
      'raw@0.5',
      'raw null',
      'raw perfect',
    ],
    rows,
  );
  console.log('');
  aroundTheLine(files, scores, profiles.standard!);
  console.log('');
  console.log(
    `thresholds t in (low, high] that keep >= ${100 * PLATEAU_SHARE}% of the best score, and the detections (scored rows with score >= t) at both ends:`,
  );
  printTable(
    ['profile', 'score@best', 'low', 'high', 'width', 'detections@high', 'detections@low', 'ratio'],
    plateaus,
  );
  console.log('');
  printTable(
    ['speed (best of repeats)', 'points', 'seconds', 'points/s'],
    [
      ['detector, wall clock', points, best, Math.round(points / best)],
      ['detector, CPU time', points, bestCpu, Math.round(points / bestCpu)],
    ],
  );
  console.log(`load average while measuring: ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
  dump?.close();
  if (values.loco) loco(files, profiles);
}

/**
 * The standard score at thresholds near 0.5. A threshold t is the same as scaling zAlert and novelty by
 * (1 - t) / t, so this row is also how the score moves when those two constants move by a few percent: a
 * sharp peak at 0.5 means the corpus score rests on detections just above the line and will not carry over
 * to data the constants were not chosen on.
 */
/**
 * Share of the best score that a threshold must keep to be on the plateau around the best one. The plateau's
 * width in threshold units says how far the line (or zAlert and novelty together) may move; the ratio of the
 * detections at its ends says the same free of the scores' scale. Both are printed because the width alone can be
 * widened by rescaling the evidence: novelty evidence stretched by the spread of the remembered daily peaks
 * widened the standard plateau from 0.011 to 0.026 while its ends kept the same detections (133..183 against
 * 127..182) and the held-out score with the threshold chosen exactly did not move (71.69 against 71.76).
 */
const PLATEAU_SHARE = 0.95;

const NEAR_LINE = [0.45, 0.48, 0.49, 0.495, 0.5, 0.505, 0.51, 0.52, 0.55];

function aroundTheLine(files: NabFile[], scores: Float64Array[], cost: CostMatrix): void {
  const swept = files.map((f, i) => sweepFile(f, scores[i]!, cost));
  const windows = files.reduce((n, f) => n + f.windows.length, 0);
  printTable(
    ['standard score at threshold', ...NEAR_LINE.map(String)],
    [
      [
        'score',
        ...NEAR_LINE.map((t) =>
          normalise(corpusScoreAt(swept, t, cost), -windows * cost.fnWeight, windows * cost.tpWeight),
        ),
      ],
    ],
  );
}

function loco(files: NabFile[], profiles: Record<string, CostMatrix>): void {
  const defaults = LOCO_GRID.findIndex((g) =>
    Object.entries(g).every(([key, v]) => DEFAULT_TUNING[key as keyof typeof DEFAULT_TUNING] === v),
  );
  if (defaults < 0) throw new Error('the leave-one-category-out grid must contain the default tuning');
  const scores = LOCO_GRID.map((tuning) => runDetector(files, () => createDetector({}, tuning)).scores);
  console.log('');
  console.log(
    `Leave one category out: the threshold, and with "grid" the constants (${LOCO_GRID.length} configurations: entropyGain x seasonalConfirm x contextBins), chosen on the other categories. Standard profile, held-out raw score per category:`,
  );
  const byProfile = PROFILE_ROWS.map(([key]) => {
    const cost = profiles[key]!;
    return {
      inSample: scoreCorpus(files, scores[defaults]!, cost, 0.5),
      results: LOCO_PROCEDURES.map((p) => leaveOneCategoryOut(files, LOCO_GRID, scores, defaults, cost, p)),
    };
  });
  const { results } = byProfile[0]!;
  const first = results[0]!.rows;
  printTable(
    ['procedure', ...first.map((r) => `${r.category} (${r.windows})`), 'score'],
    [
      ['defaults at 0.5 (nothing chosen)', ...first.map((r) => r.defaultRaw), results[0]!.defaultScore],
      ...results.map((r, i) => [
        LOCO_PROCEDURES[i]!.label,
        ...r.rows.map((row) => row.heldOutRaw),
        r.heldOutScore,
      ]),
    ],
  );
  console.log('');
  console.log('chosen per held-out category (entropyGain/seasonalConfirm/contextBins@threshold):');
  printTable(
    ['procedure', ...first.map((r) => r.category)],
    results.map((r, i) => [
      LOCO_PROCEDURES[i]!.label,
      ...r.rows.map(
        (row) =>
          `${row.chosen.entropyGain}/${row.chosen.seasonalConfirm}/${row.chosen.contextBins}@${row.threshold.toFixed(4)}`,
      ),
    ]),
  );
  console.log('');
  printTable(
    ['score', ...PROFILE_ROWS.map(([, label]) => label)],
    [
      ['in-sample, defaults@best', ...byProfile.map((p) => p.inSample.best.score)],
      ['in-sample, defaults@0.5', ...byProfile.map((p) => p.inSample.fixed.score)],
      ...LOCO_PROCEDURES.map((proc, i) => [
        `held out: ${proc.label}`,
        ...byProfile.map((p) => p.results[i]!.heldOutScore),
      ]),
    ],
  );
}

function variants(files: NabFile[], profiles: Record<string, CostMatrix>, path: string): void {
  const list = [{}, ...parseVariants(readFileSync(path, 'utf8'))];
  const costs = PROFILE_ROWS.map(([key]) => profiles[key]!);
  const scores = list.map((tuning) => runDetector(files, () => createDetector({}, tuning)).scores);
  const report = compareVariants(files, costs, list, scores);
  console.log(
    `${list.length} tunings (row 0: the shipped constants). In-sample: at the best threshold and at 0.5; held out: threshold chosen by its neighbourhood on the other categories.`,
  );
  printTable(
    ['#', ...PROFILE_ROWS.flatMap(([, label]) => [`${label} best`, '@0.5', 'held out']), 'overrides'],
    report.rows.map((r, i) => [
      i,
      ...r.figures.flatMap((f) => [f.best, f.fixed, f.heldOut]),
      i === 0 ? '(shipped)' : JSON.stringify(list[i]),
    ]),
  );
  console.log('');
  console.log('Each fold also chooses the tuning among all rows on the other categories:');
  printTable(
    ['held out', ...PROFILE_ROWS.map(([, label]) => label), 'standard: chosen #row@threshold per category'],
    report.search.map((r) => [r.label, ...r.heldOut, r.chosen.join(', ')]),
  );
}
