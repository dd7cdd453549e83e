/**
 * Order statistics without sorting: quickselect is O(n) where a sort is O(n log n), and judging hundreds of
 * metrics takes thousands of quantiles. Both functions reorder `a` in place.
 */

/** The k-th smallest value (0-based) of a[lo..hi], by Hoare-partition quickselect (median-of-three pivot). */
function selectK(a: Float64Array, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as pivot keeps sorted or constant input from degrading to O(n^2).
    let x = a[lo]!;
    let y = a[mid]!;
    let z = a[hi]!;
    if (x > y) [x, y] = [y, x];
    if (y > z) [y, z] = [z, y];
    if (x > y) [x, y] = [y, x];
    const pivot = y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/**
 * Quantile q (linear interpolation, type 7 as numpy and R default) of the values in `a`; NaN when empty.
 * Asking for increasing quantiles of the same array is cheaper: each selection leaves everything above its
 * order statistic to the right, and `from` (the index of the previous one) restricts the next search.
 */
export function quantileInPlace(a: Float64Array, q: number, from = 0): number {
  const n = a.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const vLo = selectK(a, lo, Math.min(from, lo));
  if (h === lo || lo + 1 >= n) return vLo;
  // After selecting lo, everything right of it is >= a[lo]: the next order statistic is their minimum.
  let vHi = Number.POSITIVE_INFINITY;
  for (let i = lo + 1; i < n; i++) if (a[i]! < vHi) vHi = a[i]!;
  return vLo + (h - lo) * (vHi - vLo);
}

/** The working arrays of {@link ascendingOrder}: grown as needed, reused by every call given them. */
export interface RadixBuffers {
  floats: Float32Array;
  /** The bits of `floats`, as keys. */
  keys: Uint32Array;
  keysTmp: Uint32Array;
  idx: Uint32Array;
  tmp: Uint32Array;
  count: Uint32Array;
}

/** Empty RadixBuffers (a plain literal: see judgeBuffers for why not a class). */
export function radixBuffers(): RadixBuffers {
  const floats = new Float32Array(0);
  return {
    floats,
    keys: new Uint32Array(floats.buffer),
    keysTmp: new Uint32Array(0),
    idx: new Uint32Array(0),
    tmp: new Uint32Array(0),
    count: new Uint32Array(4 * 256),
  };
}

/**
 * Indices of the finite values `x` in ascending order, and, when `sorted` is given, the values themselves
 * in that order. A radix sort (four 8-bit digits, all histograms counted in one pass, digits every value
 * shares skipped, keys moved along with the indices) of their single-precision bit patterns (flipped so
 * that they order like the numbers), then an insertion pass that puts values equal in single precision in
 * their exact order: a comparison sort, or a binary search per value, loses most of its time to
 * mispredicted branches on the thousands of values of one metric. The returned array is one of `work`'s,
 * reused by the next call given the same `work` (read it before); only its first x.length entries count.
 */
export function ascendingOrder(
  x: Float64Array,
  sorted?: Float64Array,
  work: RadixBuffers = radixBuffers(),
): Uint32Array {
  const n = x.length;
  if (work.floats.length < n) {
    work.floats = new Float32Array(n * 2);
    work.keys = new Uint32Array(work.floats.buffer);
    work.keysTmp = new Uint32Array(n * 2);
    work.idx = new Uint32Array(n * 2);
    work.tmp = new Uint32Array(n * 2);
  }
  const orderFloats = work.floats;
  const orderKeys = work.keys;
  const orderCount = work.count;
  for (let i = 0; i < n; i++) orderFloats[i] = x[i]!;
  orderCount.fill(0);
  for (let i = 0; i < n; i++) {
    let k = orderKeys[i]!;
    // Negative numbers order backwards by their bits: flip them all; flip only the sign bit of the others.
    k = k & 0x80000000 ? ~k >>> 0 : (k | 0x80000000) >>> 0;
    orderKeys[i] = k;
    orderCount[k & 255]!++;
    orderCount[256 + ((k >>> 8) & 255)]!++;
    orderCount[512 + ((k >>> 16) & 255)]!++;
    orderCount[768 + (k >>> 24)]!++;
  }
  let src = work.idx;
  let dst = work.tmp;
  let keys = orderKeys;
  let keysDst = work.keysTmp;
  for (let i = 0; i < n; i++) src[i] = i;
  for (let digit = 0; digit < 4; digit++) {
    const base = digit * 256;
    const shift = digit * 8;
    let sum = 0;
    let single = false;
    for (let b = base; b < base + 256; b++) {
      const c = orderCount[b]!;
      if (c === n) single = true;
      orderCount[b] = sum;
      sum += c;
    }
    if (single) continue;
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      const at = orderCount[base + ((k >>> shift) & 255)]!++;
      dst[at] = src[i]!;
      keysDst[at] = k;
    }
    const t = src;
    src = dst;
    dst = t;
    const tk = keys;
    keys = keysDst;
    keysDst = tk;
  }
  // Single precision ties may hide a double precision order: fix it. The values seen so far are in order,
  // so a value no smaller than the last one stays where it is (nearly always: nothing moves unless rounding
  // to single precision tied two different values).
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const k = src[i]!;
    const v = x[k]!;
    if (v >= last) {
      last = v;
      if (sorted) sorted[i] = v;
      continue;
    }
    let j = i - 1;
    while (j >= 0 && x[src[j]!]! > v) {
      src[j + 1] = src[j]!;
      if (sorted) sorted[j + 1] = sorted[j]!;
      j--;
    }
    src[j + 1] = k;
    if (sorted) sorted[j + 1] = v;
  }
  return src;
}

