// @vitest-environment jsdom
import './support/newYork.ts';
import './support/setup.ts';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult, type EvaluatePermissionRequest } from '@backstage/plugin-permission-common';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { serviceGuardApiRef } from '../src/api.ts';
import { RunNow } from '../src/components/RunNow.tsx';
import { ServiceGuardContent } from '../src/components/ServiceGuardContent.tsx';
import { InMemoryServiceGuard } from './support/fakeApi.ts';
import { failingHealth, history, optedIn } from './support/fixtures.ts';

const REF = 'component:default/checkout';
const KEY = 'component/default/checkout';

function render(
  backend: InMemoryServiceGuard,
  options: { allow?: boolean; onDone?: () => void; entityRef?: string } = {},
) {
  const asked: EvaluatePermissionRequest[] = [];
  const authorize = (request: EvaluatePermissionRequest) => {
    asked.push(request);
    return options.allow === false ? AuthorizeResult.DENY : AuthorizeResult.ALLOW;
  };
  const view = renderInTestApp(
    <RunNow
      entityRef={options.entityRef ?? REF}
      pollMs={5}
      {...(options.onDone ? { onDone: options.onDone } : {})}
    />,
    { apis: [[serviceGuardApiRef, backend], mockApis.permission({ authorize })] },
  );
  return { view, asked };
}

/** The button once the permission answer has enabled it. */
async function enabledButton() {
  return waitFor(() => {
    const b = screen.getByRole('button', { name: 'Run now' });
    expect(b.hasAttribute('disabled')).toBe(false);
    return b;
  });
}

const status = () => screen.getByTestId('run-now-status');

/** Clicks Run now on a backend that refuses the request once with `status` and the client's error line. */
async function clickRunNowRefused(status: number, message: string) {
  const backend = new InMemoryServiceGuard();
  backend.failRun = { n: 1, status, message };
  render(backend);
  await userEvent.setup().click(await enabledButton());
}

