/**
 * Run progress and run logs in the dashboard, in headless Chromium (Debian's `chromium`,
 * driven by playwright-core): the progress bar of a running run on the overview and the job
 * page, updated live; the per-run log on the job page (escaped, bounded, read again when the
 * run ends). Screenshots at 1280 and 390 px go to `artifacts/screenshots/` (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../src/dashboard/dashboard-routes.js';
import { startHttpServer, type RunnerHttpServer } from '../../src/http/http-server.js';
import { BaseJob, type RunContext } from '../../src/index.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { launchChromium, openWatchedPage, SCREENSHOTS, type WatchedPage } from './chromium-page.js';
const SCRIPT = '<script>alert(1)</script>';

/** A gate the test opens. */
class Gate {
  #open: () => void = () => undefined;
  readonly promise = new Promise<void>((resolve) => (this.#open = resolve));
  open(): void {
    this.#open();
  }
}

/** Imports rows in two steps, each held until the test opens its gate. */
class ImportJob extends BaseJob {
  readonly step = new Gate();
  readonly finish = new Gate();

  async execute(_signal: AbortSignal, run: RunContext): Promise<void> {
    run.logger.info(`reading ${SCRIPT} from the feed`);
    run.logger.warn({ table: 'rows\u001b[31m' }, 'slow table');
    run.progress(0.4, `loading <b>rows</b> ${SCRIPT}`);
    await this.step.promise;
    run.progress(0.8, 'writing rows');
    run.logger.info('wrote 800 rows');
    await this.finish.promise;
    run.logger.info('done');
  }
}

/** Reports progress and runs until the suite ends. */
class SyncJob extends BaseJob {
  readonly finish = new Gate();

  async execute(_signal: AbortSignal, run: RunContext): Promise<void> {
    run.progress(0.65, 'syncing 650 of 1,000 accounts with a rather long message that has to wrap on a phone');
    await this.finish.promise;
  }
}

/** Logs more lines than a run log keeps. */
class ChattyJob extends BaseJob {
  execute(_signal: AbortSignal, run: RunContext): void {
    for (let i = 1; i <= 250; i++) run.logger.info(`line ${i}`);
  }
}

let runner: JobRunner;
let server: RunnerHttpServer;
let importJob: ImportJob;
let syncJob: SyncJob;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const logger = new CaptureLogger();
  runner = new JobRunner({ store: new MemoryStore(), logger });
  importJob = new ImportJob({ name: 'import-rows', interval: 3_600, triggerOnStart: true, logger });
  syncJob = new SyncJob({ name: 'account-sync', interval: 3_600, triggerOnStart: true, logger });
  runner.add(importJob, syncJob, new ChattyJob({ name: 'chatty', interval: 3_600, triggerOnStart: true, logger }));
  await runner.start();
  server = await startHttpServer(runner, { port: 0, logger, routes: dashboardRoutes() });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  importJob?.step.open();
  importJob?.finish.open();
  syncJob?.finish.open();
  await browser?.close();
  await server?.close();
  await runner?.stop({ timeout: 5 });
});

beforeEach(async () => {
  watched = await openWatchedPage(browser);
  page = watched.page;
});

afterEach(() => watched.closeAndCheck());

async function open(path: string): Promise<void> {
  await page.goto(`${server.url}/${path}`);
  await expect.poll(() => page.locator('#connection').textContent(), { timeout: 10_000 }).toBe('Live');
}

