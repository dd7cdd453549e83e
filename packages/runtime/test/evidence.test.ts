/**
 * Other evidence end to end: alerts the monitoring raised on the service during the window (a Dynatrace problem
 * against the OpenAPI-validated fake) in the report's own section, under each `policy.evidence`, and a provider
 * that cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatJudgmentText, reportSchema, virtualClock } from '@vigil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DynatraceFake,
  type DynatraceProblemData,
  startDynatraceFake,
} from '../../providers/test/support/dynatrace-fake.ts';
import { loadSpecFile, verify } from '../src/index.ts';
import { dynatraceResponseTimes, writeScenario } from './support/recording.ts';

const T0 = Date.UTC(2026, 10, 20, 14, 0);
const token = 'dt0c01.EVIDENCE.0123456789abcdef';
const pods = ['b-1', 'b-2', 'b-3', 'c-1', 'c-2', 'c-3'];

const problems: DynatraceProblemData[] = [
  {
    problemId: '-1234567890_1763647380000V2',
    displayId: 'P-2611101',
    title: 'Failure rate increase',
    status: 'OPEN',
    startTime: T0 + 3 * 60_000,
    endTime: -1,
    entity: 'checkout',
  },
  {
    problemId: '-99_1763600000000V2',
    displayId: 'P-2611001',
    title: 'Closed long before the window',
    status: 'CLOSED',
    startTime: T0 - 7_200_000,
    endTime: T0 - 3_600_000,
    entity: 'checkout',
  },
];

const metricSeries = () => dynatraceResponseTimes(pods, T0, 12);

const spec = (policy: string) => `apiVersion: vigil/v1
service: checkout
providers:
  dt: { type: dynatrace, url: "\${env:DT_URL}", token: "\${env:DT_TOKEN}", http: { retries: 0 } }
strategy: { type: canary, instanceLabel: pod, baseline: { pattern: "b-.*" }, canary: { pattern: "c-.*" } }
duration: 10m
interval: 1m
metrics:
  - name: latency
    query: 'builtin:service.response.time:splitBy("pod"):avg'
    kind: latency
policy: ${policy}
`;

describe('alerts raised during the window (Dynatrace problems)', () => {
  let fake: DynatraceFake;
  let blind: DynatraceFake;
  beforeAll(async () => {
    fake = await startDynatraceFake({ token, series: metricSeries(), problems });
    // A token without problems.read: the metrics answer, the problems do not.
    blind = await startDynatraceFake({
      token,
      series: metricSeries(),
      problems,
      scopes: ['metrics.read', 'logs.read', 'events.ingest'],
    });
  }, 120_000);
  afterAll(async () => {
    await fake?.close();
    await blind?.close();
  });

  async function run(policy: string, server = fake) {
    const dir = await writeScenario(spec(policy), { version: 1, metrics: [] });
    const loaded = await loadSpecFile(join(dir, 'vigil.yaml'), { DT_URL: server.url, DT_TOKEN: token });
    const out = await verify({
      spec: loaded,
      specDir: dir,
      reportDir: join(dir, 'out'),
      clock: virtualClock(T0),
      startedAt: T0,
    });
    expect(server.violations.splice(0)).toEqual([]);
    return out;
  }

  it('puts a problem open during the window in its own section; evidence: fail fails the verification', async () => {
    const { report, result, files } = await run('{ evidence: fail }');
    expect(report.metrics[0]!.outcome).toBe('pass');
    expect(report.evidence).toMatchObject({
      policy: 'fail',
      outcome: 'fail',
      providers: ['dt'],
      errors: [],
      items: [
        {
          provider: 'dt',
          kind: 'problem',
          displayId: 'P-2611101',
          title: 'Failure rate increase',
          status: 'open',
          start: '2026-11-20T14:03:00.000Z',
          entities: ['checkout'],
        },
      ],
    });
    expect(report.verdict).toBe('fail');
    expect(report.reason).toMatch(
      /^Fail: 1 alert raised during the window: problem P-2611101 "Failure rate increase"/,
    );
    expect(report.outcome).toBe('failed');
    // Scoped to the service by default, never the whole environment.
    const asked = fake.requests.filter((r) => r.path === '/api/v2/problems').at(-1)!;
    expect(asked.query.get('entitySelector')).toBe('type("SERVICE"),entityName.equals("checkout")');
    expect(asked.query.get('from')).toBe(String(T0));
    expect(reportSchema.parse(JSON.parse(await readFile(files!.json, 'utf8')))).toEqual(report);
    const md = await readFile(files!.markdown, 'utf8');
    expect(md).toContain('### Alerts during the window ❌ fail');
    expect(md).toMatch(/\| dt \| problem \| P-2611101 \| Failure rate increase \| open \|/);
    const html = await readFile(files!.html, 'utf8');
    expect(html).toContain('<h2>Alerts during the window <span class="verdict fail">fail</span></h2>');
    expect(formatJudgmentText(result.judgment)).toContain('alerts during the window: fail: 1 alert raised');
  });

  it('warn (the default) keeps the verdict and names the alert; ignore does not ask', async () => {
    const warned = await run('{ noData: inconclusive }');
    expect(warned.report.evidence!.outcome).toBe('warn');
    expect(warned.report.verdict).toBe('pass');
    expect(warned.report.reason).toMatch(/Also: 1 alert raised during the window: problem P-2611101/);
    const before = fake.requests.filter((r) => r.path === '/api/v2/problems').length;
    const ignored = await run('{ evidence: ignore }');
    expect(ignored.report.evidence).toBeUndefined();
    expect(ignored.report.verdict).toBe('pass');
    expect(fake.requests.filter((r) => r.path === '/api/v2/problems').length).toBe(before);
  });

  it('reports a provider that cannot be read, never "no problems"; under fail the verdict follows noData', async () => {
    const strict = await run('{ evidence: fail }', blind);
    expect(strict.report.evidence).toMatchObject({ outcome: 'no-data', items: [], providers: ['dt'] });
    expect(strict.report.evidence!.errors[0]).toMatchObject({ provider: 'dt' });
    expect(strict.report.evidence!.errors[0]!.message).toMatch(/problems\.read/);
    expect(strict.report.errors.map((e) => e.message).join()).toMatch(/^evidence: dt: .*problems\.read/);
    expect(strict.report.verdict).toBe('inconclusive');
    expect(strict.report.reason).toMatch(/^Inconclusive: evidence could not be read from dt/);
    const lenient = await run('{ evidence: warn }', blind);
    expect(lenient.report.verdict).toBe('pass');
    expect(lenient.report.reason).toMatch(/Also: evidence could not be read from dt/);
  });
});
