/** Stable assignment of entities to shards and of time to periods. */

/** FNV-1a (32 bit) of the entity ref: the same shard on every replica and every release. */
export function shardOf(entityRef: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < entityRef.length; i++) {
    h ^= entityRef.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/** The scheduler task id of a shard. */
export function shardTaskId(shard: number): string {
  return `service-guard:shard-${shard}`;
}

/** The last complete period before `now`: `[end - periodMs, end)` with `end` a multiple of `periodMs`. */
export function lastCompletePeriod(now: number, periodMs: number): { start: number; end: number } {
  const end = Math.floor(now / periodMs) * periodMs;
  return { start: end - periodMs, end };
}
