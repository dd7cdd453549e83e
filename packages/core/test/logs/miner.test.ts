import { describe, expect, it } from 'vitest';
import { createTemplateMiner, parseMessages, templateId } from '../../src/logs/index.ts';

describe('parseMessages', () => {
  it('groups messages of one event and masks what varies', () => {
    const parsed = parseMessages([
      'Invalid user webmaster from 173.234.31.186',
      'Invalid user test from 52.80.34.196',
      'Failed password for root from 5.36.59.76 port 42393 ssh2',
      'Invalid user admin from 103.99.0.122',
      'Failed password for root from 112.95.230.3 port 3356 ssh2',
    ]);
    expect(parsed.map((p) => p.template)).toEqual([
      'Invalid user <*> from <*>',
      'Invalid user <*> from <*>',
      'Failed password for root from <*> port <*> ssh2',
      'Invalid user <*> from <*>',
      'Failed password for root from <*> port <*> ssh2',
    ]);
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(2);
  });

  it('gives earlier messages the template as it stands after the whole input', () => {
    const parsed = parseMessages(['user alice logged in', 'user bob logged in', 'user carol logged in']);
    expect(parsed[0]).toEqual(parsed[2]);
    expect(parsed[0]!.template).toBe('user <*> logged in');
  });

  it('derives ids from the template text, the same in every run', () => {
    const a = parseMessages(['disk sda1 full', 'service started in 12 ms']);
    const b = parseMessages(['service started in 99 ms', 'disk sda1 full']);
    expect(a[1]!.clusterId).toBe(b[0]!.clusterId);
    expect(a[1]!.clusterId).toBe(templateId('service started in <*> ms'));
  });

  it('keeps recurring states apart instead of turning them into variables', () => {
    const messages: string[] = [];
    for (let i = 0; i < 5; i++) {
      messages.push(`attempt_${i}_m_0 TaskAttempt Transitioned from NEW to UNASSIGNED`);
      messages.push(`attempt_${i}_m_0 TaskAttempt Transitioned from UNASSIGNED to ASSIGNED`);
    }
    const templates = new Set(parseMessages(messages).map((p) => p.template));
    expect(templates).toEqual(
      new Set([
        '<*> TaskAttempt Transitioned from NEW to UNASSIGNED',
        '<*> TaskAttempt Transitioned from UNASSIGNED to ASSIGNED',
      ]),
    );
  });

  it('does not merge messages that share only masked values', () => {
    const parsed = parseMessages(['lr:00000001 cr:42 xer:2 ctr:7', '12 double-hummer alignment exceptions']);
    expect(parsed[0]!.clusterId).not.toBe(parsed[1]!.clusterId);
  });
});

describe('createTemplateMiner', () => {
  it('counts messages per cluster', () => {
    const miner = createTemplateMiner();
    for (let i = 0; i < 10; i++) miner.add(`request ${i} served in ${i * 3} ms`);
    miner.add('cache cleared');
    const clusters = miner.clusters();
    expect(clusters).toEqual([
      {
        clusterId: templateId('request <*> served in <*> ms'),
        template: 'request <*> served in <*> ms',
        count: 10,
      },
      { clusterId: templateId('cache cleared'), template: 'cache cleared', count: 1 },
    ]);
  });

  it('stays within its cluster cap on an endless stream of distinct events', () => {
    const miner = createTemplateMiner({ maxClusters: 50 });
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'fox', 'golf', 'hotel'];
    for (let i = 0; i < 5000; i++) {
      // Letters only, so nothing is masked: every message is a new event.
      const w = i
        .toString(8)
        .split('')
        .map((d) => words[Number(d)]);
      miner.add(`${w.join('')} ${w.reverse().join('')}`);
      expect(miner.size().clusters).toBeLessThanOrEqual(50);
    }
    // The recent ones are kept.
    expect(miner.clusters().length).toBeGreaterThan(40);
  });
});
