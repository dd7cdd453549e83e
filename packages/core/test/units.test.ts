import { describe, expect, it } from 'vitest';
import { absoluteFloor, sensitivitySettings } from '../src/judges/sensitivity.ts';
import { judgeVerification } from '../src/judgment/index.ts';
import type { MetricData } from '../src/model/metric.ts';
import {
  convert,
  formatQuantity,
  KNOWN_UNITS,
  parseQuantity,
  parseUnit,
  unknownUnitMessage,
} from '../src/units/index.ts';
import { synthetic } from './judges/fixtures.ts';

describe('units', () => {
  it('reads the spellings of Prometheus, Datadog and Dynatrace', () => {
    const cases: [string, string][] = [
      ['seconds', 's'],
      ['second', 's'],
      ['MilliSecond', 'ms'],
      ['millisecond', 'ms'],
      ['MicroSecond', 'us'],
      ['µs', 'us'],
      ['NanoSecond', 'ns'],
      ['Byte', 'B'],
      ['bytes', 'B'],
      ['KibiByte', 'KiB'],
      ['mebibyte', 'MiB'],
      ['KiloByte', 'KB'],
      ['Percent', '%'],
      ['percent', '%'],
      ['ratio', 'ratio'],
      ['fraction', 'ratio'],
      ['Count', 'count'],
      ['total', 'count'],
      ['PerSecond', '1/s'],
      ['PerMinute', '1/min'],
      ['BytePerSecond', 'B/s'],
      ['KiloBytePerMinute', 'KB/min'],
      ['byte/second', 'B/s'],
      ['requests per second', 'req/s'],
      ['req/s', 'req/s'],
      ['errors/min', 'errors/min'],
      ['bit/s', 'bit/s'],
    ];
    for (const [text, symbol] of cases) expect(parseUnit(text)?.symbol, text).toBe(symbol);
    for (const text of ['furlongs', 'Unspecified', '', 'MilliSecondPerMinute', 's/B']) {
      expect(parseUnit(text), text).toBeUndefined();
    }
  });

  it('converts within a dimension and refuses across dimensions', () => {
    expect(convert(2, 'ms', 's')).toBeCloseTo(0.002, 15);
    expect(convert(1.5, 'min', 's')).toBe(90);
    expect(convert(1, 'GiB', 'MiB')).toBe(1024);
    expect(convert(1, 'GB', 'MB')).toBe(1000);
    expect(convert(8, 'bit', 'B')).toBe(1);
    expect(convert(5, '%', 'ratio')).toBeCloseTo(0.05, 15);
    expect(convert(0.05, '%', 'ratio')).toBeCloseTo(0.0005, 15);
    expect(convert(120, '1/min', '1/s')).toBeCloseTo(2, 12);
    expect(convert(1, 'MiB/s', 'KiB/s')).toBe(1024);
    expect(convert(1, 's', 'B')).toBeUndefined();
    expect(convert(1, '%', 'count')).toBeUndefined();
    expect(convert(1, 'ms', 'furlongs')).toBeUndefined();
  });

  it('formats a value at a readable scale with its unit', () => {
    expect(formatQuantity(0.0021, 's')).toBe('2.1 ms');
    expect(formatQuantity(0.62, 's')).toBe('620 ms');
    expect(formatQuantity(2500, 'ms')).toBe('2.5 s');
    expect(formatQuantity(90, 's')).toBe('1.5 min');
    expect(formatQuantity(1536, 'KiB')).toBe('1.5 MiB');
    expect(formatQuantity(2_000_000, 'B')).toBe('2 MB');
    expect(formatQuantity(0.0005, 'ratio')).toBe('0.05%');
    expect(formatQuantity(12.5, '%')).toBe('12.5%');
    expect(formatQuantity(3, 'req/s')).toBe('3 req/s');
    expect(formatQuantity(3, undefined)).toBe('3');
    expect(formatQuantity(0, 'ms')).toBe('0 ms');
  });

  it('parses quantities written with a unit', () => {
    expect(parseQuantity('500ms')).toMatchObject({ value: 500, unit: { symbol: 'ms' } });
    expect(parseQuantity('0.5 s')).toMatchObject({ value: 0.5, unit: { symbol: 's' } });
    expect(parseQuantity('2 GiB')).toMatchObject({ value: 2, unit: { symbol: 'GiB' } });
    expect(parseQuantity('95%')).toMatchObject({ value: 95, unit: { symbol: '%' } });
    expect(parseQuantity('1e3 req/s')).toMatchObject({ value: 1000, unit: { symbol: 'req/s' } });
    expect(parseQuantity('ms')).toBeUndefined();
    expect(parseQuantity('5 furlongs')).toBeUndefined();
  });

  it('names the known units when one is unknown', () => {
    const m = unknownUnitMessage('furlongs');
    expect(m).toContain('"furlongs"');
    for (const u of [
      'ns',
      'us',
      'ms',
      's',
      'min',
      'h',
      'B',
      'KB',
      'KiB',
      'GiB',
      '%',
      'ratio',
      'count',
      'req/s',
    ])
      expect(KNOWN_UNITS).toContain(u);
  });
});