describe('Run now', () => {
  it('starts a run, shows it queued then running, then the health it found', async () => {
    const backend = new InMemoryServiceGuard();
    let done = 0;
    const { asked } = render(backend, { onDone: () => done++ });
    await userEvent.setup().click(await enabledButton());
    await within(status()).findByText('Queued: waiting for a free analysis slot on the backend.');
    expect(backend.runRequests).toBe(1);
    // The permission was asked about this entity, so a per-entity policy decides.
    expect(asked.map((r) => [r.permission.name, (r as { resourceRef?: string }).resourceRef])).toContainEqual(
      ['service-guard.run.trigger', REF],
    );
    // While it runs, the button cannot start a second one.
    expect(
      screen.getByRole('button', { name: /Run now/ }).hasAttribute('disabled') ||
        screen.getByRole('button', { name: /Run now/ }).getAttribute('aria-disabled') === 'true' ||
        screen.getByRole('button', { name: /Run now/ }).hasAttribute('data-disabled'),
    ).toBe(true);

    backend.setRun(REF, { status: 'running', startedAt: '2026-11-20T12:04:01.000Z' });
    await within(status()).findByText('Running: analysing the last complete period.');
    expect(done).toBe(0);

    backend.setRun(REF, {
      status: 'done',
      outcome: 'analysed',
      finishedAt: '2026-11-20T12:04:09.000Z',
      health: history()[0]!,
    });
    await within(status()).findByText('Done: analysed for the period ending 20 Nov, 07:00 GMT-5.');
    expect(within(status()).getByText('Unhealthy')).toBeTruthy();
    expect(within(status()).getByText('score 31 / 100.')).toBeTruthy();
    expect(done).toBe(1);
    expect(backend.runs.get(KEY)?.runId).toBe('run-1');
  });

  it('says when the period was already analysed', async () => {
    const backend = new InMemoryServiceGuard();
    render(backend);
    await userEvent.setup().click(await enabledButton());
    await within(status()).findByText(/^Queued/);
    backend.setRun(REF, { status: 'done', outcome: 'already-analysed', health: history()[1]! });
    await within(status()).findByText(
      'Up to date: the last complete period was already analysed for the period ending 20 Nov, 06:30 GMT-5.',
    );
    expect(within(status()).getByText('Degraded')).toBeTruthy();
  });

  it('shows why a run failed, in words', async () => {
    const backend = new InMemoryServiceGuard();
    render(backend);
    await userEvent.setup().click(await enabledButton());
    backend.setRun(REF, {
      status: 'failed',
      error: 'the analysis failed: Prometheus at http://prom:9090 answered 503 Service Unavailable',
    });
    await within(status()).findByText(
      'Failed: the analysis failed: Prometheus at http://prom:9090 answered 503 Service Unavailable.',
    );
    // It can be started again.
    expect(screen.getByRole('button', { name: 'Run now' }).hasAttribute('disabled')).toBe(false);
  });

  it('explains a 403 from the backend in words, not as "POST ... 403"', async () => {
    await clickRunNowRefused(
      403,
      'POST /entities/component/default/checkout/run: 403 not allowed: service-guard.run.trigger on component:default/checkout',
    );
    const text = await within(status()).findByText(/^Not started: you lack the permission/);
    expect(text.textContent).toBe(
      'Not started: you lack the permission service-guard.run.trigger for this entity. Ask your Backstage admins to grant it in the permission policy.',
    );
    expect(status().textContent).not.toContain('POST');
  });

  it("gives the backend's reason for a 409 without the request line", async () => {
    await clickRunNowRefused(
      409,
      'POST /entities/component/default/checkout/run: 409 component:default/checkout has not opted in to Service Guard: add the annotation vigil.dev/service-guard',
    );
    await within(status()).findByText(
      'Not started: component:default/checkout has not opted in to Service Guard: add the annotation vigil.dev/service-guard',
    );
  });

  it('is disabled with the reason for people without the permission', async () => {
    const backend = new InMemoryServiceGuard();
    // Another entity: the permission hook caches answers per permission and entity across renders.
    render(backend, { allow: false, entityRef: 'component:default/locked' });
    const explanation = await screen.findByTestId('run-now-denied');
    expect(explanation.textContent).toBe(
      'Running an analysis now needs the permission service-guard.run.trigger for this entity; the schedule analyses it every period anyway.',
    );
    const button = screen.getByRole('button', { name: 'Run now' });
    expect(button.hasAttribute('disabled')).toBe(true);
    expect(button.getAttribute('aria-describedby')).toBe(explanation.id);
    await userEvent.setup().click(button);
    expect(backend.runRequests).toBe(0);
  });

  it('picks up a run someone else started', async () => {
    const backend = new InMemoryServiceGuard();
    backend.runs.set(KEY, {
      runId: 'theirs',
      entityRef: REF,
      status: 'running',
      requestedBy: 'user:default/someone',
      requestedAt: '2026-11-20T12:03:00.000Z',
    });
    render(backend);
    await within(await screen.findByTestId('run-now')).findByText(
      'Running: analysing the last complete period.',
    );
    backend.setRun(REF, { status: 'done', outcome: 'analysed', health: history()[0]! });
    await within(status()).findByText(/^Done: analysed/);
  });

  it('loads the tab again after the run, keeping the result in view', async () => {
    const backend = new InMemoryServiceGuard();
    backend.health.set(KEY, { ...failingHealth(), current: null, history: [] });
    await renderInTestApp(
      <EntityProvider entity={optedIn('checkout')}>
        <ServiceGuardContent />
      </EntityProvider>,
      { apis: [[serviceGuardApiRef, backend], mockApis.permission()] },
    );
    await screen.findByText('Not analysed yet');
    await userEvent.setup().click(await enabledButton());
    await within(status()).findByText(/^Queued/);
    backend.health.set(KEY, failingHealth());
    backend.setRun(REF, { status: 'done', outcome: 'analysed', health: history()[0]! });
    // The tab polls once a second; the new analysis replaces "not analysed yet".
    await screen.findByTestId('service-guard-tab');
    expect(await screen.findByText('score 31 / 100', {}, { timeout: 5_000 })).toBeTruthy();
    expect(screen.queryByText('Not analysed yet')).toBeNull();
    expect(within(status()).getByText(/^Done: analysed/)).toBeTruthy();
  });
});
