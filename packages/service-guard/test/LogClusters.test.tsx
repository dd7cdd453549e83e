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
import { InMemoryServiceGuard } from './support/fakeApi.ts';
import { failingHealth, optedIn, PERIOD_END } from './support/fixtures.ts';

const now = () => PERIOD_END + 5 * 60_000;

/** Opens the checkout tab on `backend`, as a page load (or a reload) does. */
async function open(backend: InMemoryServiceGuard) {
  const view = await renderInTestApp(
    <EntityProvider entity={optedIn('checkout')}>
      <ServiceGuardContent now={now} />
    </EntityProvider>,
    { apis: [[serviceGuardApiRef, backend], mockApis.permission({ authorize: AuthorizeResult.ALLOW })] },
  );
  await screen.findByText('Unhealthy');
  return view;
}

const newCluster = () =>
  screen.getAllByTestId('log-cluster').find((c) => c.getAttribute('data-cluster-class') === 'unknown')!;

function checkout(): InMemoryServiceGuard {
  const backend = new InMemoryServiceGuard();
  backend.health.set('component/default/checkout', failingHealth());
  return backend;
}

describe('feedback on a log cluster', () => {
  it('shows the choice after saving: which, who, when and why', async () => {
    const backend = checkout();
    await open(backend);
    const user = userEvent.setup();
    const form = await within(newCluster()).findByRole('group', { name: /feedback on java.lang/ });
    await user.type(within(form).getByRole('textbox'), 'known promo bug, fix ships in 2.14.1');
    await user.click(within(form).getByRole('button', { name: 'High risk' }));
    const state = await within(newCluster()).findByRole('status');
    expect(within(state).getByText('Saved:')).toBeTruthy();
    expect(within(state).getByText('High risk')).toBeTruthy();
    // Saved at 12:05 UTC: 07:05 in New York.
    expect(within(state).getByText('by user:default/guest, 20 Nov, 07:05')).toBeTruthy();
    expect(within(state).getByText(/known promo bug, fix ships in 2.14.1/).textContent).toBe(
      '\u201cknown promo bug, fix ships in 2.14.1\u201d The next analysis scores the cluster with it.',
    );
  });

  it('shows earlier feedback on its cluster after a reload', async () => {
    const backend = checkout();
    const first = await open(backend);
    const user = userEvent.setup();
    const form = await within(newCluster()).findByRole('group', { name: /feedback on java.lang/ });
    await user.type(within(form).getByRole('textbox'), 'promo rollout');
    await user.click(within(form).getByRole('button', { name: 'Medium risk' }));
    await within(newCluster()).findByRole('status');
    first.unmount();

    await open(backend);
    const state = within(newCluster()).getByTestId('feedback-state');
    expect(within(state).getByText('Marked')).toBeTruthy();
    expect(within(state).getByText('Medium risk')).toBeTruthy();
    expect(within(state).getByText('by user:default/guest, 20 Nov, 07:05')).toBeTruthy();
    expect(within(state).getByText(/promo rollout/)).toBeTruthy();
    // Not announced as just saved: it was loaded.
    expect(within(newCluster()).queryByRole('status')).toBeNull();
    // The known cluster has no feedback, and shows none.
    const known = screen
      .getAllByTestId('log-cluster')
      .find((c) => c.getAttribute('data-cluster-class') === 'known')!;
    expect(within(known).queryByTestId('feedback-state')).toBeNull();
  });

  it('says whether the analysis shown already applied the feedback', async () => {
    const backend = checkout();
    const health = failingHealth();
    const npe = health.current!.logs!.clusters.find((c) => c.clusterId === 'c-npe')!;
    npe.feedback = {
      action: 'not-a-risk-consider-frequency',
      reason: 'expected during the promo',
      createdBy: 'user:default/alice',
      createdAt: '2026-11-20T11:10:00.000Z',
    };
    backend.health.set('component/default/checkout', health);
    await open(backend);
    const state = within(newCluster()).getByTestId('feedback-state');
    expect(within(state).getByText('Not a risk unless its frequency changes')).toBeTruthy();
    expect(within(state).getByText('by user:default/alice, 20 Nov, 06:10')).toBeTruthy();
    expect(within(state).getByText(/This analysis scored the cluster with it\./)).toBeTruthy();
  });

  it('sums the logs up in words, the comparison statistics under details', async () => {
    const backend = checkout();
    const health = failingHealth();
    health.current!.logs!.explanation =
      'Logs fail (risk 0.82): 320 canary and 5400 baseline messages; 1 new (all in the canary by chance: p = 2.1e-23)';
    backend.health.set('component/default/checkout', health);
    await open(backend);
    const card = screen.getByRole('list', { name: 'log clusters to look at' }).parentElement!;
    const summary = within(card).getByText(
      /^Logs: a new kind of error message \(12 times, never seen before\)/,
    );
    expect(summary.textContent).not.toMatch(/canary|baseline|p = /);
    expect(within(card).getAllByTestId('details')[0]!.textContent).toContain('p = 2.1e-23');
  });

  it('offers the four choices alike: "High risk" is not drawn as if already chosen', async () => {
    await open(checkout());
    const form = await within(newCluster()).findByRole('group', { name: /feedback on java.lang/ });
    const buttons = within(form).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual([
      'Not a risk',
      'Not a risk unless its frequency changes',
      'Medium risk',
      'High risk',
    ]);
    // A filled (primary) red button reads as a pressed toggle; all four are plain secondary buttons.
    expect(buttons.map((b) => b.getAttribute('data-variant'))).toEqual([
      'secondary',
      'secondary',
      'secondary',
      'secondary',
    ]);
    expect(buttons.filter((b) => b.getAttribute('data-destructive') === 'true')).toEqual([]);
  });
});
