import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot } from '../testing/artifacts.ts';
import {
  hasChromium,
  launchBrowser,
  reportMissingChromium,
  type TestBrowser,
} from '../testing/browser.ts';
import {
  arrangeConfirmedHotspot,
  arrangeMeeting,
  isoDayFromNow,
} from '../testing/confirmed-hotspot.ts';
import { openInApp, pageDrawn, type RouteIds, routesFor } from '../testing/routes.ts';
import { signInThroughForm } from '../testing/sign-in.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

reportMissingChromium();

// A partner's phone (390x844): every route each role can reach fits the screen's width (nothing
// scrolls sideways), the navigation and "Sign out" are reachable from the menu, tables read as
// cards, and the map takes the full width with its panel as a sheet below.

const PHONE = { width: 390, height: 844 };

/** How far the document, and the scrolling main area, reach past the viewport's width. */
async function sidewaysOverflow(page: Page): Promise<{ document: number; main: number }> {
  return page.evaluate(() => {
    const main = document.getElementById('main')!;
    return {
      document: document.documentElement.scrollWidth - window.innerWidth,
      main: main.scrollWidth - main.clientWidth,
    };
  });
}

describe.skipIf(!hasChromium())('every page on a phone', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  const ids: RouteIds = { hotspot: '', action: '', meeting: '' };

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ recordCount: 50 }),
      launchBrowser({ viewport: PHONE }),
    ]);
    page = await browser.newPage();
    const arranged = await arrangeConfirmedHotspot(server, {
      name: 'Bus station and the Kidderminster licensing quarter',
      actions: [
        {
          agencyCode: 'WRS',
          title: 'Licensing visit to the takeaways on the ring road',
          detail: 'Check licence conditions and staff safeguarding training.',
          dueOn: isoDayFromNow(14),
        },
      ],
    });
    ids.hotspot = arranged.hotspotId;
    ids.action = arranged.actionIds[0]!;
    ids.meeting = await arrangeMeeting(arranged);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it.each(['admin', 'analyst', 'chair', 'partner', 'viewer'] as const)(
    'fits the %s every page in 390 px, with a menu holding the navigation and sign-out',
    async (role) => {
      await browser.context.clearCookies();
      const [first, ...rest] = routesFor(role, ids);
      await signInThroughForm(page, server.url, server.user(role), first);
      const tooWide: { route: string; document: number; main: number }[] = [];
      for (const route of [first!, ...rest]) {
        if (route !== first) await openInApp(page, route);
        await pageDrawn(page);
        const overflow = await sidewaysOverflow(page);
        if (overflow.document > 0 || overflow.main > 0) tooWide.push({ route, ...overflow });
      }
      expect(tooWide).toEqual([]);
      await saveScreenshot(page, `phone-${role}`);

      // The navigation is folded into a menu; opening it shows every item and "Sign out".
      const nav = page.getByRole('navigation', { name: 'Main' });
      const menu = nav.getByRole('button', { name: 'Menu' });
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await nav.getByRole('link').first().isVisible()).toBe(false);
      await menu.click();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      await nav.getByRole('link').first().waitFor();
      const signOut = page.getByRole('button', { name: 'Sign out' });
      await signOut.waitFor();
      const box = (await signOut.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      await signOut.click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    },
  );

  it('shows tables as cards: each cell labelled by its column, no word broken', async () => {
    await browser.context.clearCookies();
    await signInThroughForm(page, server.url, server.user('chair'), '/actions');
    const row = page.locator('.action-table tbody tr').first();
    await row.waitFor();
    const cells = await row.locator('td').evaluateAll((tds) =>
      tds.map((td) => ({
        label: getComputedStyle(td, '::before').content,
        display: getComputedStyle(td).display,
        wraps: getComputedStyle(td).overflowWrap,
        hyphens: getComputedStyle(td).hyphens,
      })),
    );
    expect(cells.length).toBeGreaterThan(2);
    for (const cell of cells) {
      expect(cell.display).not.toBe('table-cell');
      expect(cell.label).not.toBe('none');
      expect(cell.wraps).not.toBe('anywhere');
      expect(cell.hyphens).not.toBe('auto');
    }
    // The row is a card as wide as the screen's content, not a strip of columns.
    const rowBox = (await row.boundingBox())!;
    expect(rowBox.width).toBeGreaterThan(PHONE.width * 0.75);
  });

  it('gives the map the full width with its panel as a sheet below', async () => {
    await page.goto(`${server.url}/map`);
    await page.locator('.leaflet-container').waitFor();
    const map = (await page.locator('.map-frame').boundingBox())!;
    const panel = (await page.locator('.map-page .map-panel').boundingBox())!;
    expect(map.width).toBeGreaterThanOrEqual(PHONE.width - 1);
    expect(map.height).toBeGreaterThan(PHONE.height / 3);
    expect(panel.width).toBeGreaterThanOrEqual(PHONE.width - 1);
    expect(panel.y).toBeGreaterThanOrEqual(map.y + map.height - 1);
  });
});
