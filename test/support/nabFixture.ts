/** Tiny NAB files and scores for the tests of the NAB bench's held-out procedures (--loco, --variants). */
import type { NabFile } from '../../bench/nab/corpus.ts';

/** NAB's standard profile weights. */
export const standard = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };
const T0 = Date.UTC(2014, 0, 1);
const ROWS = 20;

/** A file of 20 rows one minute apart with one window over rows 8..11 (probation: rows 0..2). */
export function file(category: string): NabFile {
  const timestamps = Array.from({ length: ROWS }, (_, i) => T0 + i * 60_000);
  return {
    name: `${category}/f.csv`,
    timestamps,
    values: new Array<number>(ROWS).fill(0),
    windows: [[timestamps[8]!, timestamps[11]!]],
  };
}

/** Scores of one file: `tp` at the window's first row, `fp` at row 5 (a false alarm before the window). */
export function scores(tp: number, fp: number): Float64Array {
  const s = new Float64Array(ROWS);
  s[8] = tp;
  s[5] = fp;
  return s;
}
