// @vitest-environment jsdom
import './support/newYork.ts';
import './support/setup.ts';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { serviceGuardApiRef } from '../src/api.ts';
import { ServiceGuardContent } from '../src/components/ServiceGuardContent.tsx';
import { VerificationItem } from '../src/components/Verifications.tsx';
import { InMemoryServiceGuard } from './support/fakeApi.ts';
import { entity, failingHealth, optedIn, PERIOD_END, verification } from './support/fixtures.ts';

const now = () => PERIOD_END + 5 * 60_000;

// usePermission caches decisions for the whole module (SWR), so the denied case lives in
// permissions.test.tsx, a module of its own.
function setup(options: { backend?: InMemoryServiceGuard; name?: string } = {}) {
  const backend = options.backend ?? new InMemoryServiceGuard();
  if (!options.backend) {
    backend.health.set('component/default/checkout', failingHealth());
    backend.verifications.set('component/default/checkout', [
      verification({ rollbackRunUrl: 'https://github.com/acme/checkout/actions/runs/43' }),
    ]);
  }
  const view = renderInTestApp(
    <EntityProvider entity={optedIn(options.name ?? 'checkout')}>
      <ServiceGuardContent now={now} />
    </EntityProvider>,
    {
      apis: [[serviceGuardApiRef, backend], mockApis.permission({ authorize: AuthorizeResult.ALLOW })],
    },
  );
  return { backend, view };
}

