import { describe, expect, it } from 'vitest';
import { createMaskedKeyScanner } from '../../src/logs/keyScanner.ts';
import { maskedKey, maskMessage } from '../../src/logs/masking.ts';
import { seededRandom } from '../../src/random.ts';

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

describe('createMaskedKeyScanner on generated messages', () => {
  // Tokens drawn from pieces that exercise every masking rule: numbers, addresses, paths, key=value, hex,
  // names with digits, punctuation around values, day and month names, and whitespace of every kind.
  const pieces = [
    '12',
    '-7',
    '0x1f',
    'deadbeef01',
    '10.0.0.1',
    ':8080',
    '/var/log',
    'a/b',
    '=',
    'k=v',
    'x=1,y=2',
    'ssh2',
    'eth0',
    'blk_',
    '_3',
    '(',
    ')',
    '[',
    ']',
    ',',
    '.',
    ':',
    '::',
    'fe80',
    'Jun',
    'Mon',
    'word',
    'ABC',
    '"',
    "'",
    'é',
    '<*>',
    '://',
    'host.example.com',
  ];
  const spaces = [' ', ' ', ' ', '  ', '\t', ' \r\n '];

  it('yields maskMessage tokens, and one hash per key, for 3,000 messages', () => {
    const random = seededRandom(20261122);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const scanner = createMaskedKeyScanner();
    const hashes = new Map<string, number>();
    for (let n = 0; n < 3000; n++) {
      let m = random() < 0.2 ? pick(spaces) : '';
      const tokens = 1 + Math.floor(random() * 8);
      for (let t = 0; t < tokens; t++) {
        const parts = 1 + Math.floor(random() * 3);
        for (let p = 0; p < parts; p++) m += pick(pieces);
        if (t < tokens - 1 || random() < 0.2) m += pick(spaces);
      }
      const h = scanner.scan(m);
      const expected = maskMessage(m);
      expect(scanner.tokens()).toEqual(expected);
      const key = expected.join(' ');
      expect(scanner.matches(key)).toBe(true);
      const seen = hashes.get(key);
      if (seen === undefined) hashes.set(key, h);
      else expect(h).toBe(seen);
    }
    // The generator repeats keys, so the hash check above is exercised.
    expect(hashes.size).toBeLessThan(3000);
  });
});
