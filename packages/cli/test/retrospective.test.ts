/**
 * Retrospective runs against a real Prometheus holding past data (backfilled with promtool): a deployment that
 * regressed hours ago fails at once, a healthy one passes, a window that is not wholly in the past or that the
 * server no longer keeps is a one-line usage error, and a recording replays with the provider's variables unset.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPrometheus, startPrometheus } from '../../providers/test/support/prometheus.ts';
import { iso, startPastCanaryPrometheus, T0 } from './support/pastCanary.ts';
import { runVigil } from './support/vigil.ts';

const specText = (service: string) => `
apiVersion: vigil/v1
service: ${service}
providers:
  prom: { type: prometheus, url: "\${env:PROM_URL}" }
strategy:
  type: canary
  instanceLabel: pod
  baseline: { pattern: "${service}-stable-.*" }
  canary: { pattern: "${service}-canary-.*" }
duration: 30m
interval: 1m
metrics:
  - name: latency
    query: 'avg by (pod) (http_request_duration_seconds{pod=~"{{instances}}"})'
    kind: latency
`;

const vigil = (argv: string[], env: NodeJS.ProcessEnv, cwd: string) => runVigil(argv, { env, cwd });

describe('retrospective runs on a real Prometheus', () => {
  let prom: RunningPrometheus;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    prom = await startPastCanaryPrometheus();
    env = { PROM_URL: prom.url };
    dir = await mkdtemp(join(tmpdir(), 'vigil-retro-'));
    await writeFile(join(dir, 'checkout.yaml'), specText('checkout'));
    await writeFile(join(dir, 'cart.yaml'), specText('cart'));
  }, 120_000);
  afterAll(async () => {
    await prom?.stop();
  });

  it('fails a past regression at once, judged on the past window', async () => {
    const start = T0 + 10 * 60;
    const r = await vigil(
      ['verify', '-c', 'checkout.yaml', '--start', iso(start), '--end', iso(start + 40 * 60), '--json'],
      env,
      dir,
    );
    expect(r.stderr).toContain(`retrospective from ${iso(start)}`);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.verdict).toBe('fail');
    expect(report.metrics[0].metric ?? report.metrics[0].name).toBe('latency');
  });

  it('passes a past healthy window, from a relative start', async () => {
    // now-150m lies 30 minutes into the data; the default end (+30m) 60 minutes before its end.
    const r = await vigil(['verify', '-c', 'cart.yaml', '--start', 'now-150m'], env, dir);
    expect(r.stdout).toMatch(/pass/i);
    expect(r.code).toBe(0);
  });

  it('refuses a window in the future, one ending before it starts, or too short, in one line (exit 3)', async () => {
    const cases: [string[], RegExp][] = [
      [['--start', '2099-01-01T00:00:00Z'], /--start 2099-01-01T00:00:00.000Z is in the future/],
      [['--start', 'now-10m', '--end', 'now+1h'], /--end "now\+1h" is not a time/],
      [['--start', 'now-10m'], /ends at .* in the future; give an earlier --start or an --end/],
      [['--start', iso(T0), '--end', iso(T0 - 60)], /--end .* is not after --start/],
      [['--start', iso(T0), '--end', iso(T0 + 90)], /holds 1 whole interval\(s\) of 1m .* at least two/],
      [['--end', 'now'], /--end needs --start/],
      [['--start', 'yesterday'], /--start "yesterday" is not a time; write an ISO 8601 time/],
    ];
    for (const [args, message] of cases) {
      const r = await vigil(['verify', '-c', 'checkout.yaml', ...args], env, dir);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
    }
  });

  it('refuses a window older than the server keeps data (exit 3, naming the retention)', async () => {
    const short = await startPrometheus({ retention: '2h' });
    try {
      const r = await vigil(
        ['verify', '-c', 'checkout.yaml', '--start', 'now-5h', '--end', 'now-4h', '--quiet'],
        { PROM_URL: short.url },
        dir,
      );
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/provider "prom" keeps 2h; verify a more recent window/);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      await short.stop();
    }
  }, 60_000);

  it('records a past window and replays it with the provider variable unset', async () => {
    const start = T0 + 10 * 60;
    const recording = join(dir, 'checkout.replay.json');
    const rec = await vigil(
      [
        'record',
        '-c',
        'checkout.yaml',
        '--output',
        recording,
        '--start',
        iso(start),
        '--end',
        iso(start + 40 * 60),
        '--quiet',
      ],
      env,
      dir,
    );
    expect(rec.code).toBe(1);
    const replay = await vigil(
      ['replay', '-c', 'checkout.yaml', '--recording', recording, '--json'],
      {},
      dir,
    );
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(1);
    expect(JSON.parse(replay.stdout).verdict).toBe('fail');
    // Without the recording, the unset variable is still an error naming it.
    const live = await vigil(['verify', '-c', 'checkout.yaml'], {}, dir);
    expect(live.code).toBe(3);
    expect(live.stderr).toMatch(/providers\.prom\.url.*PROM_URL, which is not set/);
  });
});
