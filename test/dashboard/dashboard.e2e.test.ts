/**
 * The dashboard in headless Chromium (Debian's `chromium`, driven by playwright-core; never a
 * browser download) against a runner with demo-like jobs. Screenshots go to
 * `artifacts/screenshots/` (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../src/dashboard/dashboard-routes.js';
import { createRequestHandler } from '../../src/http/request-handler.js';
import { launchChromium, openWatchedPage, SCREENSHOTS, type WatchedPage } from './chromium-page.js';
import { HOSTILE_NAME, OUTAGE_TICKS, SCRIPT, startDashboardFixture, type DashboardFixture } from './fixture.js';

let fixture: DashboardFixture;
let browser: Browser;
let page: Page;
/** Uncaught page errors and console errors (CSP violations are reported there). */
let problems: string[];
let watched: WatchedPage;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  fixture = await startDashboardFixture();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

beforeEach(async () => {
  watched = await openWatchedPage(browser);
  ({ page, problems } = watched);
});

afterEach(() => watched.closeAndCheck());

const row = (name: string) => page.locator('table.jobs tbody tr').filter({ has: page.locator('th.job-name a', { hasText: name }) });

async function openOverview(url = fixture.server.url): Promise<void> {
  await page.goto(`${url}/`);
  await expect.poll(() => page.locator('table.jobs tbody tr[data-job]').count()).toBe(fixture.names.length);
  await expect.poll(() => page.locator('#connection').textContent()).toBe('Live');
}