describe('Service Guard tab', () => {
  it('shows the health state, score and reasons in words', async () => {
    setup();
    expect(await screen.findByText('Unhealthy')).toBeTruthy();
    expect(screen.getByLabelText('score').textContent).toBe('score 31 / 100');
    const list = screen.getByRole('list', { name: 'reasons' });
    const reasons = [...list.children].map((li) => li.firstElementChild!.textContent);
    // The failing metric first, then the logs (phrased from their clusters; statistics under "details").
    expect(reasons).toEqual([
      failingHealth().current!.metrics[1]!.reason,
      expect.stringMatching(/^Logs: a new kind of error message \(12 times, never seen before\)/),
    ]);
    expect(screen.getByText(/analysed 4 min ago with profile "web"/)).toBeTruthy();
  });

  it('draws the risk timeline oldest first, naming the changes of state', async () => {
    setup();
    const timeline = await screen.findByTestId('risk-timeline');
    const label = timeline.getAttribute('aria-label')!;
    expect(label).toContain('last 6 periods');
    expect(label).toContain('Now unhealthy at 31');
    // Oldest first: healthy, no data, healthy, healthy, degraded, unhealthy.
    expect(label).toContain('no data from 20 Nov, 04:30; healthy from 20 Nov, 05:00');
    expect(label).toContain('degraded from 20 Nov, 06:00; unhealthy from 20 Nov, 06:30');
    expect(timeline.querySelectorAll('circle')).toHaveLength(6);
  });

  it('charts each metric against its band, riskiest first, marking the anomaly', async () => {
    setup();
    await screen.findByText('Unhealthy');
    const charts = screen.getAllByTestId('metric-chart');
    expect(charts).toHaveLength(2);
    expect(charts[0]!.getAttribute('aria-label')).toBe(
      'errors: most anomalous value 42 on checkout-0 at 20 Nov, 06:55, expected 7 (band 3 to 11); outside the band: anomaly.',
    );
    expect(within(charts[0]! as HTMLElement).queryAllByTestId('anomaly-marker')).toHaveLength(1);
    // The normal metric's value is drawn inside its band, not as an anomaly.
    expect(within(charts[1]! as HTMLElement).queryAllByTestId('anomaly-marker')).toHaveLength(0);
    expect(within(charts[1]! as HTMLElement).getAllByTestId('value-marker')).toHaveLength(1);
  });

  it('lists the new log cluster before the known one, with its sample', async () => {
    setup();
    await screen.findByText('Unhealthy');
    const toLook = screen.getByRole('list', { name: 'log clusters to look at' });
    const items = within(toLook).getAllByTestId('log-cluster');
    expect(items.map((i) => i.getAttribute('data-cluster-class'))).toEqual(['unknown']);
    expect(within(items[0]!).getByText('New')).toBeTruthy();
    expect(within(items[0]!).getByText(/12 in the period, 0 in the history, risk 90%/)).toBeTruthy();
    expect(screen.getByText('1 known cluster at their usual frequency')).toBeTruthy();
  });

  it('stores feedback from the keyboard alone and says so', async () => {
    const { backend } = setup();
    const user = userEvent.setup();
    await screen.findByText('Unhealthy');
    const form = screen.getByRole('group', { name: /feedback on java.lang.NullPointerException/ });
    const field = within(form).getByRole('textbox');
    field.focus();
    await user.keyboard('promo rollout, fixed in 2.14.1');
    await user.tab();
    expect(document.activeElement?.textContent).toBe('Not a risk');
    await user.keyboard('{Enter}');
    const saved = await screen.findByRole('status');
    expect(within(saved).getByText('Not a risk')).toBeTruthy();
    expect(within(saved).getByText(/^by user:default\/guest, /)).toBeTruthy();
    expect(backend.feedback).toHaveLength(1);
    expect(backend.feedback[0]).toMatchObject({
      entityRef: 'component:default/checkout',
      clusterId: 'c-npe',
      action: 'not-a-risk-ignore-frequency',
      reason: 'promo rollout, fixed in 2.14.1',
    });
  });

  it('explains a 403 on feedback in words, naming the missing permission, and keeps the reason', async () => {
    const { backend } = setup();
    // The frontend's permission check allowed it, the backend's policy (per entity) did not.
    const path = '/api/service-guard/entities/component/default/checkout/clusters/c-npe/feedback';
    backend.failWrites = { n: 1, status: 403, message: `POST ${path}: 403 Unauthorized` };
    const user = userEvent.setup();
    await screen.findByText('Unhealthy');
    const form = screen.getByRole('group', { name: /feedback on java.lang.NullPointerException/ });
    await user.type(within(form).getByRole('textbox'), 'known promo bug');
    await user.click(within(form).getByRole('button', { name: 'Medium risk' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toBe(
      'Not saved: you lack the permission service-guard.feedback.create for this entity. Ask your Backstage admins to grant it in the permission policy.',
    );
    expect(alert.textContent).not.toContain('POST');
    expect(backend.feedback).toHaveLength(0);
    expect(within(form).getByRole('textbox')).toHaveProperty('value', 'known promo bug');
  });

  it('asks for a reason before sending feedback', async () => {
    const { backend } = setup();
    const user = userEvent.setup();
    await screen.findByText('Unhealthy');
    const form = screen.getByRole('group', { name: /feedback on java.lang.NullPointerException/ });
    await user.click(within(form).getByRole('button', { name: 'High risk' }));
    expect(within(form).getByRole('alert').textContent).toMatch(/Say why first/);
    expect(backend.feedback).toHaveLength(0);
  });

  it('lists verifications with verdict, version, time and links to the workflow and rollback runs', async () => {
    setup();
    const item = await screen.findByTestId('verification');
    expect(within(item).getByText('Failed')).toBeTruthy();
    expect(within(item).getByText('version 2.14.0')).toBeTruthy();
    expect(within(item).getByText(/finished 20 Nov, 06:30 GMT-5/)).toBeTruthy();
    expect(within(item).getByRole('link', { name: 'Workflow run' }).getAttribute('href')).toBe(
      'https://github.com/acme/checkout/actions/runs/42',
    );
    expect(within(item).getByRole('link', { name: 'Rollback run' }).getAttribute('href')).toBe(
      'https://github.com/acme/checkout/actions/runs/43',
    );
  });

  it('shows who posted each verification, and loads older ones a page at a time', async () => {
    const backend = new InMemoryServiceGuard();
    backend.health.set('component/default/checkout', failingHealth());
    backend.verifications.set(
      'component/default/checkout',
      Array.from({ length: 13 }, (_, i) =>
        verification({ id: String(100 - i), version: `2.${13 - i}.0`, createdBy: 'external:github-action' }),
      ),
    );
    setup({ backend });
    const user = userEvent.setup();
    expect(await screen.findAllByTestId('verification')).toHaveLength(10);
    expect(screen.getAllByLabelText('posted by')[0]!.textContent).toBe('posted by external:github-action');
    await user.click(screen.getByRole('button', { name: 'Show older verifications' }));
    expect(await screen.findByText('version 2.1.0')).toBeTruthy();
    expect(screen.getAllByTestId('verification')).toHaveLength(13);
    expect(screen.queryByRole('button', { name: 'Show older verifications' })).toBeNull();
  });

  it('says when the analysis is late, and by how much', async () => {
    const backend = new InMemoryServiceGuard();
    backend.health.set('component/default/checkout', {
      ...failingHealth(),
      freshness: { expectedPeriodStart: '2026-11-20T13:00:00.000Z', lateByMs: 90 * 60_000 },
    });
    setup({ backend });
    expect((await screen.findByLabelText('late')).textContent).toMatch(/^Analysis is late by 2 h/);
  });

  it('links no rollback run when none was dispatched or its address is not a web address', async () => {
    await renderInTestApp(
      <ul>
        <VerificationItem v={verification({ id: '1' })} />
        <VerificationItem v={verification({ id: '2', rollbackRunUrl: 'javascript:alert(1)' })} />
      </ul>,
    );
    expect(screen.getAllByTestId('verification')).toHaveLength(2);
    expect(screen.getAllByRole('link', { name: 'Workflow run' })).toHaveLength(2);
    expect(screen.queryByRole('link', { name: 'Rollback run' })).toBeNull();
  });

  it('explains how to opt in on an entity without the annotation, without calling the backend', async () => {
    const backend = new InMemoryServiceGuard();
    backend.failReads = { n: 99, status: 500, message: 'must not be called' };
    await renderInTestApp(
      <EntityProvider entity={entity('legacy-billing')}>
        <ServiceGuardContent now={now} />
      </EntityProvider>,
      { apis: [[serviceGuardApiRef, backend], mockApis.permission()] },
    );
    expect(await screen.findByText('Service Guard is not watching this entity')).toBeTruthy();
    expect(screen.getByTestId('opt-in-annotation').textContent).toContain('vigil.dev/service-guard: default');
    expect(backend.failReads.n).toBe(99);
  });

  it('says when an opted-in entity has not been analysed yet', async () => {
    setup({ backend: new InMemoryServiceGuard(), name: 'fresh' });
    expect(await screen.findByText('Not analysed yet')).toBeTruthy();
    expect(screen.getByText(/No deployment verified yet/)).toBeTruthy();
  });

  it('shows a loading state while the backend answers', async () => {
    const backend = new InMemoryServiceGuard();
    backend.hang = true;
    setup({ backend });
    expect(await screen.findByRole('progressbar', { name: 'Loading Service Guard' })).toBeTruthy();
  });

  it('shows the error and loads again on "Try again"', async () => {
    const backend = new InMemoryServiceGuard();
    backend.health.set('component/default/checkout', failingHealth());
    backend.failReads = {
      n: 1,
      status: 503,
      message: 'GET /entities/component/default/checkout/health: 503 down',
    };
    setup({ backend });
    expect(await screen.findByText("Service Guard could not load this entity's health")).toBeTruthy();
    expect(screen.getByText(/503 down/)).toBeTruthy();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Unhealthy')).toBeTruthy();
  });
});
