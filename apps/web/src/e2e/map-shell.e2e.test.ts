import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot } from '../testing/artifacts.ts';
import { seriousAxeViolations } from '../testing/axe.ts';
import {
  hasChromium,
  launchBrowser,
  reportMissingChromium,
  type TestBrowser,
} from '../testing/browser.ts';
import { signInThroughForm } from '../testing/sign-in.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

reportMissingChromium();

describe.skipIf(!hasChromium())('map shell in headless Chromium', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws the three district boundaries and says the tiles failed', async () => {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await signInThroughForm(page, server.url, server.user('viewer'), '/map');
    await page.waitForURL(/\/map/);

    const districtPaths = page.locator(
      '.leaflet-districts-pane path.leaflet-interactive, .leaflet-districts-pane path',
    );
    await expect.poll(() => districtPaths.count()).toBe(3);
    for (const name of ['Bromsgrove', 'Redditch', 'Wyre Forest']) {
      await page.locator('.boundary-label--district', { hasText: name }).waitFor();
    }

    const notice = page.getByTestId('tile-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Map tiles could not be loaded');
    // The boundaries are still on screen with the notice.
    expect(await districtPaths.first().isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('synthetic-label').isVisible()).toBe(true);

    // Nothing fetched from anywhere but the app itself and the (configured, failing) tiles.
    const foreign = requests.filter(
      (u) =>
        !u.startsWith(server.url) && !u.startsWith('http://127.0.0.1:9/') && !u.startsWith('data:'),
    );
    expect(foreign).toEqual([]);
    await saveScreenshot(page, 'map-shell-tiles-failed');
  });

  it('keeps the view in the URL and restores it on reload', async () => {
    await page.locator('.leaflet-container').focus();
    await page.keyboard.press('Equal'); // "+" zooms in
    await page.waitForURL(/[?&]z=\d+/);
    const url = new URL(page.url());
    const zoom = url.searchParams.get('z');
    await page.reload();
    await expect.poll(() => page.locator('.leaflet-districts-pane path').count()).toBe(3);
    expect(new URL(page.url()).searchParams.get('z')).toBe(zoom);
  });

  it('switches ward boundaries on from the layers panel', async () => {
    await page.getByLabel('Ward boundaries (2013)').check();
    await page.waitForURL(/layers=districts,wards/);
    await expect.poll(() => page.locator('.leaflet-wards-pane path').count()).toBeGreaterThan(20);
    await saveScreenshot(page, 'map-shell-wards');
  });

  it('can be used from the keyboard: skip link, navigation, layers and the map itself', async () => {
    await page.reload();
    await page.locator('.leaflet-districts-pane path').first().waitFor();
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    const focusedName = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el ? (el.getAttribute('aria-label') ?? el.textContent ?? '').trim() : '';
      });
    const reached = new Set<string>();
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      reached.add(await focusedName());
    }
    expect(reached).toContain('Sign out');
    expect(reached).toContain('Map');
    expect([...reached].some((n) => n.startsWith('Map of the partnership area'))).toBe(true);
    // Tab on to the map and show its focus ring in a screenshot.
    await skip.focus();
    for (let i = 0; i < 20 && !(await focusedName()).startsWith('Map of the partnership'); i += 1) {
      await page.keyboard.press('Tab');
    }
    expect(
      await page.locator('.leaflet-container').evaluate((el) => el.matches(':focus-visible')),
    ).toBe(true);
    const outline = await page
      .locator('.leaflet-container')
      .evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).toBe('solid');
    await saveScreenshot(page, 'map-shell-keyboard-focus');
  });

  it('passes axe on the map page', async () => {
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
