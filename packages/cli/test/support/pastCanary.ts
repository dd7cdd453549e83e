/**
 * Past canary data that `vigil verify --start/--end` and `vigil serve` tests judge on a real Prometheus: from
 * 3 h ago to 1 h ago, one sample a minute; checkout's new pods are slow (0.62 s against 0.22 s), cart's are
 * like its old ones.
 */
import {
  type RunningPrometheus,
  startPrometheusWithPastGauge,
} from '../../../providers/test/support/prometheus.ts';

/** The first sample, on a whole minute 3 h ago (epoch seconds). */
export const T0 = Math.floor((Date.now() / 1000 - 3 * 3600) / 60) * 60;
export const MINUTES = 120;

/** Three stable and three canary pods of a service. */
export const pods = (service: string) =>
  [1, 2, 3].flatMap((i) => [`${service}-stable-${i}`, `${service}-canary-${i}`]);

/** Latency in seconds, with a small deterministic wobble. */
export const latency = (pod: string, m: number, i: number) =>
  (pod.startsWith('checkout-canary') ? 0.62 : 0.22) + (((m * 7 + i * 13) % 9) - 4) * 0.002;

export const iso = (s: number) => new Date(s * 1000).toISOString();

/** A Prometheus holding the past latency of checkout's and cart's pods as `http_request_duration_seconds`. */
export function startPastCanaryPrometheus(): Promise<RunningPrometheus> {
  return startPrometheusWithPastGauge(
    'http_request_duration_seconds',
    [...pods('checkout'), ...pods('cart')],
    T0,
    MINUTES,
    latency,
  );
}
