// @vitest-environment jsdom
import './support/newYork.ts';
import './support/setup.ts';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import type { HealthResponse, ProblemsSummary } from '@vigil/backstage-plugin-service-guard-common';
import { describe, expect, it } from 'vitest';
import { serviceGuardApiRef } from '../src/api.ts';
import { entityReason } from '../src/components/EntitiesHealth.tsx';
import { ServiceGuardContent } from '../src/components/ServiceGuardContent.tsx';
import { InMemoryServiceGuard } from './support/fakeApi.ts';
import { failingHealth, latencyRisk, optedIn, PERIOD_END } from './support/fixtures.ts';

const HOSTILE = '<img src=x onerror="window.__pwned=1"> Failure rate increase';
const PROBLEM_URL =
  'https://abc12345.live.dynatrace.com/#problems/problemdetails;pid=-7264381127385419883_1700000000000V2';
const iso = (ms: number) => new Date(ms).toISOString();

function problems(overrides: Partial<ProblemsSummary> = {}): ProblemsSummary {
  return {
    policy: 'warn',
    outcome: 'warn',
    explanation: '2 alerts raised during the window: problem P-2611 "..." (dt, open, performance)',
    providers: ['dt', 'dd'],
    total: 2,
    errors: [],
    items: [
      {
        provider: 'dt',
        kind: 'problem',
        id: '-7264381127385419883_1700000000000V2',
        displayId: 'P-2611',
        title: HOSTILE,
        status: 'open',
        severity: 'PERFORMANCE',
        impact: 'SERVICES',
        start: iso(PERIOD_END - 20 * 60_000),
        entities: ['checkout'],
        link: { provider: 'dynatrace', url: PROBLEM_URL },
      },
      {
        provider: 'dd',
        kind: 'monitor',
        id: '4711',
        title: 'checkout error rate',
        status: 'closed',
        severity: 'P2',
        start: iso(PERIOD_END - 45 * 60_000),
        end: iso(PERIOD_END - 25 * 60_000),
        entities: ['pod_name:checkout-0'],
        // Not http(s): never rendered as a link.
        link: { provider: 'datadog', url: 'javascript:alert(1)' },
      },
    ],
    ...overrides,
  };
}

async function show(summary: ProblemsSummary | undefined, state?: HealthResponse['current']) {
  const backend = new InMemoryServiceGuard();
  const health = failingHealth();
  if (state) health.current = state;
  if (summary) health.current!.problems = summary;
  backend.health.set('component/default/checkout', health);
  await renderInTestApp(
    <EntityProvider entity={optedIn('checkout')}>
      <ServiceGuardContent now={() => PERIOD_END + 5 * 60_000} />
    </EntityProvider>,
    { apis: [[serviceGuardApiRef, backend], mockApis.permission()] },
  );
  await screen.findByTestId('service-guard-tab');
}

