import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '@vigil/core';
import { loadSpecFile, verify } from '@vigil/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultEntityRef, postVerification, verificationInput } from '../src/backstage.ts';
import { decide } from '../src/decision.ts';
import { deploymentDescription, deploymentState, maxDescriptionLength } from '../src/deployment.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
let report: Report;
beforeAll(async () => {
  const path = join(repoRoot, 'examples/checkout/vigil.yaml');
  report = (await verify({ spec: await loadSpecFile(path, {}), specDir: dirname(path), id: 't' })).report;
});

describe('decide', () => {
  it('maps every verdict and policy to the step outcome and whether to roll back', () => {
    expect(decide({ verdict: 'pass' }, 'rollback', 'rollback')).toEqual({ outcome: 'pass', rollback: false });
    expect(decide({ verdict: 'fail' }, 'fail', 'pass')).toEqual({ outcome: 'fail', rollback: false });
    expect(decide({ verdict: 'fail' }, 'rollback', 'warn')).toEqual({ outcome: 'fail', rollback: true });
    expect(decide({ verdict: 'fail' }, 'warn', 'fail')).toEqual({ outcome: 'warn', rollback: false });
    expect(decide({ verdict: 'inconclusive' }, 'rollback', 'warn')).toEqual({
      outcome: 'warn',
      rollback: false,
    });
    expect(decide({ verdict: 'inconclusive' }, 'fail', 'rollback')).toEqual({
      outcome: 'fail',
      rollback: true,
    });
    expect(decide({ verdict: 'inconclusive' }, 'fail', 'pass')).toEqual({ outcome: 'pass', rollback: false });
    expect(decide({ verdict: 'inconclusive' }, 'fail', 'fail')).toEqual({ outcome: 'fail', rollback: false });
    // The outcome decides when the report has one.
    expect(decide({ verdict: 'pass', outcome: 'could-not-verify' }, 'fail', 'fail')).toEqual({
      outcome: 'fail',
      rollback: false,
    });
    expect(decide({ verdict: 'pass', outcome: 'could-not-verify' }, 'fail', 'warn')).toEqual({
      outcome: 'warn',
      rollback: false,
    });
    expect(decide({ verdict: 'fail', outcome: 'could-not-verify' }, 'rollback', 'warn')).toEqual({
      outcome: 'fail',
      rollback: true,
    });
    expect(decide({ verdict: 'inconclusive', outcome: 'cancelled' }, 'rollback', 'pass')).toEqual({
      outcome: 'fail',
      rollback: false,
    });
  });
});

describe('deployment status', () => {
  it('is success, failure, or error for an inconclusive verification not waved through', () => {
    expect(deploymentState('pass', false)).toBe('success');
    expect(deploymentState('fail', true)).toBe('failure');
    expect(deploymentState('inconclusive', false)).toBe('error');
    expect(deploymentState('inconclusive', true)).toBe('success');
  });

  it('fits 140 characters and keeps the rollback marker whole', () => {
    const short = deploymentDescription({ verdict: 'pass', score: 97.6, reason: 'no metric changed' });
    expect(short).toBe('Vigil pass (score 98): no metric changed');
    const long = deploymentDescription(report, { key: 'vr-0123456789abcdef', runId: 123456789 });
    expect(long.length).toBe(maxDescriptionLength);
    expect(long.endsWith(' [vigil-rollback:vr-0123456789abcdef run:123456789]')).toBe(true);
    expect(long.startsWith(`Vigil fail (score ${Math.round(report.score)}): `)).toBe(true);
  });
});

describe('Backstage', () => {
  it('sends the verification as the Service Guard backend takes it', async () => {
    const body = verificationInput(report, {
      entityRef: defaultEntityRef('Checkout'),
      repository: 'o/r',
      commitSha: 'abc123',
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(body).toMatchObject({
      entityRef: 'component:default/checkout',
      verdict: 'fail',
      score: report.score,
      reason: report.reason,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      version: '2.14.0',
      environment: 'production',
      strategy: 'canary',
      repository: 'o/r',
      commitSha: 'abc123',
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(body.metrics?.map((m) => m.metric)).toEqual(report.metrics.map((m) => m.metric));
    expect(body.logs?.outcome).toBe(report.logs?.outcome);
    const long = verificationInput(
      { ...report, reason: 'x'.repeat(5000) },
      { entityRef: 'component:default/a' },
    );
    expect(long.reason).toHaveLength(4000);
    expect(body).not.toHaveProperty('rollbackRunUrl');
    // At most 100 metrics with explanations of at most 1,000 characters: what the backend accepts.
    const wide = verificationInput(
      {
        ...report,
        metrics: Array.from({ length: 150 }, (_, i) => ({
          ...report.metrics[0]!,
          metric: `m${i}`,
          explanation: 'e'.repeat(3000),
        })),
      },
      { entityRef: 'component:default/a' },
    );
    expect(wide.metrics).toHaveLength(100);
    expect(Math.max(...wide.metrics!.map((m) => m.explanation.length))).toBe(1000);
  });

  it('links the rollback run when one was dispatched, and leaves out an address the backend would refuse', () => {
    const ctx = { entityRef: 'component:default/checkout', runUrl: 'https://github.com/o/r/actions/runs/1' };
    const rolled = verificationInput(report, {
      ...ctx,
      rollbackRunUrl: 'https://github.com/o/r/actions/runs/2',
    });
    expect(rolled.rollbackRunUrl).toBe('https://github.com/o/r/actions/runs/2');
    expect(JSON.parse(JSON.stringify(rolled)).rollbackRunUrl).toBe('https://github.com/o/r/actions/runs/2');
    for (const bad of ['', 'javascript:alert(1)', 'not a url', `https://g.example/${'x'.repeat(2000)}`]) {
      expect(verificationInput(report, { ...ctx, rollbackRunUrl: bad })).not.toHaveProperty('rollbackRunUrl');
    }
  });

  it('POSTs with the bearer token and explains a refusal without repeating the token', async () => {
    const seen: { url: string; auth: string | undefined; body: unknown }[] = [];
    let status = 201;
    const server = createServer(async (req: IncomingMessage, res) => {
      let text = '';
      for await (const c of req) text += c;
      seen.push({ url: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(text) });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        status === 201
          ? JSON.stringify({ id: 'v-1' })
          : JSON.stringify({
              error: { name: 'InputError', message: 'bad body' },
              fields: [{ path: 'body.score', message: 'too big' }],
            }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const body = verificationInput(report, {
        entityRef: 'component:default/checkout',
        rollbackRunUrl: 'https://github.com/o/r/actions/runs/2',
      });
      expect(await postVerification(url, 'bs-secret-token', body)).toBe('v-1');
      expect(seen[0]).toEqual({
        url: '/api/service-guard/verifications',
        auth: 'Bearer bs-secret-token',
        body,
      });
      expect((seen[0]!.body as { rollbackRunUrl?: string }).rollbackRunUrl).toBe(
        'https://github.com/o/r/actions/runs/2',
      );
      status = 400;
      const err = await postVerification(url, 'bs-secret-token', body).catch((e: Error) => e);
      expect((err as Error).message).toContain('Backstage answered 400');
      expect((err as Error).message).toContain('body.score too big');
      expect((err as Error).message).not.toContain('bs-secret-token');
      status = 401;
      expect(
        ((await postVerification(url, 'bs-secret-token', body).catch((e: Error) => e)) as Error).message,
      ).toContain('check backstage-token');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
