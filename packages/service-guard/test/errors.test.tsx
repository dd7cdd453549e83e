// @vitest-environment jsdom
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
import { failingHealth, optedIn, verification } from './support/fixtures.ts';

async function open(backend: InMemoryServiceGuard) {
  await renderInTestApp(
    <EntityProvider entity={optedIn('checkout')}>
      <ServiceGuardContent />
    </EntityProvider>,
    { apis: [[serviceGuardApiRef, backend], mockApis.permission({ authorize: AuthorizeResult.ALLOW })] },
  );
}

/** The alert's words, without the request line folded under "details". */
function wordsOf(alert: HTMLElement): string {
  const clone = alert.cloneNode(true) as HTMLElement;
  for (const d of clone.querySelectorAll('details')) d.remove();
  return clone.textContent ?? '';
}

describe('a refused or failed read, in words', () => {
  const path = '/api/service-guard/entities/component/default/checkout/health';

  it('explains a 403 on the health instead of showing "GET ... 403"', async () => {
    const backend = new InMemoryServiceGuard();
    backend.failReads = { n: 1, status: 403, message: `GET ${path}: 403 not allowed` };
    await open(backend);
    const title = await screen.findByText("Service Guard could not load this entity's health");
    const alert = title.closest('[role="alert"], div')!.parentElement! as HTMLElement;
    const words = wordsOf(alert);
    expect(words).toContain(
      'Service Guard refused to show this to you: the permission policy does not allow it',
    );
    expect(words).toContain('Ask your Backstage admins');
    expect(words).not.toContain('GET ');
    // The request line is still there for whoever reports it, folded away.
    expect(within(alert).getByTestId('details').textContent).toContain(`GET ${path}: 403 not allowed`);
  });

  it('says an expired sign-in is one, and that a reload fixes it', async () => {
    const backend = new InMemoryServiceGuard();
    backend.failReads = { n: 1, status: 401, message: `GET ${path}: 401 Unauthorized` };
    await open(backend);
    expect(
      await screen.findByText(/Your sign-in has expired\. Reload the page to sign in again\./),
    ).toBeTruthy();
  });

  it('explains a 403 on loading older verifications', async () => {
    const backend = new InMemoryServiceGuard();
    backend.health.set('component/default/checkout', failingHealth());
    backend.verifications.set(
      'component/default/checkout',
      Array.from({ length: 12 }, (_, i) => verification({ id: String(100 - i) })),
    );
    await open(backend);
    await screen.findAllByTestId('verification');
    backend.failReads = { n: 1, status: 403, message: 'GET /verifications: 403 not allowed' };
    await userEvent.setup().click(screen.getByRole('button', { name: 'Show older verifications' }));
    const line = await screen.findByText(/^Could not load older verifications:/);
    expect(line.textContent).toContain('the permission policy does not allow it');
    expect(line.textContent).not.toContain('GET ');
  });
});
