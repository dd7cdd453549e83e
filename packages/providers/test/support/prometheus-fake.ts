/**
 * A Prometheus-protocol fake (`/api/v1/query_range`) for fault injection and benchmarks, where the real
 * Prometheus cannot be made to fail on demand. `value(instance, t)` gives every sample.
 */
import { type FakeServer, startFake } from './fake-server.ts';

export function startPrometheusFake(
  instances: string[],
  value: (instance: string, t: number) => number,
  label = 'pod',
): Promise<FakeServer> {
  return startFake((req) => {
    const start = Number(req.query.get('start')) * 1000;
    const end = Number(req.query.get('end')) * 1000;
    const step = Number(req.query.get('step')) * 1000;
    const result = instances.map((inst) => {
      const values: [number, string][] = [];
      for (let t = start; t <= end; t += step) values.push([t / 1000, String(value(inst, t))]);
      return { metric: { [label]: inst }, values };
    });
    return { status: 200, body: { status: 'success', data: { resultType: 'matrix', result } } };
  });
}
