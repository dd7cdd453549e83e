/** Task ids of the worker tasks, and the assignment of time to periods. */

/** The scheduler task id of worker `i` of a replica. */
export function workerTaskId(i: number): string {
  return `service-guard:worker-${i}`;
}

/** The last complete period before `now`: `[end - periodMs, end)` with `end` a multiple of `periodMs`. */
export function lastCompletePeriod(now: number, periodMs: number): { start: number; end: number } {
  const end = Math.floor(now / periodMs) * periodMs;
  return { start: end - periodMs, end };
}
