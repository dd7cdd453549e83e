import { describe, expect, it } from 'vitest';
import { maskedKey, maskMessage, maskToken, tokenize } from '../../src/logs/index.ts';

describe('maskToken', () => {
  it.each([
    ['10.251.71.16:50010', '<*>'],
    ['/10.251.71.16:50010', '<*>'],
    ['blk_-6952295868487656571', '<*>'],
    ['appattempt_1445144423722_0020_000001', '<*>'],
    ['uid=0', 'uid=<*>'],
    ['(HWID=1973)', '(HWID=<*>)'],
    ['/etc/httpd/conf/workers2.properties', '<*>'],
    ['https://example.com/a/1', '<*>'],
    ['0x1f3a', '<*>'],
    ['550e8400-e29b-41d4-a716-446655440000', '<*>'],
    // UUIDs whose groups hold no digit are still one value, in either case and inside a token.
    ['3edec1e4-bdcc-409b-b8cc-1e88b294cd1d', '<*>'],
    ['[3edec1e4-bdcc-409b-b8cc-1e88b294cd1d]', '[<*>]'],
    ['id=3EDEC1E4-BDCC-409B-B8CC-1E88B294CD1D', 'id=<*>'],
    ['(3edec1e4-bdcc-409b-b8cc-1e88b294cd1d)', '(<*>)'],
    // A path with a query string is one value.
    ['/login?id=42', '<*>'],
    ['/api/v1/items?user=abc&page=2', '<*>'],
    // A dotted version number glued to a word varies as a whole, first digits included.
    ['v4.72', 'v<*>'],
    ['Python3.11.2', 'Python<*>'],
    ['mapreduce.v2.app', 'mapreduce.v2.app'],
    // Sizes glued to their unit.
    ['512KB', '<*>'],
    ['1.5MB', '<*>'],
    ['node-246', 'node-<*>'],
    ['12:34:56', '<*>'],
    ['-27', '<*>'],
    ['host42.example.com', '<*>'],
    ['00:1A:2B:3C:4D:5E', '<*>'],
    ['2607:f140:6000:8:c6b3:1ff:fecd:467f', '<*>'],
    ['fe80::1', '<*>'],
    ['v6(en0:fe80:0:0:0:c6b3:1ff:fecd:467f)', 'v6(en0:<*>)'],
    ['[MININT-FNANLI5.fareast.corp.microsoft.com:51017]', '[<*>]'],
    ['ab-cd-ef-01-23-45', '<*>'],
    ['0xdeadbeef', '<*>'],
    ['deadbeef1', '<*>'],
    ['a3f', 'a3f'],
    ['x=-5,y=ssh2', 'x=<*>,y=ssh2'],
    ['3,-27', '<*>'],
    ['chdir(/p/gb1/run)', 'chdir(<*>)'],
    ['path:/var/log/x', 'path:<*>'],
    ['and/or', 'and/or'],
    ['msra-sa-41/10.190.173.170:9000', '<*>'],
    ['msra-sa-41:9000', '<*>'],
    ['en0:3', 'en0:<*>'],
    ['to', 'to'],
    ['ssh2', 'ssh2'],
    ['jk2_init()', 'jk2_init()'],
    ['[preauth]', '[preauth]'],
  ])('%s -> %s', (token, masked) => {
    expect(maskToken(token)).toBe(masked);
  });

  it('keeps punctuation around a masked value', () => {
    expect(maskToken('[10.0.0.1]')).toBe('[<*>]');
    expect(maskToken('42,')).toBe('<*>,');
  });
});

describe('maskMessage', () => {
  it('masks day and month names next to masked numbers as one timestamp, but not words elsewhere', () => {
    expect(maskMessage('connection at Fri Jun 17 20:55:07 2005').join(' ')).toBe('connection at <*>');
    expect(maskMessage('took 12 34 ms on Jun 17').join(' ')).toBe('took <*> <*> ms on <*>');
    expect(maskMessage('May I help').join(' ')).toBe('May I help');
  });

  it('splits on any run of whitespace', () => {
    expect(tokenize('  a\tb  c ')).toEqual(['a', 'b', 'c']);
  });
});

describe('maskedKey', () => {
  it('is the masked tokens joined by single spaces', () => {
    const messages = [
      'Invalid user webmaster from 173.234.31.186',
      '  leading and   inner   spaces 42 ',
      'tabs\tbetween\t7 tokens',
      'connection at Fri Jun 17 20:55:07 2005',
      'May I help',
      'all plain words here',
      'session opened for user root by LOGIN(uid=0)',
      '',
      '   ',
      '12',
    ];
    for (const m of messages) expect(maskedKey(m)).toBe(maskMessage(m).join(' '));
  });

  it('returns a message without variables and single-spaced as it is', () => {
    const m = 'all plain words here';
    expect(maskedKey(m)).toBe(m);
  });
});
