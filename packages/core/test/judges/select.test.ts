import { describe, expect, it } from 'vitest';
import {
  ascendingOrder,
  quantileInPlace,
  selectedUpperTail,
  tailQuantile,
  upperTail,
} from '../../src/judges/select.ts';
import { seededRandom } from '../../src/random.ts';

/** Type 7 quantile of a sorted copy: the definition the selections must reproduce. */
function reference(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo]! + (h - lo) * (s[lo + 1]! - s[lo]!) : s[lo]!;
}

/** Arrays that stress selection: random, heavily tied, sorted both ways, negative, tiny. */
function samples(): Float64Array[] {
  const rng = seededRandom(7);
  const out: Float64Array[] = [];
  for (const n of [1, 2, 3, 7, 31, 600, 1200]) {
    out.push(Float64Array.from({ length: n }, () => rng() * 200 - 100));
    out.push(Float64Array.from({ length: n }, () => Math.floor(rng() * 4)));
    out.push(Float64Array.from({ length: n }, (_, i) => i * 0.5));
    out.push(Float64Array.from({ length: n }, (_, i) => -i));
  }
  // Values equal in single precision but not in double: the order must still be exact.
  out.push(Float64Array.from([1 + 1e-12, 1, 1 + 2e-12, 1 - 1e-12, 1]));
  return out;
}

describe('selection', () => {
  it('quantileInPlace equals the sorted-copy quantile', () => {
    for (const a of samples())
      for (const q of [0, 0.1, 0.5, 0.9, 0.95, 0.99, 1]) {
        expect(quantileInPlace(a.slice(), q)).toBe(reference(a, q));
      }
  });

  it('upper tails, by heap or by selection, give every quantile at or above their level exactly', () => {
    for (const a of samples()) {
      const before = a.slice();
      const heap = upperTail(a, 0.9);
      const selected = selectedUpperTail(a.slice(), 0.9);
      expect(a).toEqual(before);
      expect(heap.top).toEqual(selected.top);
      for (const q of [0.9, 0.95, 0.975, 0.99, 1]) {
        expect(tailQuantile(heap, q)).toBe(reference(a, q));
        expect(tailQuantile(selected, q)).toBe(reference(a, q));
      }
      // Below the level the tail does not hold the order statistics: asking is a mistake, not a guess.
      if (a.length > 20) expect(() => tailQuantile(heap, 0.5)).toThrow(RangeError);
    }
    expect(tailQuantile(upperTail(new Float64Array(0), 0.95), 0.99)).toBeNaN();
  });

  it('ascendingOrder lists the indices of the values in exact ascending order', () => {
    for (const a of samples()) {
      const order = Array.from(ascendingOrder(a).subarray(0, a.length));
      expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: a.length }, (_, i) => i));
      for (let i = 1; i < order.length; i++) expect(a[order[i]!]!).toBeGreaterThanOrEqual(a[order[i - 1]!]!);
      const sorted = new Float64Array(a.length);
      ascendingOrder(a, sorted);
      expect(sorted).toEqual(a.slice().sort());
    }
  });
});
