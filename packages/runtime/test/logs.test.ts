/**
 * Logs end to end against the OpenAPI-validated Dynatrace fake: which attribute names a log event's instance,
 * what happens to events that lack it, and what no log events at all does to the verdict.
 */
import { join } from 'node:path';
import { virtualClock } from '@vigil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DynatraceFake,
  type DynatraceLogData,
  startDynatraceFake,
} from '../../providers/test/support/dynatrace-fake.ts';
import { loadSpecFile, verify } from '../src/index.ts';
import { dynatraceResponseTimes, series, writeScenario } from './support/recording.ts';

const T0 = Date.UTC(2026, 10, 20, 14, 0);
const token = 'dt0c01.LOGSTEST.0123456789abcdef';
const pods = { baseline: ['b-1', 'b-2', 'b-3'], canary: ['c-1', 'c-2', 'c-3'] };
const MINUTES = 12;

/** Every pod logs the same requests each minute; the canary pods also throw a new exception. */
function logs(): DynatraceLogData[] {
  const out: DynatraceLogData[] = [];
  for (let m = 0; m < MINUTES; m++) {
    for (const [group, list] of Object.entries(pods)) {
      for (const [i, pod] of list.entries()) {
        const columns = { 'k8s.pod.name': pod, 'service.name': 'checkout' };
        for (let k = 0; k < 4; k++) {
          out.push({
            t: T0 + m * 60_000 + i * 1000 + (group === 'canary' ? 500 : 0) + k * 10_000,
            content: `GET /cart/${100 + k} 200 in ${10 + k} ms`,
            status: 'INFO',
            columns,
          });
        }
        if (group === 'canary' && m >= 2) {
          out.push({
            t: T0 + m * 60_000 + i * 1000 + 5000,
            content: `java.lang.NullPointerException: cart ${m} has no owner at CartService.total(CartService.java:88)`,
            status: 'ERROR',
            columns,
          });
        }
      }
    }
  }
  return out;
}

const metricSeries = () => dynatraceResponseTimes([...pods.baseline, ...pods.canary], T0, MINUTES);

const spec = (logsExtra: string, policy = '') => `apiVersion: vigil/v1
service: checkout
providers:
  dt: { type: dynatrace, url: "\${env:DT_URL}", token: "\${env:DT_TOKEN}" }
strategy: { type: canary, instanceLabel: pod, baseline: { pattern: "b-.*" }, canary: { pattern: "c-.*" } }
duration: 10m
interval: 1m
metrics:
  - name: latency
    query: 'builtin:service.response.time:splitBy("pod"):avg'
    kind: latency
logs:
  query: 'service.name="checkout"'
${logsExtra}${policy}`;

describe('log instances on Dynatrace (metrics split by "pod", logs keyed "k8s.pod.name")', () => {
  let fake: DynatraceFake;
  beforeAll(async () => {
    fake = await startDynatraceFake({ token, series: metricSeries(), logs: logs(), sliceSize: 500 });
  }, 120_000);
  afterAll(async () => {
    await fake?.close();
  });

  async function run(text: string) {
    const dir = await writeScenario(text, { version: 1, metrics: [] });
    const loaded = await loadSpecFile(join(dir, 'vigil.yaml'), { DT_URL: fake.url, DT_TOKEN: token });
    const outcome = await verify({ spec: loaded, specDir: dir, clock: virtualClock(T0), startedAt: T0 });
    expect(fake.violations.splice(0)).toEqual([]);
    return outcome;
  }

  it('sees the new exception in the canary when logs.instanceField names the log attribute', async () => {
    const { report } = await run(spec('  instanceField: k8s.pod.name\n'));
    const npe = report.logs!.clusters.find((c) => c.template.startsWith('java.lang.NullPointerException'));
    expect(npe).toMatchObject({ classification: 'unknown', level: 'error', baselineCount: 0 });
    expect(npe!.canaryCount).toBe(3 * 8);
    expect(report.logs!.unattributed).toBeUndefined();
    expect(report.verdict).toBe('fail');
    expect(report.reason).toMatch(/logs failed: .*new error cluster/);
  });

  it('never gives events without the instance field to both groups: counts them apart and reports them', async () => {
    // The default instance field is the metrics' label, "pod", which these logs do not have.
    const { report } = await run(spec(''));
    expect(report.logs!.outcome).toBe('no-data');
    expect(report.logs!.canaryEvents).toBe(0);
    expect(report.logs!.baselineEvents).toBe(0);
    expect(report.logs!.unattributed).toMatchObject({ field: 'pod', events: 6 * 4 * 10 + 3 * 8 });
    expect(report.logs!.unattributed!.samples.length).toBeGreaterThan(0);
    expect(report.logs!.explanation).toMatch(/had no "pod" field .*set logs.instanceField/);
    // The NPE was not hidden as "known": the logs could not be judged, and that is not a pass.
    expect(report.verdict).toBe('inconclusive');
    expect(report.reason).toMatch(/the logs had no data/);
  });
});

