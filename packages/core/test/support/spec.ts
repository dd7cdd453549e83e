import { expect } from 'vitest';
import { loadSpec, SpecError } from '../../src/index.ts';

/** The smallest valid spec: one latency metric read from a replay file. Append lines to extend its metric. */
export const minimalSpec = `
apiVersion: vigil/v1
service: checkout
providers:
  recorded: { type: replay, file: data.json }
metrics:
  - name: p99 latency
    query: latency_p99
    kind: latency
`;

/** The problems `loadSpec` reports for `text` (as `vigil.yaml`); fails the test if the spec is accepted. */
export function problemsOf(text: string, env?: Record<string, string>) {
  try {
    loadSpec(text, env === undefined ? { source: 'vigil.yaml' } : { env, source: 'vigil.yaml' });
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).problems;
  }
  throw new Error('expected the spec to be rejected');
}
