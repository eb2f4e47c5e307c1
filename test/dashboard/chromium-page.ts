/**
 * Headless Chromium for the dashboard's browser tests: Debian's `chromium`, driven by
 * playwright-core (never a browser download), and pages that record what must never happen
 * (a dialog an injected script would open, page errors, console errors such as CSP
 * violations).
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';

/** Where the browser tests save their screenshots (git-ignored). */
export const SCREENSHOTS = new URL('../../artifacts/screenshots/', import.meta.url);

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page at 1280×900 in a context of its own, and what it did that it must not. */
export interface WatchedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Dialogs (alert, confirm…) the page opened, dismissed. */
  readonly dialogs: string[];
  /** Uncaught page errors and console errors (CSP violations are reported there). */
  readonly problems: string[];
  /** Closes the context and fails the test if the page opened a dialog or reported an error. */
  closeAndCheck(): Promise<void>;
}

/** Opens a {@link WatchedPage}. */
export async function openWatchedPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const problems: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return {
    context,
    page,
    dialogs,
    problems,
    closeAndCheck: async () => {
      await context.close();
      expect(dialogs, 'dialogs opened by the page').toEqual([]);
      expect(problems, 'page errors and console errors').toEqual([]);
    },
  };
}
