// Debian's Chromium, driven by playwright-core, as the browser tests and the UI benchmark
// (bench/ui.ts) launch it. Playwright's own browser builds are downloads this project cannot make
// (only package registries are reachable): scripts/setup-browser.sh installs Debian's package.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless, as root (no sandbox), and quiet on the network: without the background-networking,
 * component-update and sync flags Chromium keeps opening connections to Google's hosts at start,
 * which a closed network refuses (many at a time).
 */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why Chromium cannot be launched here, or `undefined` when it can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is missing: run scripts/setup-browser.sh (as root) to install Debian's chromium`;
}

/**
 * Launches Chromium headless. Playwright gives each launch a new empty profile (a fresh
 * `--user-data-dir` in the temporary folder, removed on `close()`), so no run sees another's
 * cache or cookies.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}