describe('dashboard in Chromium', () => {
  it('lists every job with its schedule, zone, state, next and last run, and draws the timeline', async () => {
    await openOverview();
    const names = await page.locator('table.jobs tbody th.job-name a').allTextContents();
    expect(names).toEqual(fixture.names);
    const headers = await page.locator('table.jobs thead th').allTextContents();
    expect(headers).toEqual(['Job', 'Schedule', 'Zone', 'State', 'Next run', 'Last run', 'Triggers', 'Failures (24 h)', 'Actions']);
    const report = row('run-report');
    await expect.poll(() => report.locator('td[data-label="Schedule"]').textContent()).toBe('Every 5 minutes*/5 * * * *');
    expect(await report.locator('td[data-label="Zone"]').textContent()).toBe('Europe/Berlin');
    expect(await report.locator('td[data-label="State"]').textContent()).toBe('sleeping');
    expect(await report.locator('td[data-label="Next run"] .countdown').textContent()).toMatch(/^in \d/);
    await expect.poll(() => row('flaky-upstream').locator('td[data-label="Failures (24 h)"]').textContent()).toBe('13');
    expect(await row('flaky-upstream').locator('td[data-label="Last run"] .error-line').textContent()).toBe('Error: upstream answered 503 Service Unavailable');
    // One lane per job; seeded runs as bars; missed and skipped ticks marked.
    const lanes = await page.locator('svg.timeline g.lane').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-job')));
    expect(lanes).toEqual(fixture.names);
    expect(await page.locator('svg.timeline g.lane[data-job="flaky-upstream"] rect.run-failed').count()).toBeGreaterThan(5);
    expect(await page.locator('svg.timeline g.lane[data-job="run-report"] path.tick-missed').count()).toBe(2);
    expect(await page.locator('svg.timeline g.lane[data-job="run-report"] path.tick-skipped').count()).toBe(2);
    // The outage is one band with its count, not a wall of markers.
    const band = page.locator('svg.timeline g.lane[data-job="run-report"] g.missed-band');
    expect(await band.getAttribute('data-count')).toBe(String(OUTAGE_TICKS));
    expect(await band.locator('text').textContent()).toBe(String(OUTAGE_TICKS)); // narrow: the count alone
    expect(await band.locator('title').textContent()).toMatch(new RegExp(`^run-report: ${OUTAGE_TICKS} missed ticks in a row, `));
    // Failed bars carry a cross (not colour alone).
    expect(await page.locator('svg.timeline g.lane[data-job="flaky-upstream"] path.fail-mark').count()).toBe(await page.locator('svg.timeline g.lane[data-job="flaky-upstream"] rect.run-failed').count());
    // The day view loads on demand.
    await page.getByRole('button', { name: 'Last day' }).click();
    await expect.poll(() => page.locator('svg.timeline title').first().textContent()).toBe('Runs of the last day');
    await page.getByRole('button', { name: 'Last hour' }).click();
    await expect.poll(() => page.locator('svg.timeline title').first().textContent()).toBe('Runs of the last hour');
    await page.screenshot({ path: new URL('dashboard.png', SCREENSHOTS).pathname, fullPage: true });
  });

  it('moves the countdown every second', async () => {
    await openOverview();
    const countdown = row('flaky-upstream').locator('.countdown');
    const first = await countdown.textContent();
    expect(first).toMatch(/^in \d+ s$/);
    await page.waitForTimeout(2_100);
    const second = await countdown.textContent();
    expect(second).toMatch(/^in \d+ s$/);
    expect(second).not.toBe(first);
    expect(Number(/\d+/.exec(second ?? '')?.[0])).toBeLessThan(Number(/\d+/.exec(first ?? '')?.[0]));
  });

  it('shows markup in job names and error messages as text, never running it', async () => {
    await openOverview();
    const hostile = row(HOSTILE_NAME);
    expect(await hostile.locator('th.job-name a').textContent()).toBe(HOSTILE_NAME);
    await expect.poll(() => hostile.locator('.error-line').textContent()).toBe(`Error: upstream said ${SCRIPT} & gave up`);
    // Only the page's own module script exists; no <img> was created from the name.
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('main img').count()).toBe(0);
    // Its job page (the name percent-encoded in the hash route).
    await hostile.locator('th.job-name a').click();
    await expect.poll(() => page.locator('.job-page h2').first().textContent()).toBe(HOSTILE_NAME);
    const summary = page.locator('table.history details.error summary').first();
    await expect.poll(() => summary.textContent()).toBe(`Error: upstream said ${SCRIPT} & gave up`);
    await summary.click();
    expect(await page.locator('table.history details.error pre').first().textContent()).toMatch(/^Error: upstream said <script>alert\(1\)<\/script> & gave up\n\s+at /);
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.title()).toBe(`${HOSTILE_NAME} · eleanor-jobs`);
  });

  it('triggers a job with the token: the run appears in the list and the timeline without a reload', async () => {
    await openOverview();
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    const manual = row('manual-export');
    expect(await manual.locator('td[data-label="Triggers"]').textContent()).toBe('0');
    expect(await manual.locator('td[data-label="Last run"]').textContent()).toBe('never');
    expect(await page.locator('svg.timeline g.lane[data-job="manual-export"] rect.run').count()).toBe(0);

    // Without a token, the click asks for one.
    await manual.getByRole('button', { name: 'Trigger now: manual-export' }).click();
    await expect.poll(() => page.locator('#announcer').textContent()).toBe('Enter the token first (top of the page).');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');

    // A wrong token is rejected and forgotten.
    await page.getByLabel('Token', { exact: true }).fill('wrong');
    await page.getByRole('button', { name: 'Use token' }).click();
    await manual.getByRole('button', { name: 'Trigger now: manual-export' }).click();
    await expect.poll(() => page.locator('#announcer').textContent()).toBe('The token was rejected; enter it again.');
    expect(await page.evaluate(() => sessionStorage.getItem('eleanor-jobs.token'))).toBeNull();
    expect(problems).toEqual(['console: Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    problems.length = 0;

    await page.getByLabel('Token', { exact: true }).fill(fixture.token);
    await page.getByLabel('Token', { exact: true }).press('Enter');
    await expect.poll(() => page.locator('.token-set').count()).toBe(1);
    expect(page.url()).not.toContain(fixture.token);
    await manual.getByRole('button', { name: 'Trigger now: manual-export' }).click();
    await expect.poll(() => manual.locator('td[data-label="Triggers"]').textContent(), { timeout: 5_000 }).toBe('1');
    await expect.poll(() => manual.locator('td[data-label="Last run"] .badge').textContent(), { timeout: 5_000 }).toBe('ok');
    await expect.poll(() => page.locator('svg.timeline g.lane[data-job="manual-export"] rect.run-ok').count(), { timeout: 5_000 }).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
    expect(page.url()).not.toContain(fixture.token);
    expect((await fixture.store.listRuns({ job: 'manual-export' })).map((run) => run.status)).toEqual(['ok']);

    // Pause and resume, by keyboard.
    const pause = manual.getByRole('button', { name: 'Pause: manual-export' });
    await pause.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => manual.locator('td[data-label="State"] .badge').textContent()).toBe('paused');
    expect(fixture.runner.get('manual-export')?.isPaused).toBe(true);
    // The pause is cluster-wide (kept in the store) and shows who paused it and when.
    expect((await fixture.store.controls.list()).pauses).toMatchObject([{ job: 'manual-export', by: 'dashboard' }]);
    expect(await manual.locator('td[data-label="State"] .pause-note').textContent()).toMatch(/^paused by dashboard at .+/);
    // The same button (still focused) now resumes.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Resume');
    await page.keyboard.press('Enter');
    await expect.poll(() => manual.locator('td[data-label="State"]').textContent()).toBe('sleeping');
    expect(fixture.runner.get('manual-export')?.isPaused).toBe(false);
    expect((await fixture.store.controls.list()).pauses).toEqual([]);
  });

  it('shows a job page: facts, duration chart, run history with errors, data model', async () => {
    await openOverview();
    await row('flaky-upstream').locator('th.job-name a').click();
    await expect.poll(() => page.locator('table.history tbody tr[data-run-id]').count()).toBeGreaterThan(30);
    expect(page.url()).toMatch(/#\/jobs\/flaky-upstream$/);
    expect(await page.locator('svg.duration-chart rect.bar').count()).toBeGreaterThan(30);
    expect(await page.locator('svg.duration-chart rect.bar-failed').count()).toBe(13);
    const firstError = page.locator('table.history details.error').first();
    expect(await firstError.evaluate((node) => (node as HTMLDetailsElement).open)).toBe(false);
    await firstError.locator('summary').focus();
    await page.keyboard.press('Enter');
    expect(await firstError.evaluate((node) => (node as HTMLDetailsElement).open)).toBe(true);
    expect(await firstError.locator('pre').textContent()).toContain('at FlakyUpstream.execute');
    const model = page.locator('table.model tbody tr').filter({ has: page.locator('th code', { hasText: /^retryWait$/ }) });
    expect(await model.locator('th .field-title').textContent()).toBe('Retry Wait Time');
    expect(await model.locator('td').first().textContent()).toBe('10');
    await page.screenshot({ path: new URL('job-page.png', SCREENSHOTS).pathname, fullPage: false });

    // A job with its own fields; its history grows live when it runs.
    await page.goto(`${fixture.server.url}/#/jobs/manual-export`);
    const folder = page.locator('table.model tbody tr').filter({ hasText: 'Export Folder' });
    await expect.poll(() => folder.locator('td').first().textContent()).toBe('/var/exports');
    expect(await folder.locator('td.description').textContent()).toBe('Where the nightly export files are written.');
    const before = await page.locator('table.history tbody tr[data-run-id]').count();
    fixture.runner.get('manual-export')?.triggerNow();
    await expect.poll(() => page.locator('table.history tbody tr[data-run-id]').count(), { timeout: 5_000 }).toBe(before + 1);
    await expect.poll(() => page.locator('table.history tbody tr[data-run-id] .badge').first().textContent(), { timeout: 5_000 }).toBe('ok');
    await page.screenshot({ path: new URL('job-page-model.png', SCREENSHOTS).pathname, fullPage: true });
    await page.getByRole('link', { name: 'All jobs' }).click();
    await expect.poll(() => page.locator('table.jobs').count()).toBe(1);
  });

  it("offers 'Run again' on a failed run's row: a manual trigger, token required", async () => {
    await page.goto(`${fixture.server.url}/#/jobs/flaky-upstream`);
    const rows = page.locator('table.history tbody tr[data-run-id]');
    await expect.poll(() => rows.count()).toBeGreaterThan(30);
    const failed = rows.filter({ has: page.locator('.badge.status-failed') });
    expect(await failed.count()).toBe(13);
    expect(await failed.locator('button.run-again').count()).toBe(13);
    expect(await rows.filter({ has: page.locator('.badge.status-ok') }).locator('button.run-again').count()).toBe(0);
    const runId = (await failed.first().getAttribute('data-run-id')) as string;
    const runAgain = failed.first().getByRole('button', { name: `Run again: flaky-upstream (run #${runId} failed)` });
    const before = fixture.runner.get('flaky-upstream')?.triggerCount ?? 0;
    // Without a token, the click asks for one and triggers nothing.
    await runAgain.click();
    await expect.poll(() => page.locator('#announcer').textContent()).toBe('Enter the token first (top of the page).');
    expect(fixture.runner.get('flaky-upstream')?.triggerCount).toBe(before);
    await page.getByLabel('Token', { exact: true }).fill(fixture.token);
    await page.getByLabel('Token', { exact: true }).press('Enter');
    await expect.poll(() => page.locator('.token-set').count()).toBe(1);
    await runAgain.click();
    await expect.poll(() => page.locator('#announcer').textContent()).toMatch(/^Queued a run of flaky-upstream \(trigger #[0-9]+; it runs once, on whichever replica can take it\)\.$/);
    await expect.poll(() => fixture.runner.get('flaky-upstream')?.triggerCount, { timeout: 5_000 }).toBe(before + 1);
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBeGreaterThan(39);
    await page.screenshot({ path: new URL('job-page-run-again.png', SCREENSHOTS).pathname, fullPage: false });
  });

  it('hides the actions when the server has no token', async () => {
    await openOverview(fixture.readOnly.url);
    expect(await page.locator('table.jobs thead th').allTextContents()).not.toContain('Actions');
    expect(await page.getByRole('button', { name: /Trigger now|Pause|Resume/ }).count()).toBe(0);
    expect(await page.locator('#token').count()).toBe(0);
    expect(await page.locator('.actions-off').textContent()).toContain('actions are off');
    await page.goto(`${fixture.readOnly.url}/#/jobs/system-load`);
    await expect.poll(() => page.locator('table.history tbody tr[data-run-id]').count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: /Trigger now|Pause|Resume/ }).count()).toBe(0);
    await page.goto(`${fixture.readOnly.url}/#/jobs/flaky-upstream`);
    await expect.poll(() => page.locator('table.history tbody tr[data-run-id] .badge.status-failed').count()).toBe(13);
    expect(await page.getByRole('button', { name: /Run again/ }).count()).toBe(0);
  });

  it('falls back to polling when live events are unavailable', async () => {
    await page.route('**/api/events', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
    await page.goto(`${fixture.server.url}/`);
    await expect.poll(() => page.locator('#connection').textContent()).toBe('Updating every 5 s (live events unavailable)');
    problems.length = 0; // the refused event stream is logged as a console error
    const manual = row('manual-export');
    const before = Number(await manual.locator('td[data-label="Triggers"]').textContent());
    // Keyboard focus survives the updates.
    await manual.getByRole('button', { name: 'Pause: manual-export' }).focus();
    fixture.runner.get('manual-export')?.triggerNow();
    await expect.poll(() => manual.locator('td[data-label="Triggers"]').textContent(), { timeout: 12_000 }).toBe(String(before + 1));
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Pause: manual-export');
    // Polling keeps the data current: no row is stale.
    expect(await page.locator('tr.stale').count()).toBe(0);
    problems.length = 0;
  });

  it('works mounted under a path prefix in an Express app: jobs, live events, job pages, links', async () => {
    const handler = createRequestHandler(fixture.runner, { prefix: '/ops/jobs', routes: dashboardRoutes() });
    const app = express();
    app.use('/ops/jobs', handler);
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ops/jobs`;
      await openOverview(base);
      expect(await page.getByRole('link', { name: 'JSON API' }).evaluate((link) => (link as HTMLAnchorElement).href)).toBe(`${base}/api/jobs`);
      await row('flaky-upstream').locator('th.job-name a').click();
      await expect.poll(() => page.locator('table.history tbody tr[data-run-id]').count()).toBeGreaterThan(30);
      expect(page.url()).toBe(`${base}/#/jobs/flaky-upstream`);
      // Without the trailing slash, the prefix redirects to the page.
      await page.goto(base);
      expect(page.url()).toBe(`${base}/`);
      await expect.poll(() => page.locator('#connection').textContent()).toBe('Live');
    } finally {
      handler.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('marks rows stale with the time of the last update while the runner is unreachable, and recovers', async () => {
    let server = await fixture.serve();
    const port = server.port;
    try {
      await openOverview(server.url);
      const flaky = row('flaky-upstream');
      expect(await page.locator('tr.stale').count()).toBe(0);
      await server.close();
      // Every row says it is stale and since when; no countdown claims "due now".
      await expect.poll(() => page.locator('tr.stale').count(), { timeout: 10_000 }).toBe(fixture.names.length);
      expect(await flaky.locator('td[data-label="State"] .stale-note').textContent()).toMatch(/^stale: last update \d\d:\d\d:\d\d$/);
      expect(await flaky.locator('td[data-label="Next run"]').textContent()).toMatch(/not live$/);
      expect(await page.locator('table.jobs .countdown').count()).toBe(0);
      expect(await page.locator('#connection').textContent()).toMatch(/ · last update \d\d:\d\d:\d\d$/);
      await page.screenshot({ path: new URL('dashboard-stale.png', SCREENSHOTS).pathname, fullPage: false });
      // The runner is back on the same address: the page recovers without a reload.
      server = await fixture.serve(port);
      await expect.poll(() => page.locator('tr.stale').count(), { timeout: 20_000 }).toBe(0);
      expect(await flaky.locator('.countdown').textContent()).toMatch(/^in \d/);
      expect(await page.locator('#connection').textContent()).not.toContain('last update');
      await page.goto('about:blank');
    } finally {
      await server.close();
    }
    problems.length = 0; // the failed reconnects are logged as console errors
  });

  it('works on a narrow screen: one card per job, the timeline open at "now"', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openOverview();
    const box = await row('system-load').boundingBox();
    expect(box?.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The timeline opens scrolled to "now", its right end, with "now" in view.
    const region = page.locator('.timeline-wrap');
    const geometry = (): Promise<{ left: number; max: number }> => region.evaluate((node) => ({ left: node.scrollLeft, max: node.scrollWidth - node.clientWidth }));
    await expect.poll(async () => (await geometry()).max).toBeGreaterThan(100);
    await expect.poll(async () => { const { left, max } = await geometry(); return max - left; }).toBeLessThanOrEqual(2);
    const nowLabel = await page.locator('svg.timeline g.axis text', { hasText: /^now$/ }).boundingBox();
    const regionBox = await region.boundingBox();
    expect(nowLabel !== null && regionBox !== null && nowLabel.x >= regionBox.x && nowLabel.x + nowLabel.width <= regionBox.x + regionBox.width).toBe(true);
    // Scrolled to "now", the lanes stay named: the names are pinned at the left edge, each beside its lane.
    const pinned = page.locator('.timeline-wrap .lane-names .lane-name');
    expect(await pinned.allTextContents()).toEqual(fixture.names);
    await expect.poll(() => pinned.first().isVisible()).toBe(true);
    for (const index of [0, fixture.names.length - 1]) {
      const name = await pinned.nth(index).boundingBox();
      const lane = await page.locator('svg.timeline g.lane rect.lane-bg').nth(index).boundingBox();
      expect(name !== null && lane !== null && regionBox !== null).toBe(true);
      if (name === null || lane === null || regionBox === null) return;
      expect(Math.abs(name.x - regionBox.x)).toBeLessThanOrEqual(2);
      expect(name.y + name.height / 2).toBeGreaterThan(lane.y);
      expect(name.y + name.height / 2).toBeLessThan(lane.y + lane.height);
    }
    await page.screenshot({ path: new URL('dashboard-narrow.png', SCREENSHOTS).pathname, fullPage: true });
    await region.screenshot({ path: new URL('timeline-narrow.png', SCREENSHOTS).pathname });
    // A reader who scrolls back in time stays there across redraws; back at the end, it follows "now" again.
    await region.evaluate((node) => node.scrollTo({ left: 0 }));
    await page.getByRole('button', { name: 'Last day' }).click();
    await expect.poll(() => page.locator('svg.timeline title').first().textContent()).toBe('Runs of the last day');
    expect((await geometry()).left).toBe(0);
    await expect.poll(() => pinned.first().isVisible()).toBe(false); // the picture's own names are in view
    await region.evaluate((node) => node.scrollTo({ left: node.scrollWidth }));
    await page.getByRole('button', { name: 'Last hour' }).click();
    await expect.poll(() => page.locator('svg.timeline title').first().textContent()).toBe('Runs of the last hour');
    const back = await geometry();
    expect(back.max - back.left).toBeLessThanOrEqual(2);
  });
});