describe('no log events at all', () => {
  const replaySpec = (policy: string) =>
    `apiVersion: vigil/v1
service: shop
providers: { rec: { type: replay, file: recording.json } }
strategy: { type: canary, instanceLabel: pod, baseline: { pattern: "b-.*" }, canary: { pattern: "c-.*" } }
duration: 10m
interval: 1m
metrics:
  - { name: latency, query: 'lat{pod=~"{{instances}}"}', kind: latency, unit: ms }
logs: { query: 'service:shop' }
policy: { noData: ${policy} }
`;
  const recording = {
    version: 1,
    metrics: (['baseline', 'canary'] as const).map((group, i) =>
      series({
        query: `lat{pod=~"${group[0]}-.*"}`,
        group,
        instances: pods[group],
        start: T0,
        minutes: 10,
        level: 100,
        noise: 3,
        seed: 7 + i,
      }),
    ),
    logs: [],
  };

  it('from a provider without a logs API (generic HTTP) is an error and no data, never a pass', async () => {
    const spec = replaySpec('inconclusive')
      .replace(
        'providers: { rec: { type: replay, file: recording.json } }',
        `providers:
  rec: { type: replay, file: recording.json }
  apm: { type: http, url: "http://127.0.0.1:9/q?{{query}}", pick: { points: "$.p", timestamp: "$.t", value: "$.v", instance: "$.i" } }`,
      )
      .replace("logs: { query: 'service:shop' }", "logs: { query: 'service:shop', provider: apm }")
      .replace('kind: latency, unit: ms }', 'kind: latency, unit: ms, provider: rec }');
    const dir = await writeScenario(spec, recording);
    const { report } = await verify({
      spec: await loadSpecFile(join(dir, 'vigil.yaml'), {}),
      specDir: dir,
      // Not all replays, so the wall clock by default: keep the virtual one.
      clock: virtualClock(T0),
      startedAt: T0,
    });
    expect(report.metrics[0]!.outcome).toBe('pass');
    expect(report.errors[0]!.message).toMatch(/^logs: provider "apm" \(http\) cannot read logs/);
    expect(report.logs!.outcome).toBe('no-data');
    expect(report.verdict).toBe('inconclusive');
  });

  it('is no data, decided by policy.noData and named in the reason', async () => {
    for (const [policy, verdict] of [
      ['inconclusive', 'inconclusive'],
      ['fail', 'fail'],
      ['pass', 'pass'],
    ] as const) {
      const dir = await writeScenario(replaySpec(policy), recording);
      const { report } = await verify({
        spec: await loadSpecFile(join(dir, 'vigil.yaml'), {}),
        specDir: dir,
      });
      expect(report.metrics[0]!.outcome).toBe('pass');
      expect(report.logs!.outcome).toBe('no-data');
      expect(report.verdict).toBe(verdict);
      expect(report.reason).toMatch(/the logs had no data \(No canary log messages/);
      expect(report.reason).not.toMatch(/logs passed/);
    }
  });
});
