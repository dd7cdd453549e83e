/**
 * The checks `vigil serve` makes before anything runs: its config (every bad field named), each request
 * (hostile values refused naming the field), and how each state reads to Argo Rollouts and Flagger.
 */
import { describe, expect, it } from 'vitest';
import {
  endedState,
  FLAGGER_HOOKS,
  flaggerStatus,
  identityOf,
  parseFlaggerRequest,
  parseServeConfig,
  parseStartRequest,
  RequestError,
  ServeConfigError,
} from '../src/index.ts';

const config = parseServeConfig(
  `apiVersion: vigil/serve-v1
limits: { maxWait: 1m }
specs:
  shop:
    file: shop.yaml
    variables:
      version: { pattern: "[0-9]+(\\\\.[0-9]+)*" }
      env: { pattern: "prod|staging", default: prod }
`,
  'serve.yaml',
);

const refused = (f: () => unknown): RequestError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RequestError);
    return e as RequestError;
  }
  throw new Error('expected the request to be refused');
};

describe('serve config', () => {
  it('applies defaults', () => {
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.auth).toEqual({ tokenEnv: 'VIGIL_SERVE_TOKEN' });
    expect(config.limits).toEqual({
      maxBodyBytes: 16384,
      maxConcurrent: 4,
      timeoutMs: 2 * 3600_000,
      maxWaitMs: 60_000,
      retentionMs: 24 * 3600_000,
      maxKept: 1000,
    });
  });

  it('names every bad field', () => {
    let error: ServeConfigError | undefined;
    try {
      parseServeConfig(
        `apiVersion: vigil/serve-v1
auth: { tokenEnv: T, tokenFile: t }
specs:
  a:
    file: a.yaml
    variables:
      key: {}
      v: { pattern: "(" }
      w: { pattern: "[a-z]+", default: "A1" }
`,
        'serve.yaml',
      );
    } catch (e) {
      error = e as ServeConfigError;
    }
    expect(error).toBeInstanceOf(ServeConfigError);
    expect(error!.problems.map((p) => p.path)).toEqual([
      'auth',
      'specs.a.variables.key',
      'specs.a.variables.v.pattern',
      'specs.a.variables.w.default',
    ]);
    expect(() => parseServeConfig('apiVersion: vigil/serve-v1\nspecs: {}\nqueries: []\n', 's.yaml')).toThrow(
      /specs: name at least one spec\n.*unknown field\(s\) queries/,
    );
  });
});

describe('start requests', () => {
  it('fills defaults and caps the wait', () => {
    expect(parseStartRequest({ spec: 'shop', vars: { version: '1.2' }, wait: 600 }, config)).toEqual({
      spec: 'shop',
      vars: { version: '1.2', env: 'prod' },
      key: '',
      waitMs: 60_000,
    });
  });

  it('refuses hostile or malformed values, naming the field', () => {
    const cases: [unknown, string][] = [
      [{ spec: 'shop', vars: { version: '1' }, query: 'up' }, 'query'],
      [{ spec: 'shop', vars: { version: '1' }, url: 'http://x' }, 'url'],
      [{ spec: 'shop', vars: { version: '1\n2' } }, 'vars.version'],
      [{ spec: 'shop', vars: { version: '1', env: 'prod|staging' } }, 'vars.env'],
      [{ spec: 'shop', vars: { version: 1 } }, 'vars.version'],
      [{ spec: 'shop', vars: { version: '1'.repeat(300) } }, 'vars.version'],
      [{ spec: 'shop', vars: [] }, 'vars'],
      [{ spec: 'shop', vars: { version: '1' }, key: 'a b' }, 'key'],
      [{ spec: 'shop', vars: { version: '1' }, wait: -1 }, 'wait'],
      [{ spec: 'shop', vars: { version: '1' }, start: { $gt: 0 } }, 'start'],
      [{ spec: 'constructor', vars: {} }, 'spec'],
      [{ spec: '__proto__', vars: {} }, 'spec'],
    ];
    for (const [body, field] of cases) {
      const e = refused(() => parseStartRequest(body, config));
      expect(e.status, JSON.stringify(body)).toBe(400);
      expect(e.field, JSON.stringify(body)).toBe(field);
    }
    expect(refused(() => parseStartRequest('spec=shop', config)).status).toBe(400);
  });

  it('gives one identity to the same spec, variables (in any order), key and window', () => {
    const a = parseStartRequest({ spec: 'shop', vars: { version: '1', env: 'staging' }, key: 'k' }, config);
    const b = parseStartRequest({ spec: 'shop', key: 'k', vars: { env: 'staging', version: '1' } }, config);
    const c = parseStartRequest({ spec: 'shop', vars: { version: '1', env: 'staging' }, key: 'k2' }, config);
    expect(identityOf(a)).toBe(identityOf(b));
    expect(identityOf(a)).not.toBe(identityOf(c));
  });
});

describe('Flagger requests', () => {
  const payload = (metadata: Record<string, unknown>) => ({
    name: 'podinfo',
    namespace: 'test',
    phase: 'Progressing',
    checksum: 'abc',
    metadata,
  });

  it('reads spec, token and variables from the metadata, keyed by the canary revision', () => {
    expect(parseFlaggerRequest(payload({ spec: 'shop', token: 't', version: '3' }), config)).toEqual({
      token: 't',
      request: { spec: 'shop', vars: { version: '3', env: 'prod' }, key: 'test/podinfo/abc', waitMs: 0 },
    });
  });

  it('refuses an undeclared metadata key, naming it', () => {
    const e = refused(() =>
      parseFlaggerRequest(payload({ spec: 'shop', version: '3', cmd: 'rm -rf /' }), config),
    );
    expect(e.field).toBe('metadata.cmd');
  });
});

describe('what each state reads as', () => {
  const ended = (outcome: string, status = 'completed') =>
    endedState({ report: { status, outcome: outcome as 'passed', verdict: 'pass' } });

  it('only passed is a pass, whatever the verdict says', () => {
    expect(ended('passed')).toMatchObject({ passed: true, failed: false, inconclusive: false });
    expect(ended('failed')).toMatchObject({ passed: false, failed: true, inconclusive: false });
    for (const o of ['inconclusive', 'could-not-verify']) {
      expect(ended(o)).toMatchObject({
        phase: 'completed',
        passed: false,
        failed: false,
        inconclusive: true,
      });
    }
    expect(ended('cancelled', 'cancelled')).toMatchObject({
      phase: 'cancelled',
      passed: false,
      inconclusive: true,
    });
    expect(endedState({ error: 'provider down' })).toMatchObject({
      phase: 'error',
      outcome: 'could-not-verify',
      passed: false,
      inconclusive: true,
    });
  });

  it('Flagger gets 200-202 only where a pass (or, for rollback, a roll-back) is meant', () => {
    const table = Object.fromEntries(
      FLAGGER_HOOKS.map((h) => [
        h,
        [
          flaggerStatus(h, { done: false, passed: false }),
          flaggerStatus(h, { done: true, passed: true }),
          flaggerStatus(h, { done: true, passed: false }),
        ],
      ]),
    );
    expect(table).toEqual({
      'pre-rollout': [200, 200, 412],
      rollout: [200, 200, 412],
      'confirm-promotion': [409, 200, 412],
      rollback: [409, 409, 200],
    });
  });
});
