import { describe, expect, it } from 'vitest';
import { isUserError } from '../src/errors.ts';
import { judgeVerification } from '../src/judgment/index.ts';
import { definitionOf, kayentaScoringOf } from '../src/spec/definition.ts';
import { importKayentaConfig, KayentaConfigError } from '../src/spec/import/kayenta.ts';
import { validateSpec } from '../src/spec/load.ts';
import type { MetricSeries } from '../src/model/metric.ts';

const metric = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  query: {
    type: 'prometheus',
    metricName: name,
    resourceType: 'aws_ec2_instance',
    labelBindings: ['job="web"'],
  },
  groups: ['app'],
  analysisConfigurations: { canary: { direction: 'increase' } },
  ...extra,
});

function load(config: unknown, options = {}) {
  const imported = importKayentaConfig(config, options);
  return { imported, spec: validateSpec(imported.spec, { env: imported.env }) };
}

describe('importKayentaConfig', () => {
  it('maps scopes, several groups, no group, and the scope filter of an EC2 config', () => {
    const { spec, imported } = load(
      {
        name: 'web',
        metrics: [
          metric('a', { groups: ['app', 'system'] }),
          metric('b', { groups: [] }),
          metric('c', { scopeName: 'other' }),
        ],
        classifier: { groupWeights: { app: 60, system: 40 }, scoreThresholds: { pass: 90, marginal: 70 } },
      },
      { controlScope: 'web-v001', experimentScope: 'web-v002' },
    );
    expect(spec.strategy).toMatchObject({
      type: 'canary',
      instanceLabel: 'asg_groupName',
      baseline: { pattern: 'web-v001' },
      canary: { pattern: 'web-v002' },
    });
    expect(spec.metrics.map((m) => [m.name, m.group])).toEqual([
      ['a', ['app', 'system']],
      ['b', []],
    ]);
    expect(spec.metrics[0]!.query).toBe(
      'avg by (asg_groupName) (a{asg_groupName=~"{{instances}}",job="web"})',
    );
    expect(spec.policy).toMatchObject({
      passScore: 90,
      marginalScore: 70,
      groupWeights: { app: 60, system: 40 },
    });
    expect(imported.unmapped).toContain(
      'metrics of scope "other": a Vigil spec has one baseline/canary pair, this one scope "default"; import the others with --scope',
    );
    expect(imported.env).toEqual({ PROMETHEUS_URL: 'http://prometheus.example:9090' });
    expect(
      imported.yaml.startsWith('# Imported from the Kayenta canary config "web" by vigil import kayenta.\n'),
    ).toBe(true);
    expect(
      load(
        { name: 'web', metrics: [metric('a'), metric('c', { scopeName: 'other' })] },
        { scope: 'other' },
      ).spec.metrics.map((m) => m.name),
    ).toEqual(['c']);
  });

  it('maps a Stackdriver query onto Cloud Monitoring PromQL, and names what it cannot map', () => {
    const { spec, imported } = load({
      name: 'svc',
      metrics: [
        {
          name: 'cpu',
          query: {
            type: 'stackdriver',
            metricType: 'compute.googleapis.com/instance/cpu/utilization',
            resourceType: 'gce_instance',
            crossSeriesReducer: 'REDUCE_MAX',
            perSeriesAligner: 'ALIGN_RATE',
            customFilter: 'metadata.user_labels."app"="svc"',
          },
          groups: ['g'],
        },
      ],
    });
    expect(spec.providers.stackdriver).toMatchObject({ type: 'prometheus', auth: { type: 'bearer' } });
    expect(spec.metrics[0]!.query).toBe(
      'max by (instance) (rate(compute_googleapis_com:instance_cpu_utilization{instance=~"{{instances}}",monitored_resource="gce_instance"}[1m]))',
    );
    expect(spec.metrics[0]!.direction).toBe('both');
    expect(imported.unmapped.some((u) => u.includes("Cloud Monitoring's filter language"))).toBe(true);
    expect(imported.unmapped.some((u) => u.startsWith('classifier.scoreThresholds'))).toBe(true);
  });

  it('throws a user error naming the field by its JSON path', () => {
    const bad = () =>
      importKayentaConfig({
        name: 'x',
        metrics: [metric('a', { analysisConfigurations: { canary: { outliers: { outlierFactor: -1 } } } })],
      });
    expect(bad).toThrow(KayentaConfigError);
    expect(bad).toThrow(
      'Kayenta config: metrics[0].analysisConfigurations.canary.outliers.outlierFactor: must be above 0 (got -1)',
    );
    try {
      bad();
    } catch (e) {
      expect(isUserError(e)).toBe(true);
    }
    expect(() => importKayentaConfig([])).toThrow(
      'Kayenta config: (top level): must be an object (got a list)',
    );
    expect(() => importKayentaConfig({ name: 'x', metrics: [metric('a'), metric('a')] })).toThrow(
      'Kayenta config: metrics[1].name: "a" is used by two metrics; names must differ',
    );
  });

  it("carries the Kayenta settings to the judge: a metric in no group is not scored, mustHaveData fails a metric's group", () => {
    const { spec } = load({
      name: 'x',
      metrics: [
        metric('scored'),
        metric('ungrouped', { groups: [] }),
        metric('required', { groups: ['other'], analysisConfigurations: { canary: { mustHaveData: true } } }),
      ],
      classifier: { scoreThresholds: { pass: 75, marginal: 50 } },
    });
    const series = (group: 'baseline' | 'canary', values: number[]): MetricSeries[] => [
      { metric: 'm', instance: `${group}-1`, group, points: values.map((v, i) => ({ t: i * 60_000, v })) },
    ];
    const base = Array.from({ length: 30 }, (_, i) => 100 + (i % 7));
    const data = spec.metrics.map(definitionOf).map((definition) => ({
      definition,
      baseline: definition.name === 'required' ? [] : series('baseline', base),
      // The ungrouped metric triples: High, but it counts in no group.
      canary:
        definition.name === 'required'
          ? []
          : series('canary', definition.name === 'ungrouped' ? base.map((v) => v * 3) : base),
    }));
    const j = judgeVerification(data, { mode: 'kayenta', ...kayentaScoringOf(spec.policy) });
    const labels = j.metrics.map(
      (m) => m.judges.find((r) => r.judge === 'kayenta')?.evidence.kayentaClassification,
    );
    expect(labels).toEqual(['Pass', 'High', 'NodataFailMetric']);
    // Group "app" scores 100 and group "other" 0, each half of the weight: 50, Marginal.
    expect(j.score).toBe(50);
  });
});
