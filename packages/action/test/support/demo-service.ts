/**
 * A tiny service for end-to-end tests: a node:http server on 127.0.0.1 whose /metrics (Prometheus text
 * format) shows simulated traffic of one pod: a request latency histogram and request and error counters.
 * Version `good` answers in ~50 ms with 0.5% errors; version `bad` carries an injected regression (three
 * times slower, 8% errors). Traffic is generated from a seeded PRNG, so every pod is reproducible.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '@vigil/core';

export type DemoVersion = 'good' | 'bad';

export interface DemoPod {
  pod: string;
  version: DemoVersion;
  /** `127.0.0.1:<port>`, a Prometheus scrape target. */
  target: string;
  stop(): Promise<void>;
}

const buckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const requestsPerTick = 20;
const tickMs = 100;

export async function startDemoPod(pod: string, version: DemoVersion, seed: number): Promise<DemoPod> {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const counts = new Array<number>(buckets.length + 1).fill(0);
  let sum = 0;
  let requests = 0;
  let errors = 0;
  const median = version === 'good' ? 0.05 : 0.15;
  const errorRate = version === 'good' ? 0.005 : 0.08;
  const tick = setInterval(() => {
    for (let i = 0; i < requestsPerTick; i++) {
      const latency = median * Math.exp(0.3 * normal());
      sum += latency;
      requests++;
      if (random() < errorRate) errors++;
      const b = buckets.findIndex((le) => latency <= le);
      counts[b === -1 ? buckets.length : b]!++;
    }
  }, tickMs);

  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const l = `pod="${pod}",version="${version}"`;
    const lines = [
      '# TYPE demo_request_duration_seconds histogram',
      ...buckets.map((le, i) => {
        const cumulative = counts.slice(0, i + 1).reduce((a, b) => a + b, 0);
        return `demo_request_duration_seconds_bucket{${l},le="${le}"} ${cumulative}`;
      }),
      `demo_request_duration_seconds_bucket{${l},le="+Inf"} ${requests}`,
      `demo_request_duration_seconds_sum{${l}} ${sum}`,
      `demo_request_duration_seconds_count{${l}} ${requests}`,
      '# TYPE demo_requests_total counter',
      `demo_requests_total{${l}} ${requests}`,
      '# TYPE demo_errors_total counter',
      `demo_errors_total{${l}} ${errors}`,
      '',
    ];
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(lines.join('\n'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    pod,
    version,
    target: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      clearInterval(tick);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
