/**
 * NAB v1.1 scoring, written from the benchmark's description and its sweeper semantics:
 * - the first min(floor(15% of rows), 750) rows of a file are probation and are not scored;
 * - inside a labelled window only the earliest detection counts, worth tpWeight * S(y) / S(-1) where
 *   y = -(rightIndex - i + 1) / width and S(y) = 2 / (1 + e^(5y)) - 1 (so a detection at the window's first row
 *   is worth exactly tpWeight); a window without detection costs fnWeight;
 * - every detection outside a window costs fpWeight * S(y), y = (i - rightIndexOfPrecedingWindow) / (width - 1),
 *   or the full fpWeight when no window precedes it (S is -1 for y > 3);
 * - a row is a detection when its anomaly score >= threshold;
 * - the corpus score is normalised as 100 * (S - S_null) / (S_perfect - S_null), S_perfect = windows * tpWeight,
 *   S_null = the score of a detector that always reports 0 (scored at its own best threshold, as NAB does);
 * - the "best threshold" is chosen per profile over the whole corpus, among every score value that occurs.
 */

/** Cost weights of a NAB profile (nab/profiles.json `CostMatrix`). */
export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/** One data file with its ground truth. */
export interface LabelledFile {
  name: string;
  /** Epoch milliseconds of each row, in file order. */
  timestamps: number[];
  /** Anomaly windows as [start, end] epoch milliseconds; both ends must be timestamps of the file. */
  windows: [number, number][];
}

/** The rows of a file that are scored, in file order. */
export interface SweptFile {
  /** Anomaly score of each scored row. */
  scores: number[];
  /** Weighted NAB value of a detection at this row (positive in windows, <= 0 outside). */
  sweep: number[];
  /** Index of the row's window among the file's windows, or -1 outside any window. */
  window: number[];
  /** Number of windows that have at least one scored row. */
  windowCount: number;
  /** Number of windows of the file. */
  windowTotal: number;
}

export const PROBATION_PERCENT = 0.15;

