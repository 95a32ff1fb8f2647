import { accessSync, constants } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** The Chromium the e2e tests drive: CHROMIUM_PATH, else the distribution's. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** True when a Chromium binary is there to run; e2e suites use `describe.skipIf(!hasChromium())`. */
export function hasChromium(): boolean {
  try {
    accessSync(chromiumPath(), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Says why browser tests are skipped, once, only when they are (CI always has Chromium).
 * Call at the top of an e2e file.
 */
export function reportMissingChromium(): void {
  if (hasChromium()) return;
  process.stderr.write(
    `e2e: skipping browser tests: no Chromium at ${chromiumPath()} (set CHROMIUM_PATH)\n`,
  );
}

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  /** A browser context with its own fresh profile (cookies, storage). */
  readonly context: BrowserContext;
  /** A new tab at 1280x720 (the projector size the product is designed for). */
  newPage(): Promise<Page>;
  /**
   * A separate profile, e.g. to sign in as a second user at the same time. Closed with the
   * browser.
   */
  newProfile(): Promise<TestBrowser>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  readonly viewport?: { readonly width: number; readonly height: number };
}

// One Chromium per test process (vitest runs a worker's files in one process): launching takes
// a second or more, a new context a few milliseconds. Playwright gives the browser a fresh
// temporary --user-data-dir and kills it when the process exits.
let shared: Promise<Browser> | undefined;

function sharedBrowser(): Promise<Browser> {
  if (!shared) {
    const launching = chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
    shared = launching;
    const forget = () => {
      if (shared === launching) shared = undefined;
    };
    launching.then((browser) => browser.on('disconnected', forget), forget);
  }
  return shared;
}

/** Closes the process's Chromium: for scripts (benchmarks) that must exit on their own. */
export async function closeSharedBrowser(): Promise<void> {
  const browser = shared;
  shared = undefined;
  await (await browser?.catch(() => undefined))?.close();
}

/**
 * A fresh browser profile (its own cookies, storage and cache: a new context of the process's
 * headless Chromium). One per test file: launch in beforeAll, close in afterAll. Console errors
 * of pages are forwarded to stderr so a failing test shows what the page said.
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  const viewport = options.viewport ?? { width: 1280, height: 720 };
  const profiles: TestBrowser[] = [];
  const launchProfile = async (): Promise<TestBrowser> => {
    const context = await (await sharedBrowser()).newContext({
      viewport,
      locale: 'en-GB',
      timezoneId: 'Europe/London',
      reducedMotion: 'reduce',
    });
    context.setDefaultTimeout(15_000);
    context.on('page', (page) => forwardConsoleErrors(page));
    const browser: TestBrowser = {
      context,
      newPage: async () => {
        // A profile's first tab is reused while it is still blank.
        const blank = context.pages().find((p) => p.url() === 'about:blank');
        return blank ?? context.newPage();
      },
      newProfile: async () => {
        const profile = await launchProfile();
        profiles.push(profile);
        return profile;
      },
      close: async () => {
        await Promise.all(profiles.splice(0).map((p) => p.close()));
        await context.close().catch(() => undefined);
      },
    };
    return browser;
  };
  return launchProfile();
}

// Tile failures are expected in tests (tiles point at a closed port); everything else the
// page logs as an error is worth seeing when a test fails.
const EXPECTED_CONSOLE = /Failed to load resource|ERR_CONNECTION_REFUSED|status of 401/;

function forwardConsoleErrors(page: Page): void {
  page.on('console', (message) => {
    if (message.type() === 'error' && !EXPECTED_CONSOLE.test(message.text())) {
      process.stderr.write(`[page console] ${message.text()}\n`);
    }
  });
  page.on('pageerror', (error) => process.stderr.write(`[page error] ${error.message}\n`));
}