/**
 * The values of an array from its order statistic `first` up, ascending: every quantile at or above the level
 * that chose `first` reads from it by index ({@link tailQuantile}), so that several tests needing upper
 * quantiles of the same values select them once.
 */
export interface UpperTail {
  /** The order statistics first .. n - 1 of the values, ascending. */
  top: Float64Array;
  first: number;
  /** How many values the tail was taken from. */
  n: number;
}

/**
 * The upper tail of `a` from its q quantile's lower order statistic, left `a` as it is: only the values above
 * that order statistic matter, so a min-heap of them (a few dozen for p95 of hundreds, kept in `heap`)
 * replaces a selection over the whole array. The tail lives in `heap` until its next use.
 */
export function upperTail(a: Float64Array, q: number, heap: Scratch = scratch()): UpperTail {
  const n = a.length;
  if (n === 0) return { top: take(heap, 0), first: 0, n };
  const first = Math.floor((n - 1) * q);
  const k = n - first;
  const h = take(heap, k);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const v = a[i]!;
    if (size < k) {
      // Sift up.
      let j = size++;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (h[p]! <= v) break;
        h[j] = h[p]!;
        j = p;
      }
      h[j] = v;
    } else if (v > h[0]!) {
      // Replace the smallest kept value and sift down.
      let j = 0;
      for (;;) {
        const l = 2 * j + 1;
        if (l >= k) break;
        const r = l + 1;
        const c = r < k && h[r]! < h[l]! ? r : l;
        if (h[c]! >= v) break;
        h[j] = h[c]!;
        j = c;
      }
      h[j] = v;
    }
  }
  return { top: h.sort(), first, n };
}

/**
 * The upper tail of the values in `pool` (reordered in place) by one selection and a sort of what lies above
 * it: for a tail that is a larger share of the values, where the heap of {@link upperTail} would sift often.
 */
export function selectedUpperTail(pool: Float64Array, q: number): UpperTail {
  const n = pool.length;
  if (n === 0) return { top: pool, first: 0, n };
  quantileInPlace(pool, q);
  // The selection leaves every value above its order statistic to its right.
  const first = Math.floor((n - 1) * q);
  return { top: pool.subarray(first).sort(), first, n };
}

/**
 * Quantile q (type 7, the same arithmetic as {@link quantileInPlace}) read from an upper tail taken at or
 * below q; NaN when the tail was taken from no values.
 */
export function tailQuantile(t: UpperTail, q: number): number {
  if (t.n === 0) return Number.NaN;
  const h = (t.n - 1) * q;
  const lo = Math.floor(h);
  if (lo < t.first) throw new RangeError(`tailQuantile: quantile ${q} lies below the tail`);
  const vLo = t.top[lo - t.first]!;
  if (h === lo || lo + 1 >= t.n) return vLo;
  return vLo + (h - lo) * (t.top[lo + 1 - t.first]! - vLo);
}

/** A reusable temporary array of numbers, grown as needed (see {@link take}). */
export interface Scratch {
  array: Float64Array;
}

/** An empty Scratch. */
export function scratch(): Scratch {
  return { array: new Float64Array(0) };
}

/** n numbers of `s` (contents undefined), valid until the next `take` of the same Scratch. */
export function take(s: Scratch, n: number): Float64Array {
  if (s.array.length < n) s.array = new Float64Array(Math.max(64, 2 * n));
  return s.array.subarray(0, n);
}

/** A {@link Scratch} of whole numbers (offsets, counts). */
export interface IntScratch {
  array: Int32Array;
}

/** An empty IntScratch. */
export function intScratch(): IntScratch {
  return { array: new Int32Array(0) };
}

/** n entries of `s` (contents undefined), valid until the next `takeInts` of the same IntScratch. */
export function takeInts(s: IntScratch, n: number): Int32Array {
  if (s.array.length < n) s.array = new Int32Array(Math.max(64, 2 * n));
  return s.array.subarray(0, n);
}

/** A {@link Scratch} of bytes (labels, flags). */
export interface ByteScratch {
  array: Uint8Array;
}

/** An empty ByteScratch. */
export function byteScratch(): ByteScratch {
  return { array: new Uint8Array(0) };
}

/** n entries of `s` (contents undefined), valid until the next `takeBytes` of the same ByteScratch. */
export function takeBytes(s: ByteScratch, n: number): Uint8Array {
  if (s.array.length < n) s.array = new Uint8Array(Math.max(64, 2 * n));
  return s.array.subarray(0, n);
}
