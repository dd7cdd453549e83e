/**
 * The portal in a real browser: starts `pnpm portal` (frontend and backend, demo data), opens the failing
 * demo service's Service Guard tab in Debian's Chromium, checks what a person sees, gives feedback on the
 * new log cluster, checks the backend stored it and that a reload shows it on its cluster; checks the
 * Dynatrace problem the demo raised on it (title, local start, link to Dynatrace's problem page) and that
 * the healthy service has none. Leaves
 * screenshots of the tab in the light and the dark theme in out/e2e/ (gitignored) to look at. Skipped where
 * /usr/bin/chromium is missing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackResponse, HealthResponse } from '@vigil/backstage-plugin-service-guard-common';
import { demoProblems } from '../../../portal/demoData.ts';
import { freePort } from '../../../test/support/freePort.ts';

const CHROMIUM = '/usr/bin/chromium';
const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
/** Where the screenshots go: out/ is gitignored. */
export const screenshotDir = join(repoRoot, 'out/e2e');
export const screenshotPath = join(screenshotDir, 'service-guard-light.png');
export const darkScreenshotPath = join(screenshotDir, 'service-guard-dark.png');
export const optInScreenshotPath = join(screenshotDir, 'service-guard-opt-in.png');
export const runNowScreenshotPath = join(screenshotDir, 'service-guard-run-now.png');
export const entitiesScreenshotPath = join(screenshotDir, 'service-guard-entities.png');

/** Where portal/app-config.yaml says the demo's Dynatrace UI is (links go there, in Dynatrace's format). */
const DYNATRACE_UI = 'https://dynatrace.example.com/e/vigil-demo';
/** Browser options shared by every context of the test. */
const BROWSER_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Opens `url` and waits for `target`, signing in as guest first when the sign-in page comes. */
async function openSignedIn(page: Page, url: string, target: Locator): Promise<void> {
  await page.goto(url);
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.or(target).first().waitFor({ timeout: 60_000 });
  if (await enter.isVisible()) await enter.click();
  await target.first().waitFor({ timeout: 60_000 });
}

interface Ready {
  appUrl: string;
  backendUrl: string;
  token: string;
}

/** Starts the portal as `pnpm portal` does and resolves with its PORTAL_READY line. */
function startPortal(env: Record<string, string>): { child: ChildProcess; ready: Promise<Ready> } {
  const child = spawn(process.execPath, [join(repoRoot, 'portal/start.ts')], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<Ready>((ok, fail) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /PORTAL_READY (\{.*\})/.exec(out);
      if (m) ok(JSON.parse(m[1]!) as Ready);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      fail(new Error(`the portal exited (${code}) before it was ready:\n${out.slice(-3000)}`)),
    );
  });
  return { child, ready };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      ok();
    });
    child.kill('SIGTERM');
  });
}

