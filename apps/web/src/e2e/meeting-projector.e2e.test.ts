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
  squareInPartnership,
} from '../testing/confirmed-hotspot.ts';
import { signInThroughForm } from '../testing/sign-in.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

reportMissingChromium();

// Meeting mode on the projector (1920x1080), driven as a presenter's clicker does: PageDown,
// also after someone has clicked the map. Each hotspot item frames its hotspot with its
// surroundings and names it on the map; the emerging-pattern item draws its cells.

const HOTSPOT = 'Bus station late evenings';

async function position(page: Page): Promise<{ index: number; total: number }> {
  const text = (await page.locator('.meeting-mode__position').textContent()) ?? '';
  const [, index = '0', total = '0'] = /Item (\d+) of (\d+)/.exec(text) ?? [];
  return { index: Number(index), total: Number(total) };
}

/** Clicks the middle of the map, then presses a key, as a presenter would after pointing. */
async function clickMapThenPress(page: Page, key: string): Promise<void> {
  await page.locator('.meeting-mode__map .leaflet-container').click();
  await page.keyboard.press(key);
}

/** How much of the map the item's hotspot spans across its longer side (0 to 1). */
async function hotspotShare(page: Page): Promise<number> {
  return page.evaluate(() => {
    const map = document.querySelector('.meeting-mode__map .leaflet-container')!;
    const m = map.getBoundingClientRect();
    const boxes = [...map.querySelectorAll('path.layer-hotspot')].map((p) =>
      p.getBoundingClientRect(),
    );
    // The item's hotspot is drawn with the thicker (selected) outline.
    const selected = [...map.querySelectorAll<SVGPathElement>('path.layer-hotspot')].findIndex(
      (p) => Number(p.getAttribute('stroke-width')) >= 5,
    );
    const box = boxes[selected];
    if (!box) return 0;
    return Math.max(box.width / m.width, box.height / m.height);
  });
}

describe.skipIf(!hasChromium())('meeting mode on a projector', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let meetingId = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      // Enough records for the emerging hot spot analysis to find new and intensifying areas in
      // the published table's monthly 250 m values (fewer than k count as zero there).
      startTestServer({ recordCount: 4000 }),
      launchBrowser({ viewport: { width: 1920, height: 1080 } }),
    ]);
    page = await browser.newPage();
    const arranged = await arrangeConfirmedHotspot(server, {
      name: HOTSPOT,
      area: await squareInPartnership(server, 150),
      actions: [{ agencyCode: 'WRS', title: 'Licensing visit', dueOn: isoDayFromNow(14) }],
    });
    meetingId = await arrangeMeeting(arranged);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('steps with PageDown after the map was clicked, framing and naming each hotspot', async () => {
    await signInThroughForm(page, server.url, server.user('chair'), `/meetings/${meetingId}`);
    await page.getByRole('link', { name: 'Open meeting mode' }).click();
    await page.locator('.meeting-item__title').waitFor();
    const { total } = await position(page);
    expect(total).toBeGreaterThanOrEqual(2);

    // The keys keep stepping after a click on the map: the map never takes the focus.
    await clickMapThenPress(page, 'PageDown');
    await expect.poll(async () => (await position(page)).index).toBe(2);
    await clickMapThenPress(page, 'ArrowLeft');
    await expect.poll(async () => (await position(page)).index).toBe(1);

    const seen: string[] = [];
    for (let i = 1; i <= total; i++) {
      await expect.poll(async () => (await position(page)).index).toBe(i);
      const title = (await page.locator('.meeting-item__title').textContent()) ?? '';
      seen.push(title);
      if (title === `New hotspot: ${HOTSPOT}`) {
        // Framed with its surroundings: a third to two thirds of the map across.
        await expect
          .poll(() => hotspotShare(page))
          .toSatisfy((share: number) => share >= 1 / 3 && share <= 2 / 3);
        const label = page.locator('.meeting-mode__map .hotspot-label', { hasText: HOTSPOT });
        // Named once on the map (no label left behind by the previous item's drawing).
        await expect.poll(() => label.count()).toBe(1);
        expect(await label.isVisible()).toBe(true);
        await saveScreenshot(page, 'meeting-projector-hotspot');
      }
      if (title.startsWith('Emerging pattern')) {
        // The chair presents: the emerging cells come from the published table, as the
        // agenda's count does, so the chair's screen draws them too.
        await page.locator('.meeting-mode__map path.layer-emerging').first().waitFor();
        await saveScreenshot(page, 'meeting-projector-emerging');
      }
      if (i < total) await clickMapThenPress(page, 'PageDown');
    }
    expect(seen).toContain(`New hotspot: ${HOTSPOT}`);
    expect(seen.some((t) => t.startsWith('Emerging pattern'))).toBe(true);
    // Focus stayed with the page, never on the map.
    expect(
      await page.evaluate(() => document.activeElement?.closest('.leaflet-container') ?? null),
    ).toBeNull();
  });
});
