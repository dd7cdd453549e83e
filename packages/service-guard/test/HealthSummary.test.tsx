// @vitest-environment jsdom
import './support/newYork.ts';
import './support/setup.ts';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { HealthSnapshot, MetricRisk } from '@vigil/backstage-plugin-service-guard-common';
import { describe, expect, it } from 'vitest';
import { HealthSummary } from '../src/components/HealthSummary.tsx';
import { MetricChart } from '../src/components/MetricChart.tsx';
import { ServiceGuardCard } from '../src/components/ServiceGuardCard.tsx';
import { serviceGuardApiRef } from '../src/api.ts';
import { InMemoryServiceGuard } from './support/fakeApi.ts';
import {
  anomalousErrorsRisk,
  failingHealth,
  failingSnapshot,
  latencyRisk,
  optedIn,
  PERIOD_END,
} from './support/fixtures.ts';

const errors = anomalousErrorsRisk;

const latency: MetricRisk = {
  ...latencyRisk,
  metric: 'p99 latency',
  threshold: 0.5,
  reason: 'p99 latency: normal (30 points, highest anomaly score 0.12 < 0.5)',
};

function snapshot(): HealthSnapshot {
  const s = failingSnapshot();
  const logs = s.logs!;
  logs.explanation =
    'Logs fail (risk 0.82): 320 canary and 5400 baseline messages in 2 clusters; 1 new (all in the canary by chance: p = 2.1e-23)';
  return { ...s, metrics: [latency, errors], reasons: ['stored reasons are not shown when signals exist'] };
}

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d/;

describe('reasons in plain words', () => {
  it('says what changed, when (local time), by how much and in units, without statistics jargon', async () => {
    await renderInTestApp(<HealthSummary current={snapshot()} now={PERIOD_END + 5 * 60_000} />);
    const items = within(screen.getByRole('list', { name: 'reasons' })).getAllByRole('listitem', {
      name: '',
    });
    const sentences = items
      .filter((li) => li.parentElement?.getAttribute('aria-label') === 'reasons')
      .map((li) => li.firstElementChild!.textContent);
    expect(sentences).toEqual([
      // 11:35 UTC is 06:35 in New York.
      'errors went above its expected range at 20 Nov, 06:35 and was outside it at 25 of 30 points, until 06:59. ' +
        'Worst: 32.8 errors/min on checkout-0 at 06:36, 6.3 times the expected 5.19 errors/min (range 3.1 errors/min to 7.2 errors/min).',
      'Logs: a new kind of error message (12 times, never seen before), first: \u201cjava.lang.NullPointerException: Cannot invoke "Discount.apply()" because "promo\u2026\u201d. 320 messages in the period, 5400 in the history before it.',
    ]);
    for (const s of sentences) {
      expect(s).not.toMatch(ISO);
      expect(s).not.toMatch(/usual deviation|e-value|sigma|p = |canary|baseline/);
    }
  });

  it('keeps the statistics behind a "details" toggle', async () => {
    await renderInTestApp(<HealthSummary current={snapshot()} now={PERIOD_END + 5 * 60_000} />);
    const details = screen.getAllByTestId('details');
    expect(details.map((d) => d.hasAttribute('open'))).toEqual([false, false]);
    await userEvent.setup().click(within(details[0]!).getByText('details'));
    expect(details[0]!.hasAttribute('open')).toBe(true);
    const lines = within(details[0]!)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(lines).toEqual([
      "Highest anomaly score 0.97; a point raises an alert from 0.5 (the metric's sensitivity).",
      '1 alert raised; 25 of 30 points outside the expected band or alerting.',
      'Detector on the worst point: 32.83 vs 5.191 expected from same time of day (179.5x usual deviation).',
    ]);
    expect(within(details[1]!).getByRole('listitem').textContent).toContain('p = 2.1e-23');
  });

  it('names the signals without data, with their cause under details', async () => {
    const s = snapshot();
    s.metrics.push({
      metric: 'requests',
      kind: 'throughput',
      direction: 'lower-is-worse',
      outcome: 'no-data',
      risk: 0,
      points: 0,
      alerts: 0,
      reason: 'requests: prometheus answered 503 Service Unavailable',
    });
    await renderInTestApp(<HealthSummary current={s} now={PERIOD_END} />);
    const last = screen.getByText('No data for requests.');
    expect(last.closest('li')!.textContent).toContain('prometheus answered 503 Service Unavailable');
  });

  it('shows the sentence and its details on the metric too, and a normal metric in words', async () => {
    await renderInTestApp(
      <>
        <MetricChart metric={errors} />
        <MetricChart metric={latency} />
      </>,
    );
    expect(screen.getByText(/^errors went above its expected range at 20 Nov, 06:35/)).toBeTruthy();
    expect(screen.getByText('p99 latency is normal: all 30 points within the expected range.')).toBeTruthy();
    expect(screen.getByText(/25 of 30 points anomalous/)).toBeTruthy();
    expect(screen.queryByText(ISO)).toBeNull();
  });

  it('falls back to the stored line for snapshots from before the structured fields', async () => {
    const old: MetricRisk = { ...errors, threshold: undefined, anomalous: undefined } as MetricRisk;
    delete old.threshold;
    await renderInTestApp(<MetricChart metric={old} />);
    expect(screen.getAllByText(errors.reason)).toHaveLength(1);
  });

  it('gives the overview card the same first sentence, not the stored line with its ISO time', async () => {
    const backend = new InMemoryServiceGuard();
    backend.health.set('component/default/checkout', { ...failingHealth(), current: snapshot() });
    await renderInTestApp(
      <EntityProvider entity={optedIn('checkout')}>
        <ServiceGuardCard now={() => PERIOD_END} />
      </EntityProvider>,
      {
        apis: [[serviceGuardApiRef, backend], mockApis.permission()],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    const card = await screen.findByTestId('service-guard-card');
    expect(within(card).getByText(/^errors went above its expected range at 20 Nov, 06:35/)).toBeTruthy();
    expect(card.textContent).not.toMatch(/usual deviation|stored reasons/);
  });
});
