// @vitest-environment jsdom
import './support/newYork.ts';
import './support/setup.ts';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { serviceGuardApiRef } from '../src/api.ts';
import { ServiceGuardCard } from '../src/components/ServiceGuardCard.tsx';
import { InMemoryServiceGuard } from './support/fakeApi.ts';
import { entity, failingHealth, optedIn, PERIOD_END, verification } from './support/fixtures.ts';

function render(backend: InMemoryServiceGuard, e = optedIn('checkout')) {
  return renderInTestApp(
    <EntityProvider entity={e}>
      <ServiceGuardCard now={() => PERIOD_END + 2 * 3_600_000} />
    </EntityProvider>,
    {
      apis: [[serviceGuardApiRef, backend], mockApis.permission()],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('Service Guard card', () => {
  it('shows the health badge, the first reason and the last verification', async () => {
    const backend = new InMemoryServiceGuard();
    backend.health.set('component/default/checkout', failingHealth());
    backend.verifications.set('component/default/checkout', [
      verification({ id: '9', verdict: 'pass', version: '2.14.1', finishedAt: '2026-11-20T13:10:00.000Z' }),
      verification(),
    ]);
    render(backend);
    const card = await screen.findByTestId('service-guard-card');
    expect(within(card).getByText('Unhealthy')).toBeTruthy();
    expect(within(card).getByText('score 31 / 100')).toBeTruthy();
    expect(within(card).getByText(failingHealth().current!.reasons[0]!)).toBeTruthy();
    expect(within(card).getByText('analysed 1 h ago')).toBeTruthy();
    // Only the newest verification.
    expect(within(card).getByText('Passed')).toBeTruthy();
    expect(within(card).getByText('version 2.14.1, 20 Nov, 08:10 GMT-5')).toBeTruthy();
    expect(within(card).queryByText('Failed')).toBeNull();
  });

  it('links to the Service Guard tab of the entity', async () => {
    const backend = new InMemoryServiceGuard();
    backend.health.set('component/default/checkout', failingHealth());
    render(backend);
    await screen.findByTestId('service-guard-card');
    const link = screen.getByRole('link', { name: 'Open the Service Guard tab' });
    expect(link.getAttribute('href')).toBe('/catalog/default/component/checkout/service-guard');
  });

  it('says "not analysed yet" and "none reported" for a fresh entity', async () => {
    render(new InMemoryServiceGuard(), optedIn('fresh'));
    expect(await screen.findByText('Not analysed yet.')).toBeTruthy();
    expect(screen.getByText('None reported.')).toBeTruthy();
  });

  it('tells how to opt in on an entity without the annotation', async () => {
    render(new InMemoryServiceGuard(), entity('legacy-billing'));
    expect(await screen.findByText(/Not watched. Add the annotation/)).toBeTruthy();
    expect(screen.getByText('vigil.dev/service-guard', { selector: 'code' })).toBeTruthy();
  });
});
