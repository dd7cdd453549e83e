import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Spec } from '@vigil/core';
import { parseReplayFile, type ReplayFile } from '@vigil/providers';
import { PathError, reason } from './files.ts';

/** The span a spec's recordings cover: where their canary data starts and where all data ends (epoch ms). */
export interface RecordedRange {
  /** First recorded canary point (first point of any series when no entry names a group). */
  firstCanary: number;
  /** Last recorded point of any series. */
  last: number;
}

/**
 * For specs whose providers are all replays: the recorded span, so that a replay starts where the recording
 * started and `doctor` looks at the end of the recording instead of the wall clock. Undefined otherwise.
 */
export async function recordedRange(spec: Spec, specDir: string): Promise<RecordedRange | undefined> {
  let firstCanary = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const config of Object.values(spec.providers)) {
    if (config.type !== 'replay') return undefined;
    const file = await readRecording(resolve(specDir, config.file));
    const grouped = file.metrics.some((m) => m.group === 'canary');
    for (const m of file.metrics) {
      const canary = !grouped || m.group === 'canary';
      for (const s of m.series) {
        for (const [t] of s.points) {
          last = Math.max(last, t);
          if (canary) firstCanary = Math.min(firstCanary, t);
        }
      }
    }
  }
  return Number.isFinite(firstCanary) && Number.isFinite(last) ? { firstCanary, last } : undefined;
}

/**
 * Reads and checks every recording a spec replays, before any provider opens it: a recording that is missing
 * or is not a recording is a mistake in the input, named in one line (exit 3), not an internal error.
 */
export async function checkRecordings(spec: Spec, specDir: string): Promise<void> {
  for (const config of Object.values(spec.providers)) {
    if (config.type === 'replay') await readRecording(resolve(specDir, config.file));
  }
}

async function readRecording(path: string): Promise<ReplayFile> {
  try {
    return parseReplayFile(await readFile(path, 'utf8'), path);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ? reason(e) : (e as Error).message;
    throw new PathError(
      `recording ${path}: ${why.startsWith(path) ? why.slice(path.length).replace(/^:? /, '') : why}`,
    );
  }
}
