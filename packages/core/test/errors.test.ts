import { describe, expect, it } from 'vitest';
import {
  InputError,
  isUserError,
  loadSpec,
  parseFeedback,
  parseLogText,
  seriesFromCsv,
  UserError,
} from '../src/index.ts';

/** The error `f` throws (the test fails when it throws none). */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('user errors', () => {
  it('every mistake in what a person gave is one UserError, whatever the reader', () => {
    const errors = [
      thrown(() => loadSpec('apiVersion: vigil/v1\nservice: 3\n', { source: 'v.yaml', env: {} })),
      thrown(() => parseFeedback('rules:\n  - cluster: L1\n    action: nope\n    reason: r\n', 'fb.yaml')),
      thrown(() => parseLogText('{"message": 3}\n', 'c.jsonl')),
      thrown(() => seriesFromCsv('time,value\n1,2\n', { metric: 'm', group: 'baseline', source: 'b.csv' })),
    ];
    expect(errors.map((e) => (e as Error).name)).toEqual([
      'SpecError',
      'FeedbackError',
      'LogInputError',
      'InputError',
    ]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(UserError);
      expect(isUserError(e)).toBe(true);
    }
    expect(errors.slice(1).every((e) => e instanceof InputError)).toBe(true);
    expect((errors[0] as Error).message).toMatch(/^v\.yaml is not a valid Vigil spec/);
  });

  it('is told from other errors by its brand, not by a name anyone could reuse', () => {
    const named = new Error('bad');
    named.name = 'InputError';
    expect(isUserError(named)).toBe(false);
    expect(isUserError(new TypeError('x is undefined'))).toBe(false);
    expect(isUserError({ name: 'UserError', message: 'not even an Error' })).toBe(false);
    expect(isUserError(undefined)).toBe(false);
    // One made by another copy of the core (two versions in one install, or a bundle beside a package).
    const fromOtherCopy = Object.defineProperty(
      new Error('--window: end before start'),
      Symbol.for('vigil.userError'),
      {
        value: true,
      },
    );
    expect(isUserError(fromOtherCopy)).toBe(true);
  });

  it('keeps the cause it was given', () => {
    const cause = new Error('ENOENT');
    expect(new InputError('spec x.yaml: no such file', { cause }).cause).toBe(cause);
  });
});
