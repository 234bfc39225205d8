// The browser of the web UI's browser tests: Debian's Chromium through playwright-core
// (test/support/chromium.ts), windows of a given width that record what a page must not do (open
// a dialog, throw), and screenshots kept as test artifacts.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { chromiumMissing, launchChromium } from './chromium.js';

const missing = chromiumMissing();

/** Why there is no browser for the tests (`undefined` when Chromium is installed). */
export const browserReason = missing;

/**
 * Without Chromium the browser tests are skipped with the reason, except on CI, where they fail
 * with it (.ci/run installs it first, so there a missing browser is a broken setup).
 */
export const skipBrowser = missing !== undefined && process.env.CI !== 'true';

/** Launches Chromium; fails the calling test, with the reason, when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  expect(missing, `no browser for the tests: ${missing}`).toBeUndefined();
  return launchChromium();
}

/** Where screenshots go: gitignored, kept after the run for a person (or CI) to look at. */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'ui');

/** A page in a window `width` px wide, and what it did that a safe page never does. */
export interface Window {
  readonly page: Page;
  readonly width: number;
  /** Messages of the dialogs (alert, confirm, prompt) the page opened: dismissed, and kept. */
  readonly dialogs: string[];
  /** Uncaught errors of the page's scripts. */
  readonly errors: string[];
}

/**
 * Opens a window `width` px wide (900 px high) in a context of its own. Before any script of the
 * page runs, `window.alert` is wrapped to set `window.__scriptRan` too: a script injected through
 * the page (`<script>alert(1)</script>` in an error message) leaves a flag to read, besides the
 * dialog.
 */
export async function openWindow(browser: Browser, width: number): Promise<Window> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  await context.addInitScript(
    'const alert = window.alert; window.alert = (m) => { window.__scriptRan = String(m); alert(m); };',
  );
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, width, dialogs, errors };
}

/** Whether a script injected through the page ran (it would have called `alert`). */
export async function scriptRan(page: Page): Promise<boolean> {
  return (await page.evaluate('window.__scriptRan !== undefined')) === true;
}

/** The document's width beyond the window's: 0 when nothing scrolls sideways. */
export async function horizontalOverflow(page: Page): Promise<number> {
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
  return Number(overflow);
}

/**
 * Saves a full-page screenshot as `test-artifacts/ui/<name>-<width>px.png` and prints where it is.
 */
export async function screenshot(w: Window, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '-')}-${w.width}px.png`);
  await w.page.screenshot({ path: file, fullPage: true });
  process.stdout.write(`screenshot: ${relative(process.cwd(), file)}\n`);
  return file;
}
