// @vitest-environment jsdom
import './support/newYork.ts';
import './support/setup.ts';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import {
  isAnomalousPoint as isAnomalous,
  type MetricRisk,
} from '@vigil/backstage-plugin-service-guard-common';
import { describe, expect, it } from 'vitest';
import { MetricChart, valueDomain } from '../src/components/MetricChart.tsx';
import type { MetricPoint } from '../src/series.ts';
import { errorsRisk } from './support/fixtures.ts';

const base: MetricRisk = {
  metric: 'p99 latency',
  kind: 'latency',
  direction: 'higher-is-worse',
  unit: 'ms',
  outcome: 'fail',
  risk: 0.9,
  points: 4,
  alerts: 2,
  reason: 'p99 latency: 2 of 4 points anomalous',
};

describe('valueDomain', () => {
  it('spans every finite value with 5% room on each side', () => {
    expect(valueDomain([10, 30, Number.NaN, 20])).toEqual([9, 31]);
  });
  it('opens a flat series by 10% of its value so the line is not on the frame', () => {
    expect(valueDomain([50, 50])).toEqual([44.5, 55.5]);
    expect(valueDomain([0])).toEqual([-1.1, 1.1]);
  });
});

describe('metric chart with the period series', () => {
  it('draws one line per instance, the band, and a ring at each alert', async () => {
    const t = (m: number) => Date.UTC(2026, 10, 20, 11, m);
    const series: MetricPoint[] = [
      { t: t(0), instance: 'a', value: 100, expected: 100, lower: 90, upper: 110, alert: false },
      { t: t(1), instance: 'a', value: 180, expected: 100, lower: 90, upper: 110, alert: true },
      { t: t(0), instance: 'b', value: 98, expected: 100, lower: 90, upper: 110, alert: false },
      { t: t(1), instance: 'b', value: 170, expected: 100, lower: 90, upper: 110, alert: true },
    ];
    await renderInTestApp(<MetricChart metric={{ ...base, series }} />);
    const chart = screen.getByTestId('metric-chart');
    expect(chart.querySelectorAll('polyline')).toHaveLength(2);
    expect(chart.querySelectorAll('polygon')).toHaveLength(2);
    const rings = screen.getAllByTestId('anomaly-marker');
    expect(rings.map((r) => r.textContent)).toEqual(['a 20 Nov, 06:01: 180 ms', 'b 20 Nov, 06:01: 170 ms']);
    // Both rings sit at the right end of the time axis (x = 640 - 12), at their own values.
    expect(rings.map((r) => r.getAttribute('cx'))).toEqual(['628', '628']);
    expect(Number(rings[0]!.getAttribute('cy'))).toBeLessThan(Number(rings[1]!.getAttribute('cy')));
    expect(chart.getAttribute('aria-label')).toBe(
      'p99 latency: 4 points from 20 Nov, 06:00 to 20 Nov, 06:01 (GMT-5), values 85.5 ms to 185 ms; 2 anomalous points outside the expected band.',
    );
  });

  it('says so when a metric has no point to draw', async () => {
    await renderInTestApp(
      <MetricChart
        metric={{
          ...base,
          outcome: 'no-data',
          points: 0,
          alerts: 0,
          reason: 'p99 latency: no data in the period',
        }}
      />,
    );
    expect(screen.getByText('No point to draw for this period.')).toBeTruthy();
    expect(screen.getByText('No data')).toBeTruthy();
    expect(screen.queryByTestId('metric-chart')).toBeNull();
  });
});

/** checkout's error chart: the rate jumps at 11:05 and stays far above the band; the detector alerts once. */
function excursion(): MetricPoint[] {
  const t = (m: number) => Date.UTC(2026, 10, 20, 11, m);
  return Array.from({ length: 30 }, (_, m) => {
    const high = m >= 5;
    return {
      t: t(m),
      instance: 'checkout-0',
      value: high ? 32 + (m % 3) : 5,
      expected: high ? 5 + m * 0.2 : 5,
      lower: 3,
      upper: high ? 8 + m * 0.3 : 8,
      alert: m === 5,
    };
  });
}

describe('every point outside the band', () => {
  it('is ringed like the alert, not only the point where the detector alerted', async () => {
    await renderInTestApp(<MetricChart metric={{ ...errorsRisk, series: excursion() }} />);
    const rings = screen.getAllByTestId('anomaly-marker');
    expect(rings).toHaveLength(25);
    // One shape for all of them: the same radius and stroke as the alert's ring.
    const looks = new Set(
      rings.map((r) => `${r.getAttribute('r')} ${r.getAttribute('stroke')} ${r.getAttribute('fill')}`),
    );
    expect(looks.size).toBe(1);
    expect(rings[0]!.textContent).toBe('checkout-0 20 Nov, 06:05: 34 errors/min');
    expect(rings[24]!.textContent).toBe('checkout-0 20 Nov, 06:29: 34 errors/min');
    expect(screen.getByTestId('metric-chart').getAttribute('aria-label')).toMatch(
      /; 25 anomalous points outside the expected band\.$/,
    );
  });

  it('counts the bad side only: fewer errors than the band expects is no anomaly', () => {
    const p: MetricPoint = { t: 0, instance: 'a', value: 1, expected: 5, lower: 3, upper: 8, alert: false };
    expect(isAnomalous(p, 'higher-is-worse')).toBe(false);
    expect(isAnomalous(p, 'lower-is-worse')).toBe(true);
    expect(isAnomalous(p, 'both')).toBe(true);
    expect(isAnomalous({ ...p, value: 9 }, 'higher-is-worse')).toBe(true);
    // While the detector is still learning there is no band to be outside of.
    expect(isAnomalous({ ...p, lower: null, upper: null }, 'both')).toBe(false);
  });
});

describe('chart axes', () => {
  it('has a time axis in local clock times on round steps, naming the time zone', async () => {
    await renderInTestApp(<MetricChart metric={{ ...errorsRisk, series: excursion() }} />);
    const axis = screen.getByTestId('time-axis');
    expect([...axis.querySelectorAll('text')].map((t) => t.textContent)).toEqual([
      '06:00',
      '06:05',
      '06:10',
      '06:15',
      '06:20',
      '06:25',
      'GMT-5',
    ]);
  });

  it("labels the value axis in the metric's unit, on round values", async () => {
    await renderInTestApp(<MetricChart metric={{ ...errorsRisk, series: excursion() }} />);
    const labels = [...screen.getByTestId('value-axis').querySelectorAll('text')].map((t) => t.textContent);
    expect(labels).toEqual(['10 errors/min', '20 errors/min', '30 errors/min']);
  });

  it('scales time units as the core writes them (ms up to seconds)', async () => {
    const t = (m: number) => Date.UTC(2026, 10, 20, 11, m);
    const series: MetricPoint[] = [0, 1, 2].map((m) => ({
      t: t(m),
      instance: 'a',
      value: [400, 1500, 900][m]!,
      expected: null,
      lower: null,
      upper: null,
      alert: false,
    }));
    await renderInTestApp(<MetricChart metric={{ ...base, alerts: 0, series }} />);
    const labels = [...screen.getByTestId('value-axis').querySelectorAll('text')].map((t) => t.textContent);
    expect(labels).toEqual(['500 ms', '1 s', '1.5 s']);
  });
});
