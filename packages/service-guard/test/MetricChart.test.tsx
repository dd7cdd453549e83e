// @vitest-environment jsdom
import './support/setup.ts';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import type { MetricRisk } from '@vigil/backstage-plugin-service-guard-common';
import { describe, expect, it } from 'vitest';
import { MetricChart, valueDomain } from '../src/components/MetricChart.tsx';
import type { MetricPoint } from '../src/series.ts';

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
    expect(rings.map((r) => r.textContent)).toEqual([
      'a 2026-11-20 11:01 UTC: 180 ms',
      'b 2026-11-20 11:01 UTC: 170 ms',
    ]);
    // Both rings sit at the right end of the time axis (x = 640 - 12), at their own values.
    expect(rings.map((r) => r.getAttribute('cx'))).toEqual(['628', '628']);
    expect(Number(rings[0]!.getAttribute('cy'))).toBeLessThan(Number(rings[1]!.getAttribute('cy')));
    expect(chart.getAttribute('aria-label')).toBe(
      'p99 latency: 4 points from 2026-11-20 11:00 UTC to 2026-11-20 11:01 UTC, values 85.5 to 185 ms; 2 anomalous points outside the expected band.',
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