async function noSidewaysScroll(width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

describe('run progress and run log in Chromium', () => {
  it('draws the running run as an accessible progress bar on the overview and updates it live', async () => {
    await open('');
    const bar = page.locator('table.jobs tr[data-job="import-rows"] [role="progressbar"]');
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('40');
    expect(await bar.getAttribute('aria-valuemin')).toBe('0');
    expect(await bar.getAttribute('aria-valuemax')).toBe('100');
    expect(await bar.getAttribute('aria-valuetext')).toBe(`40% (loading <b>rows</b> ${SCRIPT})`);
    expect(await bar.getAttribute('aria-label')).toBe('Progress of import-rows');
    // The message shows as text: no element was made from it.
    const text = page.locator('table.jobs tr[data-job="import-rows"] .progress-text');
    expect(await text.textContent()).toBe(`40% · loading <b>rows</b> ${SCRIPT}`);
    expect(await text.locator('b, script').count()).toBe(0);
    const fill = await page.locator('table.jobs tr[data-job="import-rows"] .progress-fill').boundingBox();
    const track = await bar.boundingBox();
    expect(fill !== null && track !== null && Math.abs(fill.width - track.width * 0.4) <= 1).toBe(true);
    // No bar on a job that is not running.
    expect(await page.locator('table.jobs tr[data-job="chatty"] [role="progressbar"]').count()).toBe(0);
    await page.screenshot({ path: new URL('progress-overview.png', SCREENSHOTS).pathname, fullPage: true });

    importJob.step.open();
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 10_000 }).toBe('80');
    expect(await bar.getAttribute('aria-valuetext')).toBe('80% (writing rows)');
  });

  it("shows a running run's progress and log on the job page, and the final log when it ends", async () => {
    await open('#/jobs/import-rows');
    const running = page.locator('table.history tbody tr[data-run-id]').first();
    await expect.poll(() => running.locator('[role="progressbar"]').getAttribute('aria-valuenow')).toBe('80');
    expect(await page.locator('dl.facts [role="progressbar"]').getAttribute('aria-valuenow')).toBe('80');
    const log = running.locator('details.run-log');
    await log.locator('summary').focus();
    await page.keyboard.press('Enter');
    const lines = log.locator('pre.run-log-lines');
    await expect.poll(() => lines.textContent()).toContain('wrote 800 rows');
    const text = (await lines.textContent()) ?? '';
    expect(text.split('\n').map((line) => line.slice(13))).toEqual([`INFO reading ${SCRIPT} from the feed`, 'WARN slow table {"table":"rows\\u001b[31m"}', 'INFO wrote 800 rows']);
    expect(await lines.locator('*').count()).toBe(0);
    expect(await lines.evaluate((node) => getComputedStyle(node).fontFamily)).toMatch(/monospace/);
    await page.screenshot({ path: new URL('progress-job-page.png', SCREENSHOTS).pathname, fullPage: true });

    importJob.finish.open();
    await expect.poll(() => running.locator('.badge').first().textContent(), { timeout: 10_000 }).toBe('ok');
    expect(await running.locator('[role="progressbar"]').count()).toBe(0);
    // The open log stayed open across the row's rebuild and was read again.
    await expect.poll(() => running.locator('details.run-log pre').textContent()).toContain('INFO done');
    expect(await running.locator('details.run-log').evaluate((node) => (node as HTMLDetailsElement).open)).toBe(true);
  });

  it('shows a long log bounded, with how many lines were cut', async () => {
    await open('#/jobs/chatty');
    const first = page.locator('table.history tbody tr[data-run-id]').first();
    await expect.poll(() => first.locator('.badge').first().textContent()).toBe('ok');
    await first.locator('details.run-log summary').click();
    const lines = first.locator('pre.run-log-lines');
    await expect.poll(() => lines.textContent()).toContain('more lines cut');
    const text = ((await lines.textContent()) ?? '').split('\n');
    expect(text).toHaveLength(201);
    expect(text[199]?.slice(13)).toBe('INFO line 200');
    expect(text[200]).toBe('[50 more lines cut]');
    const box = await lines.boundingBox();
    expect(box?.height).toBeLessThanOrEqual(330);
  });

  it('fits a narrow screen (390 px): the bar on the card, the log inside the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open('');
    await expect.poll(() => page.locator('table.jobs tr[data-job="chatty"]').count()).toBe(1);
    const bar = page.locator('table.jobs tr[data-job="account-sync"] [role="progressbar"]');
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('65');
    const card = await page.locator('table.jobs tr[data-job="account-sync"] .progress').boundingBox();
    expect(card !== null && card.x >= 0 && card.x + card.width <= 390).toBe(true);
    await noSidewaysScroll(390);
    await page.screenshot({ path: new URL('progress-overview-narrow.png', SCREENSHOTS).pathname, fullPage: true });
    await open('#/jobs/chatty');
    const first = page.locator('table.history tbody tr[data-run-id]').first();
    await first.locator('details.run-log summary').click();
    await expect.poll(() => first.locator('pre.run-log-lines').textContent()).toContain('more lines cut');
    await noSidewaysScroll(390);
    const box = await first.locator('pre.run-log-lines').boundingBox();
    expect(box !== null && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await page.screenshot({ path: new URL('progress-job-page-narrow.png', SCREENSHOTS).pathname, fullPage: false });
  });
});
