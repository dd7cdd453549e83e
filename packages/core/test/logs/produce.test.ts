import { describe, expect, it } from 'vitest';
import { couldProduce } from '../../src/logs/produce.ts';

const t = (s: string) => s.split(' ');

describe('couldProduce', () => {
  it.each([
    ['pod <*> started', 'pod checkout-<*>-bdczq started'],
    ['pod checkout-<*>-x2k4p started', 'pod checkout-<*>-bdczq started'],
    ['uploaded <*> KB to bucket', 'uploaded <*> to bucket'],
    ['uploaded <*> to bucket', 'uploaded <*> KB to bucket'],
    ['uploaded <*> KB to bucket', 'uploaded <*> bytes to bucket'],
    ['close, lifetime <*>', 'close, lifetime <<*> sec'],
    ['connect to <*> failed', 'connect to db failed'],
    ['connect to db failed', 'connect to <*> failed'],
    ['nodes node-<*> <ok> node-<*> <ok>', 'nodes node-<*> <ok> node-<*> <ok> node-<*> <ok> node-<*> <ok>'],
  ])('%s produces %s', (known, other) => {
    expect(couldProduce(t(known), t(other))).toBe(true);
  });

  it.each([
    ['java.lang.IllegalStateException: order <*> failed', 'java.lang.NullPointerException: order <*> failed'],
    ['uploaded <*> KB to bucket', 'uploaded <*> ms to bucket'],
    ['pod <*> started', 'pod <*> started again'],
    ['user <*> logged in', 'user <*> logged out'],
    ['<*> <*>', '<*> <*>'],
    ['pod checkout-<*> started', 'pod cart started'],
  ])('%s does not produce %s', (known, other) => {
    expect(couldProduce(t(known), t(other))).toBe(false);
  });
});
