// @vitest-environment jsdom
import './support/newYork.ts';
import './support/setup.ts';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type { EntityHealthSummary } from '@vigil/backstage-plugin-service-guard-common';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { serviceGuardApiRef } from '../src/api.ts';
import { createServiceGuardColumn, EntitiesHealthPage } from '../src/components/EntitiesHealth.tsx';
import { InMemoryServiceGuard } from './support/fakeApi.ts';
import { anomalousErrorsRisk, entity, optedIn, PERIOD_END } from './support/fixtures.ts';

const summary = (
  name: string,
  state: EntityHealthSummary['state'],
  score: number | null,
  owner: string,
  reason?: string,
): EntityHealthSummary => ({
  entityRef: `component:default/${name}`,
  owners: [`group:default/${owner}`],
  state,
  score,
  ...(state === 'not-analysed'
    ? {}
    : {
        periodStart: new Date(PERIOD_END - 1_800_000).toISOString(),
        periodEnd: new Date(PERIOD_END).toISOString(),
        analysedAt: new Date(PERIOD_END + 30_000).toISOString(),
      }),
  ...(reason ? { reason } : {}),
});

function backendWithEntities() {
  const backend = new InMemoryServiceGuard();
  backend.entities = [
    summary('payments', 'healthy', 97, 'team-pay'),
    summary('checkout', 'unhealthy', 31, 'team-shop', 'errors: 9 of 30 points anomalous'),
    summary('search', 'not-analysed', null, 'team-shop'),
    summary('cart', 'degraded', 64, 'team-shop'),
  ];
  return backend;
}

const routes = { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } };

