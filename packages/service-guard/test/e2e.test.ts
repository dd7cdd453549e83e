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

/** A text whose colour is too close to what is behind it, as WCAG 2.2's contrast ratio measures it. */
interface LowContrast {
  text: string;
  color: string;
  background: string;
  ratio: number;
  /** 4.5 for normal text, 3 for large text (24px, or 18.66px bold). */
  need: number;
}

/**
 * Every visible text in `root` (HTML and SVG) below WCAG AA's contrast against the colour behind it: the
 * text's `color` (`fill` in SVG) and the first opaque background of its ancestors, with the translucent ones
 * between laid over it. The browser turns every CSS colour (theme variables, color-mix, oklch) into sRGB
 * bytes through a canvas, so the ratio is of the colours as drawn. `all` receives every measured pair.
 */
async function lowContrast(root: Locator, all?: LowContrast[]): Promise<LowContrast[]> {
  const measured = await root.evaluate((top) => {
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    const rgba = (css: string): [number, number, number, number] => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      return [d[0]!, d[1]!, d[2]!, d[3]! / 255];
    };
    const over = (
      fg: [number, number, number, number],
      bg: [number, number, number],
    ): [number, number, number] => [0, 1, 2].map((i) => fg[i]! * fg[3] + bg[i]! * (1 - fg[3])) as never;
    const background = (el: Element | null): [number, number, number] => {
      const layers: [number, number, number, number][] = [];
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c[3] === 0) continue;
        layers.push(c);
        if (c[3] === 1) break;
      }
      let bg: [number, number, number] = [255, 255, 255];
      for (const layer of layers.reverse()) bg = over(layer, bg);
      return bg;
    };
    const luminance = (c: [number, number, number]) => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const hex = (c: [number, number, number]) =>
      `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
    const out: { text: string; color: string; background: string; ratio: number; need: number }[] = [];
    const walker = document.createTreeWalker(top, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = (n.textContent ?? '').trim();
      if (!el || !text || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      if (el.closest('[aria-hidden="true"], :disabled, [aria-disabled="true"]')) continue;
      const style = getComputedStyle(el);
      const bg = background(el);
      const fg = over(rgba(el instanceof SVGElement ? style.fill : style.color), bg);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a) as [number, number];
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      out.push({
        text: text.slice(0, 40),
        color: hex(fg),
        background: hex(bg),
        ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100,
        need: large ? 3 : 4.5,
      });
    }
    return out;
  });
  all?.push(...measured);
  return measured.filter((m) => m.ratio < m.need);
}

/** The lowest ratio of each colour pair, with one text in it: the figures the contrast check prints. */
function contrastSummary(all: readonly LowContrast[]): string[] {
  const pairs = new Map<string, LowContrast>();
  for (const m of all) {
    const key = `${m.color} on ${m.background}${m.need === 3 ? ' (large)' : ''}`;
    if (!pairs.has(key) || pairs.get(key)!.ratio > m.ratio) pairs.set(key, m);
  }
  return [...pairs.entries()]
    .sort((a, b) => a[1].ratio - b[1].ratio)
    .map(([k, m]) => `${m.ratio.toFixed(2)}:1 (needs ${m.need}) ${k}, e.g. "${m.text}"`);
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
    // Every text of the tab, status words and detail lines included, meets WCAG AA in both themes; checked
    // after both screenshots are taken, so that a failure still leaves them to look at.
    const lightAll: LowContrast[] = [];
    const lightLow = await lowContrast(tab, lightAll);

    // The same tab in the dark theme (Backstage keeps the chosen theme in local storage).
    await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
    await page.reload();
    await tab.getByTestId('verification').first().waitFor({ timeout: 60_000 });
    await expect(page.locator('[data-theme-mode="dark"]').count()).resolves.toBeGreaterThan(0);
    await tab.screenshot({ path: darkScreenshotPath });
    console.log(`screenshot: ${darkScreenshotPath}`);
    const darkAll: LowContrast[] = [];
    const darkLow = await lowContrast(tab, darkAll);
    await page.evaluate(() => window.localStorage.removeItem('theme'));
    console.log(`contrast, light:\n  ${contrastSummary(lightAll).join('\n  ')}`);
    console.log(`contrast, dark:\n  ${contrastSummary(darkAll).join('\n  ')}`);
    expect(lightAll.length).toBeGreaterThan(50);
    expect(darkAll.length).toBeGreaterThan(50);
    expect({ light: lightLow, dark: darkLow }).toEqual({ light: [], dark: [] });
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

  it('meets WCAG AA contrast on the overview card, the /service-guard page and the catalog column, light and dark', async () => {
    const page = await context!.newPage();
    const views = [
      { url: '/catalog/default/component/checkout', root: page.getByTestId('service-guard-card') },
      { url: '/service-guard', root: page.getByTestId('service-guard-entities') },
      { url: '/catalog', root: page.getByTestId('service-guard-cell') },
    ];
    const low: Record<string, LowContrast[]> = {};
    try {
      for (const theme of ['light', 'dark']) {
        for (const view of views) {
          await openSignedIn(page, `${ready.appUrl}${view.url}`, view.root);
          await page.evaluate((t) => window.localStorage.setItem('theme', t), theme);
          await page.reload();
          // Wait for the loaded content, not the skeleton: a status word in each view.
          await view.root
            .getByText(/^(Unhealthy|Healthy)$/)
            .first()
            .waitFor({ timeout: 60_000 });
          await expect(page.locator(`[data-theme-mode="${theme}"]`).count()).resolves.toBeGreaterThan(0);
          const all: LowContrast[] = [];
          for (const root of await view.root.all()) await lowContrast(root, all);
          low[`${theme} ${view.url}`] = all.filter((m) => m.ratio < m.need);
          expect(all.length).toBeGreaterThan(1);
          console.log(`contrast, ${theme} ${view.url}:\n  ${contrastSummary(all).join('\n  ')}`);
        }
      }
    } finally {
      await page.evaluate(() => window.localStorage.removeItem('theme'));
    }
    expect(Object.values(low).flat()).toEqual([]);
  }, 240_000);
});
