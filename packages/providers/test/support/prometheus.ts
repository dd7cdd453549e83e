/**
 * Starts a real Prometheus (Debian's /usr/bin/prometheus) on 127.0.0.1 with a random free port and a temp
 * data dir, optionally pre-filled from OpenMetrics text (`promtool tsdb create-blocks-from openmetrics`) and/or
 * scraping targets. Reusable by end-to-end tests of the engine and the Action.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../../../test/support/freePort.ts';

const run = promisify(execFile);

export const prometheusBinary = process.env.VIGIL_PROMETHEUS ?? '/usr/bin/prometheus';
export const promtoolBinary = process.env.VIGIL_PROMTOOL ?? '/usr/bin/promtool';

export interface PrometheusOptions {
  /** OpenMetrics text (ending in `# EOF`) turned into TSDB blocks before start. Timestamps in seconds. */
  openMetrics?: string;
  /** `host:port` targets scraped every `scrapeInterval`. */
  scrapeTargets?: string[];
  /** Default `1s`. */
  scrapeInterval?: string;
  /** Contents of a `--web.config.file` (basic auth users, TLS server config), YAML. */
  webConfig?: string;
  /** `--storage.tsdb.retention.time`; default `100y` (backfilled test data is hours old). */
  retention?: string;
  /** Extra flags. */
  args?: string[];
}

export interface RunningPrometheus {
  /** `http://127.0.0.1:<port>` (or `https://` with a TLS web config). */
  url: string;
  port: number;
  dataDir: string;
  /** Lines Prometheus logged so far, for diagnosing a failed test. */
  logs: string[];
  stop(): Promise<void>;
  /** Kills the server (SIGKILL, as a crash or an OOM kill would), keeping its data for `restart`. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data; resolves when it serves requests. */
  restart(): Promise<void>;
}

export async function startPrometheus(options: PrometheusOptions = {}): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-prom-'));
  const dataDir = join(dir, 'data');
  if (options.openMetrics !== undefined) {
    const file = join(dir, 'data.om');
    await writeFile(
      file,
      options.openMetrics.endsWith('\n') ? options.openMetrics : `${options.openMetrics}\n`,
    );
    // Large max-block-duration keeps all test data in one block; the data is older than the head anyway.
    await run(promtoolBinary, ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir]);
  }
  const scrape = (options.scrapeTargets ?? []).length
    ? `scrape_configs:\n  - job_name: targets\n    static_configs:\n      - targets: [${options.scrapeTargets!.map((t) => `'${t}'`).join(', ')}]\n`
    : '';
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, `global:\n  scrape_interval: ${options.scrapeInterval ?? '1s'}\n${scrape}`);
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--storage.tsdb.retention.time=${options.retention ?? '100y'}`,
    `--web.listen-address=127.0.0.1:0`,
    ...(options.args ?? []),
  ];
  if (options.webConfig !== undefined) {
    const webFile = join(dir, 'web.yml');
    await writeFile(webFile, options.webConfig);
    args.push(`--web.config.file=${webFile}`);
  }
  const tls = options.webConfig?.includes('tls_server_config') ?? false;

  // Port 0 is not reported back by Prometheus, so pick one and retry if another process took it meanwhile.
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    args[3] = `--web.listen-address=127.0.0.1:${port}`;
    const logs: string[] = [];
    let child = spawn(prometheusBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const ready = await waitReady(child, logs);
    if (ready) {
      return {
        url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
        port,
        dataDir,
        logs,
        stop: async () => {
          await stopChild(child);
          await rm(dir, { recursive: true, force: true });
        },
        kill: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGKILL');
          await exited;
        },
        restart: async () => {
          child = spawn(prometheusBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
          if (!(await waitReady(child, logs)))
            throw new Error(`prometheus did not restart:\n${logs.slice(-20).join('\n')}`);
        },
      };
    }
    await stopChild(child);
    if (tries >= 2 || !logs.some((l) => l.includes('address already in use'))) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`prometheus did not start:\n${logs.slice(-20).join('\n')}`);
    }
  }
}

function waitReady(child: ChildProcess, logs: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    let buffered = '';
    const timer = setTimeout(() => finish(false), 60_000);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      resolve(ok);
    };
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const l of lines) {
        logs.push(l);
        if (l.includes('Server is ready to receive web requests')) finish(true);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', () => finish(false));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Formats OpenMetrics gauge samples: `series` maps a label set to `[epochSeconds, value][]`. */
export function openMetricsGauge(
  metric: string,
  series: { labels: Record<string, string>; samples: [number, number | string][] }[],
): string {
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  const lines = [`# TYPE ${metric} gauge`];
  for (const s of series) {
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${esc(v)}"`)
      .join(',');
    for (const [t, v] of s.samples) {
      const val =
        typeof v === 'string'
          ? v
          : Number.isNaN(v)
            ? 'NaN'
            : v === Infinity
              ? '+Inf'
              : v === -Infinity
                ? '-Inf'
                : String(v);
      lines.push(`${metric}{${labels}} ${val} ${t}`);
    }
  }
  return lines.join('\n');
}

/**
 * Starts a Prometheus backfilled with one gauge, one sample a minute on whole minutes from `t0` (epoch seconds)
 * for `minutes` minutes for each pod: the past data that retrospective and `vigil serve` tests judge.
 * `value(pod, minute, podIndex)` gives each sample.
 */
export function startPrometheusWithPastGauge(
  metric: string,
  pods: string[],
  t0: number,
  minutes: number,
  value: (pod: string, minute: number, podIndex: number) => number,
): Promise<RunningPrometheus> {
  const gauge = openMetricsGauge(
    metric,
    pods.map((pod, i) => ({
      labels: { pod },
      samples: Array.from({ length: minutes }, (_, m) => [t0 + m * 60, value(pod, m, i)] as [number, number]),
    })),
  );
  return startPrometheus({ openMetrics: `${gauge}\n# EOF\n` });
}
