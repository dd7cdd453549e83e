import { describe, expect, it } from 'vitest';
import { parseTimestampValueCsv } from '../../src/anomaly/index.ts';
import { parseTimestamp } from '../../src/formats/time.ts';

describe('timestamp,value CSV', () => {
  it('reads NAB rows as UTC and keeps the original text', () => {
    const rows = parseTimestampValueCsv('timestamp,value\n2014-04-01 00:00:00,12.5\n2014-04-01 00:05:00,\n');
    expect(rows).toEqual([
      { t: Date.UTC(2014, 3, 1), v: 12.5, timestampText: '2014-04-01 00:00:00', valueText: '12.5' },
      { t: Date.UTC(2014, 3, 1, 0, 5), v: Number.NaN, timestampText: '2014-04-01 00:05:00', valueText: '' },
    ]);
  });

  it('reads ISO-8601 with a zone, fractional NAB seconds and epoch seconds, through the shared parser', () => {
    expect(parseTimestamp('2014-04-10 07:15:00.250000')).toBe(Date.UTC(2014, 3, 10, 7, 15, 0, 250));
    expect(parseTimestamp('2014-04-10T09:15:00+02:00')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseTimestamp('1396336500')).toBe(1396336500000);
    expect(parseTimestamp('soon')).toBeNaN();
    const rows = parseTimestampValueCsv('timestamp,value\n"2014-04-10 07:15:00.250000",1\n1396336500000,2\n');
    expect(rows.map((r) => r.t)).toEqual([Date.UTC(2014, 3, 10, 7, 15, 0, 250), 1396336500000]);
  });

  it('names the line of a bad timestamp and a missing header', () => {
    expect(() =>
      parseTimestampValueCsv('timestamp,value\n2014-04-01 00:00:00,1\nlater,2\n', 'f.csv'),
    ).toThrow(/f\.csv: line 3: timestamp "later"/);
    expect(() => parseTimestampValueCsv('t,v\n1,2\n', 'f.csv')).toThrow(/line 1 must be the header/);
  });

  it('rejects a value that is not a number, naming the line; reads gaps and infinities', () => {
    for (const bad of ['abc', '0x10', '12ms', '--1']) {
      expect(() =>
        parseTimestampValueCsv(
          `timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,${bad}\n`,
          'f.csv',
        ),
      ).toThrow(
        new RegExp(`f\\.csv: line 3: value "${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is not a number`),
      );
    }
    expect(() =>
      parseTimestampValueCsv('timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,1,5\n', 'f.csv'),
    ).toThrow(/f\.csv: line 3 has 3 fields; expected "timestamp,value" \(quote a field that holds a comma\)/);
    const rows = parseTimestampValueCsv(
      'timestamp,value\n1,NaN\n2, \n3,+Inf\n4,-Infinity\n5,1e308\n6,-.5E-3\n',
    );
    expect(rows.map((r) => r.v)).toEqual([
      Number.NaN,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1e308,
      -0.0005,
    ]);
  });

  it('reads quoted fields and CRLF as every CSV file does, and names lines after a quoted line break', () => {
    const rows = parseTimestampValueCsv('timestamp,value\r\n"2014-04-01 00:00:00","1.5"\r\n\r\n2,3\r\n');
    expect(rows).toEqual([
      { t: Date.UTC(2014, 3, 1), v: 1.5, timestampText: '2014-04-01 00:00:00', valueText: '1.5' },
      { t: 2000, v: 3, timestampText: '2', valueText: '3' },
    ]);
    expect(() => parseTimestampValueCsv('timestamp,value\n1,"2\n3"\n4,x\n', 'f.csv')).toThrow(
      /f\.csv: line 2: value "2\n3" is not a number/,
    );
    expect(() => parseTimestampValueCsv('timestamp,value\n1,"1"\n2,"a\nb"\n5,x\n', 'f.csv')).toThrow(
      /line 3: value/,
    );
    expect(() => parseTimestampValueCsv('timestamp,value\n1,1\n2,"a\nb",\n5,x\n', 'f.csv')).toThrow(
      /line 3 has 3 fields/,
    );
    expect(() => parseTimestampValueCsv('timestamp,value\n1,1\n"2\n",1\n5,x\n', 'f.csv')).toThrow(
      /line 5: value "x"/,
    );
  });
});
