// @vitest-environment jsdom
import './support/setup.ts';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { expect, it } from 'vitest';
import { serviceGuardApiRef } from '../src/api.ts';
import { ServiceGuardContent } from '../src/components/ServiceGuardContent.tsx';
import { InMemoryServiceGuard } from './support/fakeApi.ts';
import { failingHealth, optedIn } from './support/fixtures.ts';

const GRAPH =
  'https://prometheus.example.com/graph?g0.expr=sum%28rate%28http_errors_total%5B1m%5D%29%29&g0.tab=0&g0.range_input=30m&g0.end_input=2026-11-20T12%3A00%3A00Z';

it("links each metric that has one to the provider's own view, in a new tab", async () => {
  const backend = new InMemoryServiceGuard();
  const health = failingHealth();
  const [first, second, ...rest] = health.current!.metrics;
  health.current!.metrics = [
    { ...first!, link: { provider: 'prometheus', url: GRAPH } },
    // A link that is not http(s) is never rendered.
    { ...second!, link: { provider: 'datadog', url: 'javascript:alert(1)' } },
    ...rest,
  ];
  backend.health.set('component/default/checkout', health);
  await renderInTestApp(
    <EntityProvider entity={optedIn('checkout')}>
      <ServiceGuardContent />
    </EntityProvider>,
    { apis: [[serviceGuardApiRef, backend], mockApis.permission()] },
  );
  const link = await screen.findByRole('link', {
    name: `Open the query of ${first!.metric} in Prometheus (new tab)`,
  });
  expect(link.getAttribute('href')).toBe(GRAPH);
  expect(link.getAttribute('target')).toBe('_blank');
  expect(link.getAttribute('rel')).toBe('noopener noreferrer');
  expect(link.textContent).toBe('Open in Prometheus');
  expect(screen.getAllByText(/^Open in /)).toHaveLength(1);
});
