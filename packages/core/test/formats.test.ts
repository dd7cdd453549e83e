import { describe, expect, it } from 'vitest';
import {
  csvLine,
  InputError,
  parseCsv,
  parseNumberText,
  parseTimestamp,
  seriesFromCsv,
} from '../src/index.ts';

describe('CSV', () => {
  it('parses quoted fields with commas, quotes and line breaks', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi"""\r\n"multi\nline",2\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', '2'],
    ]);
    expect(csvLine(['plain', 'with,comma', 'q"uote', 3])).toBe('plain,"with,comma","q""uote",3');
  });
});

describe('timestamps', () => {
  it('reads epoch seconds, epoch ms and ISO without a zone as UTC', () => {
    expect(parseTimestamp('1700000000')).toBe(1_700_000_000_000);
    expect(parseTimestamp('1700000000123')).toBe(1_700_000_000_123);
    expect(parseTimestamp('2014-04-01 00:05:00')).toBe(Date.UTC(2014, 3, 1, 0, 5));
    expect(parseTimestamp('2026-11-20T14:00:00+01:00')).toBe(Date.UTC(2026, 10, 20, 13));
    expect(parseTimestamp('yesterday')).toBeNaN();
  });
});

describe('seriesFromCsv', () => {
  it('groups rows by instance, sorts by time and keeps gaps as NaN', () => {
    const series = seriesFromCsv('timestamp,instance,value\n120,b,2\n60,a,1\n0,a,NaN\n60,b,\n', {
      metric: 'm',
      group: 'canary',
      source: 'c.csv',
    });
    expect(series.map((s) => s.instance)).toEqual(['b', 'a']);
    expect(series[1]!.points).toEqual([
      { t: 0, v: Number.NaN },
      { t: 60_000, v: 1 },
    ]);
    expect(series[0]!.points.map((p) => p.v)).toEqual([Number.NaN, 2]);
  });

  it('names the file and line of bad input', () => {
    const read = (text: string) => () =>
      seriesFromCsv(text, { metric: 'm', group: 'baseline', source: 'b.csv' });
    expect(read('time,value\n1,2\n')).toThrow(InputError);
    expect(read('time,value\n1,2\n')).toThrow('b.csv: the first line must be the header');
    expect(read('timestamp,instance,value\n0,a,1\nsoon,a,2\n')).toThrow('b.csv:3: timestamp "soon"');
    expect(read('timestamp,instance,value\n0,a,fast\n')).toThrow('b.csv:2: value "fast" is not a number');
  });
});

describe('numbers in CSV', () => {
  const values = (text: string) =>
    seriesFromCsv(`timestamp,value\n${text}`, {
      metric: 'm',
      group: 'canary',
      source: 'c.csv',
    })[0]!.points.map((p) => p.v);

  it('reads every spelling of the infinities and NaN as values, case-insensitive', () => {
    expect(
      values('0,+Inf\n60,-Inf\n120,Inf\n180,Infinity\n240,-infinity\n300,+INF\n360,nan\n420,1e3\n480,-.5\n'),
    ).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NaN,
      1000,
      -0.5,
    ]);
  });

  it('rejects hex, binary and underscores with the line number', () => {
    const read = (text: string) => () => values(text);
    expect(read('0,1\n60,0x10\n')).toThrow('c.csv:3: value "0x10" is not a number');
    expect(read('0,0b11\n')).toThrow('c.csv:2: value "0b11" is not a number');
    expect(read('0,1_000\n')).toThrow('c.csv:2: value "1_000" is not a number');
    expect(parseNumberText('0o7')).toBeUndefined();
    expect(parseNumberText(' 12.5 ')).toBe(12.5);
  });
});