/** The scaled sigmoid S(y) = 2 / (1 + e^(5y)) - 1, -1 beyond y > 3. */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** Rows at the start of a file that are not scored. */
export function probationLength(rows: number, percent = PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/** Computes, for every scored row, what a detection there would be worth. */
export function sweepFile(file: LabelledFile, scores: ArrayLike<number>, cost: CostMatrix): SweptFile {
  const n = file.timestamps.length;
  if (scores.length !== n) {
    throw new Error(`${file.name}: ${scores.length} anomaly scores for ${n} rows; give one score per row`);
  }
  const indexOf = new Map<number, number>();
  file.timestamps.forEach((t, i) => {
    if (!indexOf.has(t)) indexOf.set(t, i);
  });
  const bounds = file.windows.map(([a, b]) => {
    const start = indexOf.get(a);
    const end = indexOf.get(b);
    if (start === undefined || end === undefined || end < start) {
      throw new Error(
        `${file.name}: window [${new Date(a).toISOString()}, ${new Date(b).toISOString()}] does not match rows of the file`,
      );
    }
    return { start, end, width: end - start + 1 };
  });
  const maxTP = scaledSigmoid(-1);
  const probation = probationLength(n);
  const out: SweptFile = { scores: [], sweep: [], window: [], windowCount: 0, windowTotal: bounds.length };
  const seen = new Set<number>();
  let next = 0;
  let current = -1;
  let previous = -1;
  for (let i = 0; i < n; i++) {
    if (current < 0 && next < bounds.length && i === bounds[next]!.start) current = next++;
    let value: number;
    if (current >= 0) {
      const w = bounds[current]!;
      value = (scaledSigmoid(-(w.end - i + 1) / w.width) * cost.tpWeight) / maxTP;
    } else if (previous < 0) {
      value = -cost.fpWeight;
    } else {
      const w = bounds[previous]!;
      value = scaledSigmoid(Math.abs(w.end - i) / (w.width - 1)) * cost.fpWeight;
    }
    if (i >= probation) {
      out.scores.push(scores[i]!);
      out.sweep.push(value);
      out.window.push(current);
      if (current >= 0) seen.add(current);
    }
    if (current >= 0 && i === bounds[current]!.end) {
      previous = current;
      current = -1;
    }
  }
  out.windowCount = seen.size;
  return out;
}

/** Raw NAB score of one swept file when every row with score >= threshold is a detection. */
export function scoreAtThreshold(file: SweptFile, threshold: number, cost: CostMatrix): number {
  const best = new Map<number, number>();
  let fp = 0;
  for (let i = 0; i < file.scores.length; i++) {
    if (!(file.scores[i]! >= threshold)) continue;
    const w = file.window[i]!;
    if (w < 0) fp += file.sweep[i]!;
    else if (!best.has(w)) best.set(w, file.sweep[i]!); // rows are in order: the first is the earliest
  }
  let total = fp - (file.windowCount - best.size) * cost.fnWeight;
  for (const v of best.values()) total += v;
  return total;
}

/** Corpus score for each candidate threshold: above 1 (no detections), then every distinct score, descending. */
export function scoreCurve(files: SweptFile[], cost: CostMatrix): { threshold: number; score: number }[] {
  const rows: { s: number; sweep: number; key: number }[] = [];
  let windowBase = 0;
  let score = 0;
  for (const f of files) {
    for (let i = 0; i < f.scores.length; i++) {
      const w = f.window[i]!;
      rows.push({ s: f.scores[i]!, sweep: f.sweep[i]!, key: w < 0 ? -1 : windowBase + w });
    }
    windowBase += f.windowTotal;
    score -= f.windowCount * cost.fnWeight;
  }
  rows.sort((a, b) => b.s - a.s);
  const bestInWindow = new Map<number, number>();
  const curve: { threshold: number; score: number }[] = [];
  let threshold = 1.1;
  for (const r of rows) {
    if (r.s !== threshold) {
      curve.push({ threshold, score });
      threshold = r.s;
    }
    if (r.key < 0) {
      score += r.sweep;
    } else {
      const prev = bestInWindow.get(r.key);
      if (prev === undefined) {
        score += cost.fnWeight + r.sweep;
        bestInWindow.set(r.key, r.sweep);
      } else if (r.sweep > prev) {
        score += r.sweep - prev;
        bestInWindow.set(r.key, r.sweep);
      }
    }
  }
  curve.push({ threshold, score });
  return curve;
}

/** The threshold with the highest corpus score; ties go to the higher threshold, as in NAB's stable sort. */
export function bestThreshold(files: SweptFile[], cost: CostMatrix): { threshold: number; score: number } {
  let best = { threshold: 1.1, score: Number.NEGATIVE_INFINITY };
  for (const c of scoreCurve(files, cost)) if (c.score > best.score) best = c;
  return best;
}

/** Raw corpus score at a fixed threshold. */
export function corpusScoreAt(files: SweptFile[], threshold: number, cost: CostMatrix): number {
  return files.reduce((sum, f) => sum + scoreAtThreshold(f, threshold, cost), 0);
}

/** 100 * (raw - null) / (perfect - null). */
export function normalise(raw: number, nullScore: number, perfect: number): number {
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

/** Result of scoring one detector's output on a corpus under one profile. */
export interface ProfileResult {
  best: { threshold: number; raw: number; score: number };
  fixed: { threshold: number; raw: number; score: number };
  nullScore: number;
  perfect: number;
}

/**
 * Scores a detector's per-row anomaly scores (one array per file, same order as `files`) under one profile,
 * at the corpus-optimal threshold and at `fixedThreshold`.
 */
export function scoreCorpus(
  files: LabelledFile[],
  anomalyScores: ArrayLike<number>[],
  cost: CostMatrix,
  fixedThreshold = 0.5,
): ProfileResult {
  const swept = files.map((f, i) => sweepFile(f, anomalyScores[i]!, cost));
  const nullSwept = files.map((f) => sweepFile(f, new Array<number>(f.timestamps.length).fill(0), cost));
  const nullScore = bestThreshold(nullSwept, cost).score;
  const perfect = files.reduce((n, f) => n + f.windows.length, 0) * cost.tpWeight;
  const best = bestThreshold(swept, cost);
  const fixedRaw = corpusScoreAt(swept, fixedThreshold, cost);
  return {
    best: { threshold: best.threshold, raw: best.score, score: normalise(best.score, nullScore, perfect) },
    fixed: { threshold: fixedThreshold, raw: fixedRaw, score: normalise(fixedRaw, nullScore, perfect) },
    nullScore,
    perfect,
  };
}

/** The thresholds around the best one that keep at least a share of the best normalised corpus score. */
export interface Plateau {
  /** Thresholds t with low < t <= high keep the share (the best threshold lies in between). */
  low: number;
  high: number;
  /** Detections (scored rows at or above the threshold) at `high` and just above `low`. */
  detectionsAtHigh: number;
  detectionsAtLow: number;
}

/**
 * The contiguous run of thresholds around the best whose normalised score stays >= `share` x the best one. Its
 * width in threshold units changes with any monotone rescaling of the anomaly scores (raising the evidence to a
 * power widens it without changing which points are detected first), so the detections at its two ends are
 * reported too: their ratio is how much the alert volume may vary while the score holds, whatever the scale.
 */
export function scorePlateau(
  files: SweptFile[],
  cost: CostMatrix,
  nullScore: number,
  perfect: number,
  share = 0.95,
): Plateau {
  const curve = scoreCurve(files, cost);
  const norm = (raw: number) => normalise(raw, nullScore, perfect);
  let best = 0;
  curve.forEach((c, i) => {
    if (c.score > curve[best]!.score) best = i;
  });
  const floor = share * norm(curve[best]!.score);
  // Entry i of the curve holds for thresholds in (curve[i + 1].threshold, curve[i].threshold].
  let a = best;
  let b = best;
  while (a > 0 && norm(curve[a - 1]!.score) >= floor) a--;
  while (b + 1 < curve.length && norm(curve[b + 1]!.score) >= floor) b++;
  const high = curve[a]!.threshold;
  const low = b + 1 < curve.length ? curve[b + 1]!.threshold : Number.NEGATIVE_INFINITY;
  let detectionsAtHigh = 0;
  let detectionsAtLow = 0;
  for (const f of files) {
    for (const s of f.scores) {
      if (s >= high) detectionsAtHigh++;
      if (s > low) detectionsAtLow++;
    }
  }
  return { low, high, detectionsAtHigh, detectionsAtLow };
}
