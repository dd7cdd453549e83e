import { describe, expect, it } from 'vitest';
import { matchFeedback, parseFeedback } from '../../src/logs/index.ts';

describe('parseFeedback', () => {
  it('reads rules with their source', () => {
    const rules = parseFeedback(
      `rules:
  - cluster: L0001
    action: not-a-risk-ignore-frequency
    reason: health checks
  - template: "Timeout talking to *"
    action: high
    reason: database down
`,
      'fb.yaml',
    );
    expect(rules).toEqual([
      {
        cluster: 'L0001',
        action: 'not-a-risk-ignore-frequency',
        reason: 'health checks',
        source: 'fb.yaml#rules[0]',
      },
      {
        template: 'Timeout talking to *',
        action: 'high',
        reason: 'database down',
        source: 'fb.yaml#rules[1]',
      },
    ]);
  });

  it('names the bad field path', () => {
    expect(() =>
      parseFeedback('rules:\n  - cluster: L1\n    action: ignore\n    reason: x\n', 'fb.yaml'),
    ).toThrow(/fb\.yaml: rules\[0\]\.action is "ignore": use one of/);
    expect(() => parseFeedback('rules:\n  - cluster: L1\n    action: high\n', 'fb.yaml')).toThrow(
      /rules\[0\]\.reason is missing/,
    );
    expect(() => parseFeedback('rules:\n  - action: high\n    reason: r\n', 'fb.yaml')).toThrow(
      /rules\[0\] needs cluster/,
    );
    expect(() =>
      parseFeedback('rules:\n  - cluster: L1\n    action: high\n    reason: r\n    why: x\n', 'f'),
    ).toThrow(/rules\[0\]\.why is not a known field/);
    expect(() => parseFeedback('rules: [', 'f')).toThrow(/f: not valid YAML/);
  });

  it('accepts an empty file', () => {
    expect(parseFeedback('', 'f')).toEqual([]);
  });
});

describe('matchFeedback', () => {
  const rules = parseFeedback(
    `- template: "Timeout talking to <*> after * ms"
  action: medium
  reason: r1
- cluster: L42
  action: high
  reason: r2
`,
    'f',
  );
  it('matches by template pattern, with <*> literal and * as any text', () => {
    expect(matchFeedback(rules, 'Lx', 'Timeout talking to <*> after <*> ms')?.reason).toBe('r1');
    expect(matchFeedback(rules, 'Lx', 'Timeout talking to db after <*> ms')).toBeUndefined();
  });
  it('matches by cluster id', () => {
    expect(matchFeedback(rules, 'L42', 'anything')?.reason).toBe('r2');
  });
});
