/**
 * The examples docs/serve.md points at stay true: the serve config parses, each of its specs loads with its
 * variables, and the requests the Argo Rollouts AnalysisTemplate and the Flagger Canary send are accepted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  flaggerStatus,
  loadSpec,
  parseFlaggerRequest,
  parseServeConfig,
  parseStartRequest,
  parseYamlLimited,
  specVariableProblems,
} from '@vigil/core';
import { root } from './support/vigil.ts';

const read = (path: string) => readFileSync(join(root, path), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: reading known example files field by field
type Doc = Record<string, any>;
const yaml = (path: string): Doc => {
  const parsed = parseYamlLimited(read(path));
  if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value as Doc;
};
const config = parseServeConfig(read('examples/serve/vigil-serve.yaml'), 'vigil-serve.yaml');

describe('vigil serve examples', () => {
  it('the config names specs that load with the variables it declares', () => {
    expect([...config.specs.keys()]).toEqual(['checkout', 'podinfo']);
    for (const spec of config.specs.values()) {
      const text = read(join('examples/serve', spec.file));
      expect(specVariableProblems(spec, text)).toEqual([]);
    }
  });

  it("accepts the Argo Rollouts AnalysisTemplate's request, its args filled as Argo fills them", () => {
    const template = yaml('examples/argo-rollouts/analysis-template.yaml');
    const metric = template.spec.metrics[0];
    expect(metric.successCondition).toBe('result.passed == true');
    const body = JSON.parse(
      JSON.stringify(metric.provider.web.jsonBody)
        .replaceAll('{{ args.canary-hash }}', '6d4f8b7c9')
        .replaceAll('{{ args.stable-hash }}', '5c9a7f2e1'),
    );
    const request = parseStartRequest(body, config);
    expect(request).toMatchObject({
      spec: 'checkout',
      key: 'checkout-6d4f8b7c9',
      vars: { canaryHash: '6d4f8b7c9', stableHash: '5c9a7f2e1', version: 'unknown' },
    });
    const spec = loadSpec(read('examples/serve/checkout.yaml'), { vars: request.vars });
    expect(spec.strategy.canary?.pattern).toBe('checkout-6d4f8b7c9-[a-z0-9]{5}');
  });

  it("accepts each Flagger webhook's payload, keyed by the canary revision", () => {
    const canary = yaml('examples/flagger/canary.yaml');
    const hooks = canary.spec.analysis.webhooks as {
      type: string;
      url: string;
      metadata: Record<string, string>;
    }[];
    expect(hooks.map((h) => h.type)).toEqual(['rollout', 'confirm-promotion', 'rollback']);
    for (const hook of hooks) {
      expect(hook.url.endsWith(`/v1/flagger/${hook.type}`)).toBe(true);
      const { request, token } = parseFlaggerRequest(
        {
          name: 'podinfo',
          namespace: 'test',
          phase: 'Progressing',
          checksum: '7b9c',
          metadata: hook.metadata,
        },
        config,
      );
      expect(token).toBe('${VIGIL_SERVE_TOKEN}');
      expect(request).toMatchObject({
        spec: 'podinfo',
        key: 'test/podinfo/7b9c',
        vars: { service: 'podinfo' },
      });
      // While running, only the rollout hook says yes; the gate waits, no rollback.
      expect(flaggerStatus(hook.type as 'rollout', { done: false, passed: false })).toBe(
        hook.type === 'rollout' ? 200 : 409,
      );
    }
    const spec = loadSpec(read('examples/serve/podinfo.yaml'), { vars: { service: 'podinfo' } });
    expect(spec.strategy.baseline?.pattern).toBe('podinfo-primary-[a-z0-9]{6,10}-[a-z0-9]{5}');
  });
});
