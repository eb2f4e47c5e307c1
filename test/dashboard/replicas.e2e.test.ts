/**
 * The overview's replicas panel in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) against the dashboard fixture's runner, with peers written into its store:
 * one running and holding a lease, one that stopped heartbeating, one stopped cleanly, one
 * whose host name carries markup. Screenshots at 1280 and 390 px go to `artifacts/screenshots/`.
 * Also the live stream's silent death: a stream that stops sending (heartbeats included)
 * without closing is detected, and the rows are marked stale.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRIPT, startDashboardFixture, type DashboardFixture } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = new URL('../../artifacts/screenshots/', import.meta.url);
const HOSTILE_HOST = `<img src=x onerror=alert(3)>${SCRIPT}`;

let fixture: DashboardFixture;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  fixture = await startDashboardFixture();
  const replicas = fixture.store.replicas;
  const startedAt = Date.now() - 3_600_000;
  await replicas.heartbeat({ owner: 'web-2:311:9f3a', host: 'web-2', pid: 311, version: '0.1.0', startedAt, heartbeatMs: 60_000 });
  await fixture.store.acquireLease('nightly-sync', 'web-2:311:9f3a', 600_000);
  await replicas.heartbeat({ owner: 'web-3:87:c0de', host: 'web-3', pid: 87, version: '0.1.0', startedAt, heartbeatMs: 1 });
  await replicas.heartbeat({ owner: 'web-4:12:old1', host: 'web-4', pid: 12, version: '0.0.9', startedAt, heartbeatMs: 5_000 });
  await replicas.markStopped('web-4:12:old1');
  await replicas.heartbeat({ owner: 'odd:1:x', host: HOSTILE_HOST, pid: 1, version: SCRIPT, startedAt, heartbeatMs: 60_000 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

/** Opens the overview at `width` px; resolves once the replicas panel shows every replica. */
async function openPanel(width: number): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${fixture.server.url}/`);
  await expect.poll(() => page.locator('table.replicas tbody tr[data-owner]').count()).toBe(5);
  return { page, problems };
}

const replicaRow = (page: Page, owner: string) => page.locator(`table.replicas tbody tr[data-owner="${owner}"]`);

describe('replicas panel in Chromium', () => {
  it('lists every replica with host, pid, version, start, last seen and leases, marking the stale and the stopped (1280 px)', async () => {
    const { page, problems } = await openPanel(1280);
    expect(await page.locator('table.replicas thead th').allTextContents()).toEqual(['Replica', 'Status', 'Version', 'Started', 'Last seen', 'Leases']);
    expect(await page.locator('#replicas-heading').textContent()).toBe('Replicas (3 running of 5)');
    const self = replicaRow(page, fixture.runner.owner);
    expect(await self.locator('th').textContent()).toContain(`pid ${process.pid}this process`);
    expect(await self.locator('td[data-label="Status"]').textContent()).toBe('running');
    // The fixture's interval jobs keep their leases between runs.
    await expect.poll(() => self.locator('.lease-jobs').textContent()).toContain('system-load');
    expect(await self.locator('td[data-label="Last seen"] .ago').textContent()).toMatch(/^(just now|[\d.]+ s ago)$/);
    const peer = replicaRow(page, 'web-2:311:9f3a');
    expect(await peer.locator('th > span').first().textContent()).toBe('web-2 · pid 311');
    expect(await peer.locator('td[data-label="Leases"]').textContent()).toBe('1 jobnightly-sync');
    expect(await peer.locator('td[data-label="Version"]').textContent()).toBe('0.1.0');
    const stale = replicaRow(page, 'web-3:87:c0de');
    expect(await stale.getAttribute('class')).toBe('replica-stale');
    expect(await stale.locator('td[data-label="Status"]').textContent()).toBe('stale');
    expect(await stale.evaluate((node) => getComputedStyle(node.querySelector('td') as Element).backgroundColor)).toBe('rgb(255, 235, 233)');
    expect(await replicaRow(page, 'web-4:12:old1').locator('td[data-label="Status"]').textContent()).toBe('stopped');
    // Markup in a host name and a version is shown as text.
    const odd = replicaRow(page, 'odd:1:x');
    expect(await odd.locator('th > span').first().textContent()).toBe(`${HOSTILE_HOST} · pid 1`);
    expect(await odd.locator('td[data-label="Version"]').textContent()).toBe(SCRIPT);
    expect(await page.locator('table.replicas img, table.replicas script').count()).toBe(0);
    await page.locator('section.replicas-panel').screenshot({ path: new URL('replicas-panel.png', SCREENSHOTS).pathname });
    await page.screenshot({ path: new URL('dashboard-replicas.png', SCREENSHOTS).pathname, fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows one card per replica on a narrow screen without scrolling sideways (390 px)', async () => {
    const { page, problems } = await openPanel(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const owner of [fixture.runner.owner, 'web-3:87:c0de', 'odd:1:x']) {
      const box = await replicaRow(page, owner).boundingBox();
      expect(box !== null && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    }
    expect(await replicaRow(page, 'web-3:87:c0de').locator('td[data-label="Status"]').textContent()).toBe('stale');
    await page.locator('section.replicas-panel').screenshot({ path: new URL('replicas-panel-narrow.png', SCREENSHOTS).pathname });
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('live stream silence in Chromium', () => {
  let silent: Server;
  let silentUrl: string;

  beforeAll(async () => {
    // The first stream sends its heartbeat (every 300 ms, it says) and then nothing, never
    // closing; later ones never answer: a connection dead without a word.
    let streams = 0;
    silent = createServer((_request, response) => {
      if (streams++ > 0) return;
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      response.write(`retry: 2000\n\nevent: heartbeat\ndata: ${JSON.stringify({ now: Date.now(), everyMs: 300 })}\n\n`);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api/events`;
  });

  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('treats a stream silent for 3 heartbeat intervals as lost: marks the rows stale and reconnects', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.route('**/api/events', (route) => route.continue({ url: silentUrl }));
    await page.goto(`${fixture.server.url}/`);
    await expect.poll(() => page.locator('#connection').textContent()).toBe('Live');
    expect(await page.locator('tr.stale').count()).toBe(0);
    await expect.poll(() => page.locator('#connection').textContent(), { timeout: 5_000 }).toMatch(/^Reconnecting… · last update \d\d:\d\d:\d\d$/);
    expect(await page.locator('table.jobs tr.stale').count()).toBe(fixture.names.length);
    // A stream that talks again brings the page back.
    await page.unroute('**/api/events');
    await expect.poll(() => page.locator('#connection').textContent(), { timeout: 15_000 }).toBe('Live');
    await expect.poll(() => page.locator('tr.stale').count()).toBe(0);
    await context.close();
  });
});
