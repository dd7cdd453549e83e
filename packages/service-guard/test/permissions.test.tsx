// @vitest-environment jsdom
import './support/setup.ts';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult, type EvaluatePermissionRequest } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import { expect, it } from 'vitest';
import { serviceGuardApiRef } from '../src/api.ts';
import { ServiceGuardContent } from '../src/components/ServiceGuardContent.tsx';
import { InMemoryServiceGuard } from './support/fakeApi.ts';
import { failingHealth, optedIn } from './support/fixtures.ts';

it('hides the feedback actions from people without service-guard.feedback.create', async () => {
  const backend = new InMemoryServiceGuard();
  backend.health.set('component/default/checkout', failingHealth());
  const asked: string[] = [];
  const authorize = (request: EvaluatePermissionRequest) => {
    asked.push(request.permission.name);
    return AuthorizeResult.DENY;
  };
  await renderInTestApp(
    <EntityProvider entity={optedIn('checkout')}>
      <ServiceGuardContent />
    </EntityProvider>,
    { apis: [[serviceGuardApiRef, backend], mockApis.permission({ authorize })] },
  );
  // The new cluster and the known one (folded away).
  expect(await screen.findAllByTestId('log-cluster')).toHaveLength(2);
  expect(asked).toContain('service-guard.feedback.create');
  expect(screen.queryByRole('button', { name: 'Not a risk' })).toBeNull();
  expect(screen.queryByRole('group', { name: /feedback on/ })).toBeNull();
  // The clusters and their samples are still there to read.
  // The template and its sample message.
  expect(screen.getAllByText(/Cannot invoke "Discount.apply\(\)"/, { selector: 'code' })).toHaveLength(2);
});
