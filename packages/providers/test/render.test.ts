import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../src/render.ts';
import { alignWindow, splitAligned } from '../src/window.ts';
import { pickJsonPath, queryJsonPath } from '../src/jsonpath.ts';
import { redact, redactConfig, secretsOf } from '../src/redact.ts';

describe('template rendering', () => {
  it('escapes PromQL strings and refuses unquoted placeholders', () => {
    expect(renderTemplate('up{pod="{{p}}"}', { p: 'a"b\\c\nd' }, 'promql')).toBe('up{pod="a\\"b\\\\c\\nd"}');
    expect(() => renderTemplate('up{pod={{p}}}', { p: 'x' }, 'promql')).toThrow(/inside double quotes/);
    expect(renderTemplate('up{pod=~"{{p}}"}', { p: ['a.b', 'c+'] }, 'promql')).toBe(
      'up{pod=~"a\\\\.b|c\\\\+"}',
    );
    expect(renderTemplate('up{pod=~"{{p}}"}', { p: 'web-.*' }, 'promql')).toBe('up{pod=~"web-.*"}');
    expect(() => renderTemplate('up{pod="{{p}}"}', { p: ['a', 'b'] }, 'promql')).toThrow(/=~/);
    expect(() => renderTemplate('up{pod="{{q}}"}', { p: 'x' }, 'promql')).toThrow(/no value/);
  });

  it('normalises Datadog tag values and escapes quoted log terms', () => {
    expect(renderTemplate('avg:m{version:{{v}}}', { v: 'v1} by {x' }, 'datadog')).toBe(
      'avg:m{version:v1__by__x}',
    );
    expect(renderTemplate('@msg:"{{v}}"', { v: 'say "hi"' }, 'datadog')).toBe('@msg:"say \\"hi\\""');
  });

  it('escapes Dynatrace selector strings with ~', () => {
    expect(renderTemplate('entityName.equals("{{n}}")', { n: 'a"b~c' }, 'dynatrace')).toBe(
      'entityName.equals("a~"b~~c")',
    );
    expect(() => renderTemplate('entityName.equals({{n}})', { n: 'x' }, 'dynatrace')).toThrow(
      /inside double quotes/,
    );
  });

  it('encodes URL values, JSON-escapes body values, and refuses header line breaks', () => {
    expect(renderTemplate('/q?x={{v}}', { v: 'a&b=c d' }, 'url')).toBe('/q?x=a%26b%3Dc%20d');
    expect(renderTemplate('{"q":"{{v}}"}', { v: 'a"}\n' }, 'json')).toBe('{"q":"a\\"}\\n"}');
    expect(() => renderTemplate('{{v}}', { v: 'a\r\nX-Evil: 1' }, 'header')).toThrow(/line break/);
  });
});

describe('step alignment', () => {
  it('puts points on the epoch grid, half-open', () => {
    expect(alignWindow({ start: 61_000, end: 240_000, step: 60_000 })).toEqual({
      first: 120_000,
      last: 180_000,
      step: 60_000,
      count: 2,
    });
    expect(alignWindow({ start: 60_000, end: 60_001, step: 60_000 })).toEqual({
      first: 60_000,
      last: 60_000,
      step: 60_000,
      count: 1,
    });
    expect(alignWindow({ start: 60_001, end: 119_999, step: 60_000 })).toBeUndefined();
    expect(() => alignWindow({ start: 0, end: 1, step: 0 })).toThrow(/window.step/);
    expect(() => alignWindow({ start: 10, end: 1, step: 1 })).toThrow(/window.end/);
  });

  it('splits into chunks that cover every point once', () => {
    const r = alignWindow({ start: 0, end: 25_000, step: 1000 })!;
    const chunks = splitAligned(r, 10);
    expect(chunks.map((c) => [c.first, c.last, c.count])).toEqual([
      [0, 9000, 10],
      [10_000, 19_000, 10],
      [20_000, 24_000, 5],
    ]);
  });
});

describe('JSONPath subset', () => {
  const doc = {
    data: {
      'odd key': [
        { t: 1, v: [5, 6] },
        { t: 2, v: [7, 8] },
      ],
    },
    list: [[1, 'a']],
  };
  it('walks names, quoted names, indexes and wildcards', () => {
    expect(queryJsonPath(doc, "$.data['odd key'][*].t")).toEqual([1, 2]);
    expect(queryJsonPath(doc, '$.data["odd key"][1].v[-1]')).toEqual([8]);
    expect(queryJsonPath(doc, '$.data.*[0].t')).toEqual([1]);
    expect(pickJsonPath(doc.list[0], '$[1]')).toBe('a');
    expect(pickJsonPath(doc, '$.missing.x')).toBeUndefined();
  });
  it('rejects what it does not support', () => {
    expect(() => queryJsonPath(doc, '$..t')).toThrow(/recursive descent/);
    expect(() => queryJsonPath(doc, '$.data[?(@.t>1)]')).toThrow(/supported/);
    expect(() => queryJsonPath(doc, 'data.t')).toThrow(/start with \$/);
  });
});

describe('secrets', () => {
  it('lists and masks the secrets of every config type', () => {
    const prom = {
      type: 'prometheus' as const,
      url: 'http://p',
      auth: { type: 'basic' as const, username: 'u', password: 'pw-123456' },
      secretHeaders: { 'X-Key': 'hdr-secret-1' },
    };
    expect(secretsOf(prom)).toEqual(['pw-123456', 'u:pw-123456', 'hdr-secret-1']);
    expect(JSON.stringify(redactConfig(prom))).not.toMatch(/pw-123456|hdr-secret-1/);
    const dd = { type: 'datadog' as const, apiKey: 'api-abcdef', appKey: 'app-abcdef' };
    expect(redact('keys api-abcdef and app-abcdef', secretsOf(dd))).toBe('keys *** and ***');
    expect(redactConfig({ type: 'dynatrace', url: 'https://x', token: 'dt0c01.abc' })).toMatchObject({
      token: '***',
    });
  });
});
