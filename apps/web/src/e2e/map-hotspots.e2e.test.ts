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

/** Number of reports the panel shows for the selection (analysts: exact). */
async function summaryReports(page: Page): Promise<number> {
  const text = (await page.getByTestId('summary-reports').textContent()) ?? '';
  return Number(text.replace(/[^\d]/g, ''));
}

describe.skipIf(!hasChromium())(
  'hotspots from the map: from a cluster, from hot cells, drawn',
  () => {
    let server: TestServer;
    let browser: TestBrowser;
    let page: Page;

    beforeAll(async () => {
      [server, browser] = await Promise.all([
        startTestServer({ recordCount: 600 }),
        launchBrowser(),
      ]);
      page = await browser.newPage();
      await signInThroughForm(page, server.url, server.user('analyst'));
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('selects a DBSCAN cluster, shows its statistics and creates a hotspot from it', async () => {
      await page.goto(`${server.url}/map?v=1&layers=districts,clusters&m=dbscan`);
      const cluster = page.locator('path.layer-cluster').first();
      await cluster.waitFor();
      await cluster.click({ force: true });
      const panel = page.getByTestId('hotspot-panel');
      await panel.getByRole('heading', { name: /^Cluster \d+$/ }).waitFor();
      await panel.getByTestId('area-summary').waitFor();
      expect(await summaryReports(page)).toBeGreaterThanOrEqual(5);
      // The month chart has its table alternative.
      await panel.getByRole('img', { name: 'Reports per month' }).waitFor();
      await panel.getByRole('button', { name: 'Show as table' }).click();
      await panel.getByRole('columnheader', { name: 'Month' }).waitFor();
      await saveScreenshot(page, 'map-cluster-selected');
      expect(await seriousAxeViolations(page)).toEqual([]);

      await panel.getByLabel('Hotspot name').fill('Cluster hotspot (e2e)');
      await panel.getByRole('button', { name: 'Create hotspot' }).click();
      await panel.getByRole('heading', { name: 'Edit hotspot' }).waitFor();
      await panel.getByRole('heading', { name: 'Cluster hotspot (e2e)' }).waitFor();
      await page.getByRole('checkbox', { name: 'Hotspots', exact: true }).check();
      await expect.poll(() => page.locator('path.layer-hotspot').count()).toBe(1);
    });

    it('edits the hotspot: name, status with a reason, risk and review date', async () => {
      const panel = page.getByTestId('hotspot-panel');
      await panel.getByLabel('Name', { exact: true }).fill('Cluster hotspot, renamed');
      await panel.getByLabel('Status', { exact: true }).selectOption('confirmed');
      await panel.getByLabel('Reason for a status change').fill('Seen at the tasking meeting');
      await panel.getByLabel('Risk', { exact: true }).selectOption('high');
      await panel.getByLabel('Review date').fill('2027-03-01');
      await panel.getByRole('button', { name: 'Save changes' }).click();
      await panel.getByText('Saved.').waitFor();
      const body = await page.evaluate(async () => {
        const r = await fetch('/api/layers/hotspots', { credentials: 'same-origin' });
        return (await r.json()) as { features: { properties: Record<string, unknown> }[] };
      });
      expect(body.features.map((f) => f.properties)).toEqual([
        expect.objectContaining({
          name: 'Cluster hotspot, renamed',
          status: 'confirmed',
          risk: 'high',
          reviewOn: '2027-03-01',
        }),
      ]);
      // The key shows the confirmed status that is now drawn.
      await page.getByTestId('legend').getByText('Confirmed').waitFor();
    });

    it("shows actions on the map, and the partner sees the hotspot of their agency's action", async () => {
      const partner = server.user('partner');
      const row = await server.deps.db.kysely
        .selectFrom('app_user')
        .select('agency_id')
        .where('email', '=', partner.email)
        .executeTakeFirstOrThrow();
      // The action is assigned through the API (the actions UI belongs to the tasking pages).
      const status = await page.evaluate(async (agencyId) => {
        const layer = (await (await fetch('/api/layers/hotspots')).json()) as {
          features: { properties: { hotspotId: string } }[];
        };
        const id = layer.features[0]?.properties.hotspotId;
        const r = await fetch(`/api/hotspots/${id}/actions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            priority: 'prevention-education',
            agencyId,
            title: 'Licensing visit and staff awareness',
            dueOn: '2027-01-31',
          }),
        });
        return r.status;
      }, row.agency_id);
      expect(status).toBe(201);
      await page.goto(`${server.url}/map?v=1&layers=districts,hotspots,actions`);
      await page.locator('.action-marker').first().waitFor();
      await page.getByTestId('legend').getByText('Awaiting acknowledgement').waitFor();
      expect(await page.locator('.action-marker').count()).toBe(1);

      const partnerPage = await (await browser.newProfile()).newPage();
      await signInThroughForm(
        partnerPage,
        server.url,
        partner,
        '/map?v=1&layers=districts,hotspots,actions',
      );
      await partnerPage.locator('path.layer-hotspot').first().waitFor();
      expect(await partnerPage.locator('path.layer-hotspot').count()).toBe(1);
      await partnerPage.locator('.action-marker').first().waitFor();
      await expect
        .poll(() => partnerPage.getByTestId('shown-count').textContent())
        .toBe("1 hotspot with your agency's actions");
      await saveScreenshot(partnerPage, 'map-partner-actions');
      expect(await seriousAxeViolations(partnerPage)).toEqual([]);
    });

    it('creates a hotspot from a group of hot cells', async () => {
      await page.goto(`${server.url}/map?v=1&layers=districts,gistar`);
      const hot = page.locator('path.layer-gistar--bin3').first();
      await hot.waitFor();
      await hot.click({ force: true });
      const panel = page.getByTestId('hotspot-panel');
      await panel.getByRole('heading', { name: /^\d+ hot hexagons?$/ }).waitFor();
      await panel.getByTestId('area-summary').waitFor();
      expect(await summaryReports(page)).toBeGreaterThan(0);
      await panel.getByLabel('Hotspot name').fill('Hot cells (e2e)');
      await panel.getByRole('button', { name: 'Create hotspot' }).click();
      await panel.getByRole('heading', { name: 'Hot cells (e2e)' }).waitFor();
    });

    it('draws a hotspot by hand with the polygon tool', async () => {
      await page.goto(`${server.url}/map?v=1&layers=districts,hotspots`);
      await page.locator('path.layer-hotspot').first().waitFor();
      await page.getByRole('button', { name: 'Draw an area' }).click();
      await page.getByText('Click the corners of the area').waitFor();
      // A small square just under the Bromsgrove label: inside the partnership area.
      const label = await page
        .locator('.boundary-label--district', { hasText: 'Bromsgrove' })
        .boundingBox();
      if (!label) throw new Error('no district label');
      const cx = label.x + label.width / 2;
      const cy = label.y + label.height + 30;
      const corners: [number, number][] = [
        [cx - 20, cy - 15],
        [cx + 20, cy - 15],
        [cx + 20, cy + 15],
        [cx - 20, cy + 15],
        [cx - 20, cy - 15],
      ];
      // Geoman needs the pointer to move between clicks (it snaps the hint line to the cursor).
      for (const [x, y] of corners) {
        await page.mouse.move(x, y, { steps: 4 });
        await page.mouse.click(x, y);
      }
      const panel = page.getByTestId('hotspot-panel');
      await panel.getByRole('heading', { name: 'Drawn area' }).waitFor();
      await panel.getByTestId('area-summary').waitFor();
      await panel.getByLabel('Hotspot name').fill('Drawn by hand (e2e)');
      await panel.getByRole('button', { name: 'Create hotspot' }).click();
      await panel.getByRole('heading', { name: 'Drawn by hand (e2e)' }).waitFor();
      await expect.poll(() => page.locator('path.layer-hotspot').count()).toBe(3);
      await saveScreenshot(page, 'map-hotspots-drawn');
      expect(await seriousAxeViolations(page)).toEqual([]);
    });

    it('takes the middle of the view from the keyboard instead of drawing', async () => {
      const button = page.getByRole('button', { name: 'Use the middle of the view' });
      await button.focus();
      await page.keyboard.press('Enter');
      const panel = page.getByTestId('hotspot-panel');
      await panel.getByRole('heading', { name: 'Drawn area' }).waitFor();
      await panel.getByTestId('area-summary').waitFor();
      await panel.getByRole('button', { name: 'Clear selection' }).click();
      expect(await panel.count()).toBe(0);
    });
  },
);