describe('Service Guard catalog-wide page', () => {
  it('lists the entities worst first, each linking to its tab, with the counts', async () => {
    const backend = backendWithEntities();
    await renderInTestApp(<EntitiesHealthPage now={() => PERIOD_END + 2 * 3_600_000} />, {
      apis: [[serviceGuardApiRef, backend], mockApis.permission()],
      ...routes,
    });
    const rows = await screen.findAllByTestId('entity-health-row');
    expect(rows.map((r) => r.getAttribute('data-state'))).toEqual([
      'unhealthy',
      'degraded',
      'not-analysed',
      'healthy',
    ]);
    const first = within(rows[0]!);
    expect(first.getByRole('link', { name: 'component:default/checkout' }).getAttribute('href')).toBe(
      '/catalog/default/component/checkout/service-guard',
    );
    expect(first.getByText('Unhealthy')).toBeTruthy();
    expect(first.getByText('31 / 100')).toBeTruthy();
    expect(first.getByText('group:default/team-shop')).toBeTruthy();
    expect(first.getByText('1 h ago')).toBeTruthy();
    expect(first.getByText('errors: 9 of 30 points anomalous')).toBeTruthy();
    expect(within(rows[2]!).getByText('Not analysed yet')).toBeTruthy();
    expect(screen.getByTestId('entities-summary').textContent).toBe(
      '4 entities: 1 unhealthy, 1 degraded, 1 not analysed yet, 1 healthy.',
    );
  });

  it("says why in the tab's plain words from the signals, and keeps the stored line only without them", async () => {
    const backend = new InMemoryServiceGuard();
    const stored =
      'errors: 1 of 30 points anomalous; worst 32.8 errors/min on checkout-0 at 2026-11-20T11:36:00.000Z (32.83 vs 5.191 expected from same time of day (165.4x usual deviation))';
    const latency = {
      ...anomalousErrorsRisk,
      metric: 'latency',
      unit: 'ms',
      outcome: 'pass' as const,
      risk: 0.1,
    };
    const { anomalous: _a, worst: _w, ...quiet } = latency;
    backend.entities = [
      {
        ...summary('checkout', 'unhealthy', 31, 'team-shop', stored),
        signals: { metrics: [quiet, anomalousErrorsRisk], logs: null },
      },
      {
        ...summary('search', 'no-data', null, 'team-shop', 'requests: prometheus answered 503'),
        signals: {
          metrics: [
            { ...quiet, metric: 'requests', outcome: 'no-data', reason: 'requests: prometheus answered 503' },
          ],
          logs: null,
        },
      },
      // A summary from a backend without signals: its stored line.
      summary('cart', 'degraded', 64, 'team-shop', 'errors: 9 of 30 points anomalous'),
      {
        ...summary('payments', 'healthy', 97, 'team-pay', '1 metric normal'),
        signals: { metrics: [quiet], logs: null },
      },
    ];
    await renderInTestApp(<EntitiesHealthPage />, {
      apis: [[serviceGuardApiRef, backend], mockApis.permission()],
      ...routes,
    });
    const rows = await screen.findAllByTestId('entity-health-row');
    const why = (ref: string) =>
      rows.find((r) => within(r).queryByText(ref))!.querySelector('td:last-child')!.textContent;
    // The same sentence as the tab's first reason; 11:35 UTC is 06:35 in New York.
    expect(why('component:default/checkout')).toBe(
      'errors went above its expected range at 20 Nov, 06:35 and was outside it at 25 of 30 points, until 06:59. ' +
        'Worst: 32.8 errors/min on checkout-0 at 06:36, 6.3 times the expected 5.19 errors/min (range 3.1 errors/min to 7.2 errors/min).',
    );
    expect(why('component:default/search')).toBe('No data for requests.');
    expect(why('component:default/cart')).toBe('errors: 9 of 30 points anomalous');
    expect(why('component:default/payments')).toBe('Every metric and the logs look as usual.');
    expect(backend.listRequests).toEqual([{ include: ['signals'], limit: 100 }]);
    const page = screen.getByTestId('service-guard-entities').textContent!;
    expect(page).not.toMatch(/usual deviation|\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });

  it('filters by owner', async () => {
    const backend = backendWithEntities();
    await renderInTestApp(<EntitiesHealthPage />, {
      apis: [[serviceGuardApiRef, backend], mockApis.permission()],
      ...routes,
    });
    await screen.findAllByTestId('entity-health-row');
    const select = screen.getByLabelText('Owner');
    expect([...select.querySelectorAll('option')].map((o) => o.textContent)).toEqual([
      'All owners',
      'group:default/team-pay',
      'group:default/team-shop',
    ]);
    await userEvent.setup().selectOptions(select, 'group:default/team-pay');
    await waitFor(() => expect(screen.getAllByTestId('entity-health-row')).toHaveLength(1));
    expect(screen.getByRole('link', { name: 'component:default/payments' })).toBeTruthy();
    expect(backend.listRequests.at(-1)).toMatchObject({ owner: ['group:default/team-pay'] });
    expect(screen.getByTestId('entities-summary').textContent).toBe('1 entity: 1 healthy.');
  });

  it('says so when the user may see no watched entity, and shows load errors with a retry', async () => {
    const backend = new InMemoryServiceGuard();
    backend.failReads = { n: 1, status: 503, message: 'GET /entities: 503 down' };
    await renderInTestApp(<EntitiesHealthPage />, {
      apis: [[serviceGuardApiRef, backend], mockApis.permission()],
      ...routes,
    });
    await screen.findByText(/503 down/);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect((await screen.findByTestId('entities-summary')).textContent).toBe(
      'No entity watched by Service Guard that you may see.',
    );
  });
});

describe('Service Guard catalog column', () => {
  it("shows each row's health with one request for the whole page", async () => {
    const backend = backendWithEntities();
    const column = createServiceGuardColumn();
    expect(column.title).toBe('Service Guard');
    const rows = [optedIn('checkout'), optedIn('payments'), optedIn('hidden'), entity('legacy-billing')];
    await renderInTestApp(
      <table>
        <tbody>
          {rows.map((e) => (
            <tr key={e.metadata.name}>
              <td>{column.render({ entity: e })}</td>
            </tr>
          ))}
        </tbody>
      </table>,
      { apis: [[serviceGuardApiRef, backend], mockApis.permission()], ...routes },
    );
    const link = await screen.findByRole('link', { name: 'Service Guard: Unhealthy' });
    expect(link.getAttribute('href')).toBe('/catalog/default/component/checkout/service-guard');
    await screen.findByRole('link', { name: 'Service Guard: Healthy' });
    const cells = screen.getAllByTestId('service-guard-cell').map((c) => c.textContent);
    // `hidden` is not in the backend's answer (the user may not read it): unknown, not "healthy".
    expect(cells).toEqual(['Unhealthy', 'Healthy', 'Unknown', 'Not watched']);
    // The state alone: no signals asked for (the backend then reads none).
    expect(backend.listRequests).toEqual([
      {
        entityRef: ['component:default/checkout', 'component:default/payments', 'component:default/hidden'],
        limit: 100,
      },
    ]);
  });
});
