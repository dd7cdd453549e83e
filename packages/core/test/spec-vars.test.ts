/**
 * `${var:NAME}` in a spec: the values a `vigil serve` request fills in. They may set who and what is verified
 * (service, environment, version, strategy), never a query, URL or provider.
 */
import { describe, expect, it } from 'vitest';
import { loadSpec, SpecError, specVariables } from '../src/index.ts';

const spec = (extra = '', query = 'latency_p99{version="{{version}}"}') => `
apiVersion: vigil/v1
service: checkout
version: "\${var:version}"
providers:
  prom: { type: prometheus, url: "http://prom:9090" }
strategy:
  type: canary
  instanceLabel: pod
  canary: { pattern: "checkout-\${var:canaryHash}-.*" }
  baseline: { pattern: "checkout-\${var:stableHash}-.*" }
metrics:
  - name: p99 latency
    query: '${query}'
    kind: latency
${extra}`;

const problems = (text: string, vars?: Record<string, string>) => {
  try {
    loadSpec(text, { source: 'checkout.yaml', ...(vars ? { vars } : {}) });
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).problems;
  }
  throw new Error('expected the spec to be rejected');
};

describe('spec variables', () => {
  it('fills service, version and strategy fields from the given values', () => {
    const s = loadSpec(spec(), {
      vars: { version: '1.4.2', canaryHash: '6d4f8b7c9', stableHash: '5c9a7f2e1' },
    });
    expect(s.version).toBe('1.4.2');
    expect(s.strategy.canary?.pattern).toBe('checkout-6d4f8b7c9-.*');
    expect(s.strategy.baseline?.pattern).toBe('checkout-5c9a7f2e1-.*');
    // The query keeps its escaped placeholder: the version reaches it only through {{version}}.
    expect(s.metrics[0]!.query).toBe('latency_p99{version="{{version}}"}');
  });

  it('lists the variables a spec uses', () => {
    expect(specVariables(spec())).toEqual(['version', 'canaryHash', 'stableHash']);
  });

  it('names each variable without a value', () => {
    expect(problems(spec(), { version: '1' })).toEqual([
      {
        path: 'strategy.canary.pattern',
        message:
          "refers to the variable canaryHash, which has no value (vigil serve fills it from a request's vars)",
      },
      {
        path: 'strategy.baseline.pattern',
        message:
          "refers to the variable stableHash, which has no value (vigil serve fills it from a request's vars)",
      },
    ]);
  });

  it('refuses a variable in a query, a URL or a provider field', () => {
    const vars = { version: '1', canaryHash: 'a', stableHash: 'b', q: 'x' };
    const inQuery = problems(spec('', 'latency_p99{version="${var:q}"}'), vars);
    expect(inQuery).toHaveLength(1);
    expect(inQuery[0]!.path).toBe('metrics[0].query');
    expect(inQuery[0]!.message).toMatch(
      /^\$\{var:q\} is allowed only in service, environment, version, strategy/,
    );
    const inUrl = problems(spec().replace('http://prom:9090', 'http://${var:q}:9090'), vars);
    expect(inUrl[0]).toMatchObject({ path: 'providers.prom.url' });
    expect(inUrl[0]!.message).toMatch(/^\$\{var:q\} is allowed only in/);
  });

  it('never expands a value that looks like an environment reference', () => {
    const s = loadSpec(spec(), {
      env: { SECRET: 's3cr3t' },
      vars: { version: '${env:SECRET}', canaryHash: 'a', stableHash: 'b' },
    });
    expect(s.version).toBe('${env:SECRET}');
  });
});