describe('absolute floors carry their unit', () => {
  const medium = sensitivitySettings('medium');
  it('converts the latency floor into the metric unit and assumes none when the unit is unknown', () => {
    expect(absoluteFloor(medium, { kind: 'latency', unit: 'ms' }).value).toBe(2);
    expect(absoluteFloor(medium, { kind: 'latency', unit: 's' }).value).toBeCloseTo(0.002, 15);
    expect(absoluteFloor(medium, { kind: 'latency', unit: 'us' }).value).toBeCloseTo(2000, 9);
    expect(absoluteFloor(medium, { kind: 'latency' }).value).toBe(0);
    expect(absoluteFloor(medium, { kind: 'latency', unit: 'furlongs' }).value).toBe(0);
    // A latency metric in bytes makes no sense to the floor: none rather than a wrong one.
    expect(absoluteFloor(medium, { kind: 'latency', unit: 'B' }).value).toBe(0);
  });

  it('puts the error floor in the dimension of the error metric: counts, rates, percentage points', () => {
    expect(absoluteFloor(medium, { kind: 'error', unit: 'count' }).value).toBe(0.05);
    expect(absoluteFloor(medium, { kind: 'error', unit: '%' }).value).toBe(0.05);
    expect(absoluteFloor(medium, { kind: 'error', unit: 'ratio' }).value).toBeCloseTo(0.0005, 15);
    expect(absoluteFloor(medium, { kind: 'error', unit: '1/s' }).value).toBeCloseTo(0.05 / 60, 15);
    expect(absoluteFloor(medium, { kind: 'error' }).value).toBe(0);
  });

  it('finds a +20% latency shift at level 0.5 when the unit is unknown (no floor in any unit)', () => {
    let failed = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const data: MetricData = synthetic({ seed, level: 0.5, shift: 0.2, def: { kind: 'latency' } });
      if (judgeVerification([data]).verdict === 'fail') failed++;
    }
    expect(failed).toBe(10);
  });

  it('judges the same latency alike in s, ms and us, and with no unit at any scale', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const inMs = synthetic({ seed, level: 300, shift: 0.2, def: { kind: 'latency', unit: 'ms' } });
      const scaled = (k: number, unit?: string): MetricData => ({
        ...inMs,
        definition: { ...inMs.definition, ...(unit ? { unit } : { unit: undefined }) },
        baseline: inMs.baseline.map((s) => ({ ...s, points: s.points.map((p) => ({ t: p.t, v: p.v * k })) })),
        canary: inMs.canary.map((s) => ({ ...s, points: s.points.map((p) => ({ t: p.t, v: p.v * k })) })),
      });
      const verdict = judgeVerification([inMs]).verdict;
      expect(verdict).toBe('fail');
      expect(judgeVerification([scaled(0.001, 's')]).verdict).toBe(verdict);
      expect(judgeVerification([scaled(1000, 'us')]).verdict).toBe(verdict);
      for (const k of [1e-3, 1, 1e6]) expect(judgeVerification([scaled(k)]).verdict).toBe(verdict);
    }
  });
});
