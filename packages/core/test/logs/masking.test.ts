import { describe, expect, it } from 'vitest';
import { maskMessage, maskToken, tokenize } from '../../src/logs/index.ts';

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
    ['node-246', 'node-<*>'],
    ['12:34:56', '<*>'],
    ['-27', '<*>'],
    ['host42.example.com', '<*>'],
    ['00:1A:2B:3C:4D:5E', '<*>'],
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
  it('masks day and month names next to masked numbers, but not words elsewhere', () => {
    expect(maskMessage('connection at Fri Jun 17 20:55:07 2005').join(' ')).toBe(
      'connection at <*> <*> <*> <*> <*>',
    );
    expect(maskMessage('May I help').join(' ')).toBe('May I help');
  });

  it('splits on any run of whitespace', () => {
    expect(tokenize('  a\tb  c ')).toEqual(['a', 'b', 'c']);
  });
});