describe('Problems and alerts on the tab', () => {
  it('lists each alert with its status, severity, local start and a link to the provider page', async () => {
    await show(problems());
    const heading = screen.getByRole('heading', { name: 'Problems and alerts' });
    expect(heading).toBeTruthy();
    const list = screen.getByRole('list', { name: 'problems' });
    const items = within(list).getAllByTestId('problem');
    expect(items).toHaveLength(2);
    const [open, closed] = items as [HTMLElement, HTMLElement];
    expect(open.textContent).toContain('Open');
    // 11:40 UTC is 06:40 in New York.
    expect(open.textContent).toContain(
      'Dynatrace problem P-2611, severity performance, impact services: started 20 Nov, 06:40 GMT-5, still open when read; affects checkout.',
    );
    const link = within(open).getByRole('link', {
      name: 'Open Dynatrace problem P-2611 in Dynatrace (new tab)',
    });
    expect(link.getAttribute('href')).toBe(PROBLEM_URL);
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(closed.textContent).toContain('Closed');
    expect(closed.textContent).toContain(
      'Datadog monitor 4711, severity p2: started 20 Nov, 06:15 GMT-5, closed 20 Nov, 06:35 GMT-5; affects pod_name:checkout-0.',
    );
    expect(within(closed).queryByRole('link')).toBeNull();
    expect(screen.getByText(/^2 alerts were raised on this entity during the period\./)).toBeTruthy();
  });

  it('is a region named by its heading, so it can be reached by its name', async () => {
    await show(problems());
    const region = screen.getByRole('region', { name: 'Problems and alerts' });
    expect(within(region).getAllByTestId('problem')).toHaveLength(2);
  });

  it('marks each alert once, by its status dot, and wraps a long unbroken title rather than overflow', async () => {
    const long = `CPU-saturation-on-${'checkout-7d9f4b6c8-x2k9p/'.repeat(20)}`;
    const [first] = problems().items;
    await show(problems({ items: [{ ...first!, title: long }], total: 1 }));
    const item = screen.getByTestId('problem');
    // The list's own bullet beside the dot read as two markers (the log clusters have none either).
    expect(item.style.listStyle).toBe('none');
    expect(screen.getByRole('list', { name: 'problems' }).style.paddingLeft).toBe('0px');
    expect(screen.getByText(long).style.overflowWrap).toBe('anywhere');
  });

  it('shows a hostile title as text, never as markup', async () => {
    await show(problems());
    const title = screen.getByText(HOSTILE);
    expect(title.textContent).toBe(HOSTILE);
    expect(title.querySelector('img')).toBeNull();
    expect(document.querySelector('img[src="x"]')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('warns when a provider could not be read, rather than saying there were no problems', async () => {
    await show(
      problems({
        outcome: 'no-data',
        explanation: 'evidence could not be read from dt (unavailable: connection reset)',
        providers: ['dt'],
        items: [],
        total: 0,
        errors: [
          { provider: 'dt', message: 'unavailable: problems (GET /api/v2/problems): connection reset' },
        ],
      }),
    );
    expect(screen.getByText('The alerts of provider "dt" could not be read for this period')).toBeTruthy();
    expect(screen.getByText(/The health is that of the metrics and logs\./)).toBeTruthy();
    expect(screen.queryByText(/No problem or monitor alert was raised/)).toBeNull();
    expect(screen.queryByRole('list', { name: 'problems' })).toBeNull();
  });

  it('says when nothing was raised, and shows no section when the profile reads no alerts', async () => {
    await show(problems({ outcome: 'pass', items: [], total: 0, explanation: 'no alerts' }));
    expect(
      screen.getByText(
        /No problem or monitor alert was raised on this entity during the period \(read from dt, dd\)/,
      ),
    ).toBeTruthy();
  });

  it('has no section for a snapshot without alerts read', async () => {
    await show(undefined);
    expect(screen.queryByRole('heading', { name: 'Problems and alerts' })).toBeNull();
  });

  it('names the alerts first among the reasons when the evidence policy made the period unhealthy', async () => {
    await show(problems({ policy: 'fail', outcome: 'fail' }));
    const list = screen.getByRole('list', { name: 'reasons' });
    expect(list.firstElementChild!.firstElementChild!.textContent).toBe(
      '2 alerts were raised on this entity during the period, and the profile makes alerts fail the health (see Problems and alerts).',
    );
  });
});

describe('the catalog-wide page', () => {
  it("phrases an entity's why from the alerts when they made it unhealthy", () => {
    const summary = problems({ policy: 'fail', outcome: 'fail', items: [] });
    expect(
      entityReason({
        entityRef: 'component:default/checkout',
        owners: [],
        state: 'unhealthy',
        score: 49,
        reason: summary.explanation,
        signals: { metrics: [latencyRisk], logs: null, problems: summary },
      }),
    ).toBe(
      '2 alerts were raised on this entity during the period, and the profile makes alerts fail the health (see Problems and alerts).',
    );
  });
});
