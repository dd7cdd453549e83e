import { describe, expect, it } from 'vitest';
import { createMaskedKeyScanner } from '../../src/logs/keyScanner.ts';
import { maskedKey, maskMessage } from '../../src/logs/masking.ts';

const messages = [
  'Invalid user webmaster from 173.234.31.186',
  'Invalid  user webmaster from 10.0.0.1',
  '  leading and   inner   spaces 42 ',
  'tabs\tbetween\t7 tokens',
  'connection at Fri Jun 17 20:55:07 2005',
  'May I help',
  'all plain words here',
  'session opened for user root by LOGIN(uid=0)',
  'Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010',
  'ssh2 on eth0',
  '',
  '   ',
  '12',
];

describe('createMaskedKeyScanner', () => {
  it('yields the tokens of maskMessage', () => {
    const scanner = createMaskedKeyScanner();
    for (const m of messages) {
      scanner.scan(m);
      expect(scanner.tokens()).toEqual(maskMessage(m));
    }
  });

  it('gives equal keys equal hashes and matches exactly the key of the last message', () => {
    const scanner = createMaskedKeyScanner();
    const keys = messages.map(maskedKey);
    for (const m of messages) {
      const h = scanner.scan(m);
      const key = maskedKey(m);
      for (const k of keys) expect(scanner.matches(k)).toBe(k === key);
      // a prefix or an extension of the key is a different key
      expect(scanner.matches(`${key} x`)).toBe(false);
      if (key.length > 0) expect(scanner.matches(key.slice(0, -1))).toBe(false);
      const other = messages.find((x) => x !== m && maskedKey(x) === key);
      if (other) expect(scanner.scan(other)).toBe(h);
      scanner.scan(m);
    }
    // two messages with one template
    expect(scanner.scan(messages[0]!)).toBe(scanner.scan(messages[1]!));
  });
});