describe.skipIf(!existsSync(CHROMIUM))('local portal in Chromium', () => {
  let portal: { child: ChildProcess; ready: Promise<Ready> } | undefined;
  let ready: Ready;
  let context: BrowserContext | undefined;
  const userDataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-chromium-'));

  beforeAll(async () => {
    mkdirSync(screenshotDir, { recursive: true });
    const [appPort, backendPort] = [await freePort(), await freePort()];
    portal = startPortal({ PORTAL_APP_PORT: String(appPort), PORTAL_BACKEND_PORT: String(backendPort) });
    ready = await portal.ready;
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: BROWSER_ARGS,
    });
    // The portal builds its frontend with Vite first: over three minutes on a busy machine.
  }, 480_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    if (portal) await stopChild(portal.child);
    rmSync(userDataDir, { recursive: true, force: true });
  }, 60_000);

  it('shows the failing service, takes feedback on its new log cluster, and stores it', async () => {
    const page = await context!.newPage();
    await page.goto(`${ready.appUrl}/catalog/default/component/checkout/service-guard`);
    // Guest sign-in: pressing Enter signs in, as the docs say (no account, no click needed).
    await page.getByRole('button', { name: 'Enter' }).waitFor({ timeout: 60_000 });
    await page.keyboard.press('Enter');
    const tab = page.getByTestId('service-guard-tab');
    await tab.waitFor({ timeout: 60_000 });

    await expect(tab.getByText('Unhealthy', { exact: true }).first().isVisible()).resolves.toBe(true);
    await expect(tab.getByLabel('score', { exact: true }).textContent()).resolves.toMatch(
      /^score \d+ \/ 100$/,
    );

    const errorsChart = tab.locator('section[aria-label="metric errors"] [data-testid="metric-chart"]');
    // The whole period is drawn (the metric's series), a red ring at each anomalous point the label counts.
    const chartLabel = (await errorsChart.getAttribute('aria-label')) ?? '';
    const counted = /^errors: 30 points from .*; (\d+) anomalous points outside the expected band\.$/.exec(
      chartLabel,
    );
    expect(counted, chartLabel).not.toBeNull();
    expect(Number(counted![1])).toBeGreaterThan(0);
    await expect(errorsChart.locator('[data-testid="anomaly-marker"]').count()).resolves.toBe(
      Number(counted![1]),
    );
    await expect(errorsChart.locator('polyline').count()).resolves.toBe(1);
    await expect(tab.getByTestId('risk-timeline').locator('circle').count()).resolves.toBe(12);

    // The Dynatrace problem of the bad period, with its link (times are checked in another zone below).
    const problems = tab.getByRole('region', { name: 'Problems and alerts' });
    const problem = problems.getByTestId('problem');
    await expect(problem.count()).resolves.toBe(1);
    await expect(problem.getByText('Failure rate increase', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(
      problem
        .getByRole('link', { name: /^Open Dynatrace problem P-\d{7} in Dynatrace/ })
        .getAttribute('href'),
    ).resolves.toMatch(/^https:\/\/dynatrace\.example\.com\/e\/vigil-demo\/#problems\/problemdetails;pid=/);

    const cluster = tab.locator('[data-testid="log-cluster"][data-cluster-class="unknown"]');
    await expect(cluster.count()).resolves.toBe(1);
    await expect(cluster.locator('code').first().textContent()).resolves.toContain(
      'java.lang.NullPointerException',
    );

    await cluster.getByRole('textbox').fill('known promo bug, fix ships in 2.14.1');
    await cluster.getByRole('button', { name: 'Medium risk' }).click();
    const saved = cluster.getByRole('status');
    await expect(saved.textContent()).resolves.toMatch(/^Saved:\s*Medium risk\s*by user:/);

    const res = await fetch(
      `${ready.backendUrl}/api/service-guard/entities/component/default/checkout/feedback`,
      {
        headers: { authorization: `Bearer ${ready.token}` },
      },
    );
    expect(res.status).toBe(200);
    const stored = (await res.json()) as FeedbackResponse;
    expect(stored.items).toHaveLength(1);
    expect(stored.items[0]).toMatchObject({
      entityRef: 'component:default/checkout',
      action: 'medium',
      reason: 'known promo bug, fix ships in 2.14.1',
    });
    expect(stored.items[0]!.template).toContain('java.lang.NullPointerException');
    expect(stored.items[0]!.createdBy).toMatch(/^user:/);

    // After a reload the feedback in force is shown on its cluster: which, who and when.
    await page.reload();
    await tab.waitFor({ timeout: 60_000 });
    const state = cluster.getByTestId('feedback-state');
    await state.waitFor({ timeout: 30_000 });
    await expect(state.textContent()).resolves.toMatch(
      /^Marked\s*Medium risk\s*by user:\S+, \d+ \w+, \d\d:\d\d/,
    );
    await expect(state.textContent()).resolves.toContain('known promo bug, fix ships in 2.14.1');
    await expect(cluster.getByRole('status').count()).resolves.toBe(0);

    await tab.getByTestId('verification').first().waitFor();
    await tab.screenshot({ path: screenshotPath });
    console.log(`screenshot: ${screenshotPath}`);

    // The same tab in the dark theme (Backstage keeps the chosen theme in local storage).
    await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
    await page.reload();
    await tab.getByTestId('verification').first().waitFor({ timeout: 60_000 });
    await expect(page.locator('[data-theme-mode="dark"]').count()).resolves.toBeGreaterThan(0);
    await tab.screenshot({ path: darkScreenshotPath });
    console.log(`screenshot: ${darkScreenshotPath}`);
    await page.evaluate(() => window.localStorage.removeItem('theme'));
  }, 120_000);

  it("lists checkout's Dynatrace problem with its local start and its link, and none on payments", async () => {
    const res = await fetch(
      `${ready.backendUrl}/api/service-guard/entities/component/default/checkout/health`,
      {
        headers: { authorization: `Bearer ${ready.token}` },
      },
    );
    const health = (await res.json()) as HealthResponse;
    // What the demo data says Dynatrace raised in the period the tab shows (portal/demoData.ts).
    const expected = demoProblems(Date.parse(health.current!.periodEnd)).find(
      (p) => p.start < Date.parse(health.current!.periodEnd) && p.status === 'open',
    )!;
    // A reader in India (UTC+5:30): a time written in UTC, or in the server's zone, would not match.
    const zone = 'Asia/Kolkata';
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: BROWSER_ARGS });
    try {
      const page = await (
        await browser.newContext({ timezoneId: zone, viewport: { width: 1280, height: 900 } })
      ).newPage();
      const region = page.getByRole('region', { name: 'Problems and alerts' });
      await openSignedIn(page, `${ready.appUrl}/catalog/default/component/checkout/service-guard`, region);
      const problem = region.getByTestId('problem');
      await expect(problem.count()).resolves.toBe(1);
      await expect(problem.getByText(expected.title, { exact: true }).isVisible()).resolves.toBe(true);
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).formatToParts(expected.start);
      const part = (t: string) => local.find((p) => p.type === t)!.value;
      const when = `${part('day')} ${part('month')}, ${part('hour')}:${part('minute')}`;
      await expect(problem.textContent()).resolves.toMatch(
        new RegExp(
          `Dynatrace problem ${expected.displayId}, severity error, impact services: started ${when} (IST|GMT\\+5:30), still open when read`,
        ),
      );
      const link = problem.getByRole('link', {
        name: `Open Dynatrace problem ${expected.displayId} in Dynatrace (new tab)`,
      });
      await expect(link.getAttribute('href')).resolves.toBe(
        `${DYNATRACE_UI}/#problems/problemdetails;pid=${encodeURIComponent(expected.id)}`,
      );
      await expect(link.getAttribute('target')).resolves.toBe('_blank');
      await expect(link.isVisible()).resolves.toBe(true);
      // Nothing in the section runs past its card.
      await expect(region.evaluate((el) => el.scrollWidth <= el.clientWidth)).resolves.toBe(true);

      // Payments: Dynatrace was read and raised nothing on it, which the section says in words.
      await page.goto(`${ready.appUrl}/catalog/default/component/payments/service-guard`);
      await region.waitFor({ timeout: 60_000 });
      await expect(region.getByTestId('problem').count()).resolves.toBe(0);
      await expect(region.textContent()).resolves.toContain(
        'No problem or monitor alert was raised on this entity during the period (read from dynatrace).',
      );
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('lists the demo entities at /catalog, the second address the portal prints', async () => {
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ready.appUrl}/catalog`);
    // The context is signed in by the first test; sign in here too when this test runs alone.
    const enter = page.getByRole('button', { name: 'Enter' });
    const row = page.getByRole('link', { name: 'legacy-billing' });
    await enter.or(row).first().waitFor({ timeout: 60_000 });
    if (await enter.isVisible()) await enter.click();
    await row.waitFor({ timeout: 60_000 });
    await expect(page.getByRole('link', { name: 'checkout' }).count()).resolves.toBe(1);
    expect(errors).toEqual([]);
    await expect(page.getByText('Buffer is not defined').count()).resolves.toBe(0);
  }, 120_000);

  it('tells on a not-opted-in entity how to opt in, in its Service Guard tab', async () => {
    const page = await context!.newPage();
    await page.goto(`${ready.appUrl}/catalog/default/component/legacy-billing/service-guard`);
    const enter = page.getByRole('button', { name: 'Enter' });
    const heading = page.getByRole('heading', { name: 'Service Guard is not watching this entity' });
    await enter.or(heading).first().waitFor({ timeout: 60_000 });
    if (await enter.isVisible()) await enter.click();
    await heading.waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('opt-in-annotation').textContent()).resolves.toContain(
      'vigil.dev/service-guard:',
    );
    await page.screenshot({ path: optInScreenshotPath, fullPage: true });
    console.log(`screenshot: ${optInScreenshotPath}`);
  }, 120_000);
  it("links the overview card to the entity's Service Guard tab", async () => {
    const page = await context!.newPage();
    const link = page.getByRole('link', { name: 'Open the Service Guard tab' });
    await openSignedIn(page, `${ready.appUrl}/catalog/default/component/checkout`, link);
    await link.click();
    await page.getByTestId('service-guard-tab').waitFor({ timeout: 60_000 });
    expect(new URL(page.url()).pathname).toBe('/catalog/default/component/checkout/service-guard');
  }, 120_000);

  it('runs the entity now from its tab, showing the run in progress and then its result', async () => {
    const page = await context!.newPage();
    const button = page.getByRole('button', { name: 'Run now' });
    await openSignedIn(page, `${ready.appUrl}/catalog/default/component/checkout/service-guard`, button);
    await page.getByTestId('service-guard-tab').waitFor({ timeout: 60_000 });
    // The requests go to the real backend; the test only holds them, so that each step can be seen.
    let releasePost!: () => void;
    let releasePoll!: () => void;
    const postHeld = new Promise<void>((ok) => {
      releasePost = ok;
    });
    const pollHeld = new Promise<void>((ok) => {
      releasePoll = ok;
    });
    let posted = false;
    await page.route('**/api/service-guard/entities/component/default/checkout/run', async (route) => {
      if (route.request().method() === 'POST') {
        posted = true;
        await postHeld;
      } else if (posted) {
        await pollHeld;
      }
      await route.continue();
    });
    await expect.poll(() => button.isEnabled(), { timeout: 30_000 }).toBe(true);
    await button.click();
    const status = page.getByTestId('run-now-status');
    await status.getByText('Queued: asking the backend to start the run.').waitFor();
    releasePost();
    // The backend's answer: the run queued or running (it analyses in the background).
    await status.getByText(/^(Queued: waiting for a free analysis slot|Running: analysing)/).waitFor();
    releasePoll();
    // The demo's last complete period was analysed at start, so the run finds it stored.
    const result = status.getByText(
      /^(Done: analysed|Up to date: the last complete period was already analysed) for the period ending \d{1,2} [A-Z][a-z]{2}, \d\d:\d\d \S+\.$/,
    );
    await result.waitFor({ timeout: 60_000 });
    await expect(status.getByText('Unhealthy', { exact: true }).count()).resolves.toBe(1);
    await expect.poll(() => button.isEnabled()).toBe(true);
    await page.getByTestId('service-guard-tab').waitFor();
    await page.screenshot({ path: runNowScreenshotPath, fullPage: true });
    console.log(`screenshot: ${runNowScreenshotPath}`);
  }, 120_000);

  it('lists the watched entities by health at /service-guard, filterable by owner', async () => {
    const page = await context!.newPage();
    const rows = page.getByTestId('entity-health-row');
    await openSignedIn(page, `${ready.appUrl}/service-guard`, rows);
    await expect(rows.count()).resolves.toBe(2);
    // Worst first: checkout (unhealthy) before payments; legacy-billing is not watched, so not listed.
    await expect(rows.nth(0).getAttribute('data-state')).resolves.toBe('unhealthy');
    const checkout = rows.nth(0).getByRole('link', { name: 'component:default/checkout' });
    await expect(checkout.getAttribute('href')).resolves.toBe(
      '/catalog/default/component/checkout/service-guard',
    );
    await expect(rows.nth(1).getByRole('link').textContent()).resolves.toBe('component:default/payments');
    await expect(page.getByText('legacy-billing').count()).resolves.toBe(0);
    const owner = page.getByLabel('Owner');
    await owner.selectOption('group:default/team-shop');
    await expect.poll(() => rows.count()).toBe(2);
    await expect(page.getByTestId('entities-summary').textContent()).resolves.toMatch(
      /^2 entities: 1 unhealthy, /,
    );
    await page.screenshot({ path: entitiesScreenshotPath, fullPage: true });
    console.log(`screenshot: ${entitiesScreenshotPath}`);
    await checkout.click();
    await page.getByTestId('service-guard-tab').waitFor({ timeout: 60_000 });
  }, 120_000);
  it("shows each entity's health in the catalog table's Service Guard column", async () => {
    const page = await context!.newPage();
    const cells = page.getByTestId('service-guard-cell');
    await openSignedIn(page, `${ready.appUrl}/catalog`, page.getByRole('link', { name: 'legacy-billing' }));
    await expect(page.getByRole('columnheader', { name: 'Service Guard' }).count()).resolves.toBe(1);
    const checkout = page.getByRole('link', { name: 'Service Guard: Unhealthy' });
    await checkout.waitFor({ timeout: 30_000 });
    await expect(checkout.getAttribute('href')).resolves.toBe(
      '/catalog/default/component/checkout/service-guard',
    );
    await page.getByRole('link', { name: 'Service Guard: Healthy' }).waitFor();
    await expect(cells.getByText('Not watched').count()).resolves.toBe(1);
  }, 120_000);
});
