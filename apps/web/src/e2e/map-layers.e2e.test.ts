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

const shownCount = async (page: Page) =>
  (await page.getByTestId('shown-count').textContent()) ?? '';
const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);
const layerBox = (page: Page, label: string) =>
  page.getByRole('checkbox', { name: label, exact: true });

/** Waits until the count is a number of reports, not "Counting…". */
async function settledCount(page: Page, previous?: string): Promise<string> {
  await expect
    .poll(async () => {
      const text = await shownCount(page);
      return /\d/.test(text) && text !== previous ? text : '';
    })
    .not.toBe('');
  return shownCount(page);
}

describe.skipIf(!hasChromium())('the tasking map: layers, filters and roles', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ recordCount: 600 }), launchBrowser()]);
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('gives the analyst points, hexagons and a count of reports', async () => {
    await signInThroughForm(page, server.url, server.user('analyst'), '/map');
    await page.locator('path.layer-hexagon').first().waitFor();
    const count = await settledCount(page);
    expect(count).toMatch(/^[\d,]+ reports$/);
    await layerBox(page, 'Report points').check();
    await page.waitForURL(/layers=[^&]*points/);
    // Points are drawn on a canvas renderer in their own pane.
    await page.locator('.leaflet-points-pane canvas').waitFor();
    await page.getByTestId('legend').getByText('One report').waitFor();
    await saveScreenshot(page, 'map-analyst-hexagons-points');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('changes the count with a filter and keeps the filter in the URL', async () => {
    await layerBox(page, 'Report points').uncheck();
    const before = await settledCount(page);
    await page.getByText('Intelligence grade (all)').click();
    await page.getByLabel('A Known directly').check();
    await page.waitForURL(/intelligenceGrade=A/);
    const after = await settledCount(page, before);
    const n = (s: string) => Number(s.replace(/[^\d]/g, ''));
    expect(n(after)).toBeLessThan(n(before));
    expect(n(after)).toBeGreaterThan(0);
    // Reloading the link gives the same view.
    await page.reload();
    expect(await settledCount(page)).toBe(after);
    expect(await page.getByLabel('A Known directly').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => param(page, 'intelligenceGrade')).toBeNull();
    // The whole count is back before the next test reads it (on a busy machine the filtered
    // count stayed on screen for a moment after the URL changed, and was read as the whole).
    await expect.poll(() => shownCount(page)).toBe(before);
  });

  it('steps the time slider by month from the keyboard and plays', async () => {
    const whole = await settledCount(page);
    const slider = page.getByTestId('time-slider');
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    // A month of the period is shown on its own; From/To keep the chosen period.
    await expect.poll(() => param(page, 'month')).toMatch(/^\d{4}-\d{2}$/);
    expect([param(page, 'from'), param(page, 'to')]).toEqual([null, null]);
    const firstMonth = param(page, 'month');
    const monthCount = await settledCount(page, whole);
    expect(monthCount).not.toBe(whole);
    expect(await slider.getAttribute('aria-valuetext')).toMatch(/^[A-Z][a-z]+ \d{4}$/);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => param(page, 'month')).not.toBe(firstMonth);
    // Play steps on by itself, month by month; Pause stops it.
    const play = page.getByRole('button', { name: 'Play' });
    await play.focus();
    await page.keyboard.press('Enter');
    const started = param(page, 'month');
    await expect.poll(() => param(page, 'month'), { timeout: 8000 }).not.toBe(started);
    await page.getByRole('button', { name: 'Pause' }).click();
    await saveScreenshot(page, 'map-analyst-month');
    await page.getByRole('button', { name: 'Last 12 months' }).click();
    await expect.poll(() => param(page, 'month')).toBeNull();
    await expect.poll(() => shownCount(page)).toBe(whole);
  });

  it('plays the chosen period from its first month, leaving From and To as chosen', async () => {
    // Three months that ended half a year ago: not the last 24 months, nor the default year.
    const now = new Date();
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    const from = iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 8, 1)));
    const to = iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 0)));
    await page.goto(`${server.url}/map?v=1&from=${from}&to=${to}`);
    const whole = await settledCount(page);
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => param(page, 'month')).toBe(from.slice(0, 7));
    await expect.poll(() => param(page, 'month'), { timeout: 20_000 }).toBe(to.slice(0, 7));
    // Play stops after the period's last month, on it.
    await page.getByRole('button', { name: 'Play' }).waitFor();
    expect([param(page, 'from'), param(page, 'to')]).toEqual([from, to]);
    expect(await page.getByRole('textbox', { name: 'From' }).inputValue()).toBe(from);
    expect(await page.getByRole('textbox', { name: 'To', exact: true }).inputValue()).toBe(to);
    expect(await settledCount(page)).not.toBe('0 reports');
    await page.getByRole('button', { name: 'Show the whole period' }).click();
    await expect.poll(() => shownCount(page)).toBe(whole);
  });

  it("draws one analysis layer, the method's, above the hexagons; the key keeps off the data", async () => {
    await page.goto(`${server.url}/map`);
    // Gi* is the default method, and its layer is on.
    expect(await page.getByRole('radio', { name: 'Gi* hot spots' }).isChecked()).toBe(true);
    await page.locator('path.layer-gistar').first().waitFor();
    await page.getByRole('radio', { name: 'DBSCAN clusters' }).check();
    await page.waitForURL(/m=dbscan/);
    await page.locator('path.layer-cluster').first().waitFor();
    await expect.poll(() => page.locator('path.layer-gistar').count()).toBe(0);
    expect(await layerBox(page, 'Gi* hot and cold spots').isChecked()).toBe(false);
    expect(await layerBox(page, 'DBSCAN clusters').isChecked()).toBe(true);
    // Ticking another analysis layer chooses its method and replaces the clusters.
    await layerBox(page, 'Density bands').check();
    await page.waitForURL(/m=density/);
    await page.locator('path.layer-density').first().waitFor();
    await expect.poll(() => page.locator('path.layer-cluster').count()).toBe(0);
    await page.getByRole('radio', { name: 'DBSCAN clusters' }).check();
    await page.locator('path.layer-cluster').first().waitFor();
    // Above the hexagons, filled and edged so they show over the count colours.
    const style = await page
      .locator('path.layer-cluster')
      .first()
      .evaluate((path) => {
        const pane = (el: Element) => Number(getComputedStyle(el.closest('.leaflet-pane')!).zIndex);
        const hexagon = document.querySelector('path.layer-hexagon')!;
        return {
          above: pane(path) > pane(hexagon),
          fillOpacity: Number(path.getAttribute('fill-opacity')),
          weight: Number(path.getAttribute('stroke-width')),
        };
      });
    expect(style.above).toBe(true);
    expect(style.fillOpacity).toBeGreaterThanOrEqual(0.5);
    expect(style.weight).toBeGreaterThanOrEqual(3);

    // The key sits in the corner (of those free of the map's own controls) where it covers
    // the fewest drawn shapes, and folds away.
    const key = page.locator('.map-legend');
    await key.getByTestId('legend').waitFor();
    const coverage = () =>
      key.evaluate((element) => {
        const centres = [...document.querySelectorAll('.leaflet-map-pane svg path')].map((p) => {
          const r = p.getBoundingClientRect();
          return [r.left + r.width / 2, r.top + r.height / 2] as const;
        });
        const under = (b: { left: number; top: number; right: number; bottom: number }) =>
          centres.filter(([x, y]) => x >= b.left && x <= b.right && y >= b.top && y <= b.bottom)
            .length;
        const key = element.getBoundingClientRect();
        const map = element.closest('.map-frame')!.getBoundingClientRect();
        const at = (left: number, top: number) => ({
          left,
          top,
          right: left + key.width,
          bottom: top + key.height,
        });
        const alternatives = [
          at(map.right - 10 - key.width, map.top + 10),
          at(map.right - 10 - key.width, map.bottom - 26 - key.height),
          at(map.left + 60, map.top + 10),
        ];
        return { key: under(key), fewest: Math.min(...alternatives.map(under)) };
      });
    await expect.poll(async () => (await coverage()).key).toBe((await coverage()).fewest);
    await saveScreenshot(page, 'map-analyst-clusters');
    await key.getByRole('heading', { name: 'Key' }).click();
    expect(await key.getByTestId('legend').isVisible()).toBe(false);
    await key.getByRole('heading', { name: 'Key' }).click();
    await key.getByTestId('legend').waitFor();
  });

  it('explains Gi* and updates the analysis in place when a parameter changes', async () => {
    await page.goto(`${server.url}/map?v=1&layers=districts,gistar`);
    await page.locator('path.layer-gistar').first().waitFor();
    await page.getByText('statistically significant hot spots').waitFor();
    await page
      .getByText(/Used: \d+ m \(default\)/)
      .first()
      .waitFor();
    const navigations: string[] = [];
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations.push(f.url());
    });
    await page.getByLabel('Hexagon size (m)').fill('400');
    await page.getByRole('button', { name: 'Update map' }).click();
    await page.waitForURL(/sizeMeters=400/);
    await page.getByText('Used: 400 m.').waitFor();
    expect(await page.locator('path.layer-gistar').count()).toBeGreaterThan(0);
    // No page load happened: the URL was replaced in place.
    expect(navigations.every((u) => u.includes('/map'))).toBe(true);
    await page.getByLabel('Hexagon size (m)').fill('3');
    await page.getByRole('button', { name: 'Update map' }).click();
    await page.getByText('Enter a number from 25 to 5000.').waitFor();
    await page.getByRole('radio', { name: 'Kernel density' }).check();
    await page.waitForURL(/m=density/);
    await page.locator('path.layer-density').first().waitFor();
    await page.getByRole('radio', { name: 'Emerging hot spots (by month)' }).check();
    await page.waitForURL(/m=emerging/);
    await page.locator('path.layer-emerging').first().waitFor();
    await page
      .getByTestId('legend')
      .getByText(/(Intensifying|Persistent|New|Consecutive|Sporadic) hot spot/)
      .first()
      .waitFor();
    await saveScreenshot(page, 'map-analyst-gistar-density');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('shows the map as tables for those who cannot see it', async () => {
    await page.getByRole('radio', { name: 'Kernel density' }).check();
    await page.locator('path.layer-density').first().waitFor();
    await page.getByRole('button', { name: 'Show as table' }).click();
    const table = page.getByTestId('map-table');
    await table.getByRole('heading', { name: /Density bands/ }).waitFor();
    // One analysis at a time, in the tables as on the map.
    expect(await table.getByRole('heading', { name: 'Gi* hot and cold spots' }).count()).toBe(0);
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(3);
    // Selecting from the table is the keyboard way to a band's statistics.
    await table.getByRole('button', { name: 'Select band 1' }).focus();
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('hotspot-panel');
    await panel.getByRole('heading', { name: 'Density band 1' }).waitFor();
    await panel.getByTestId('area-summary').waitFor();
    await saveScreenshot(page, 'map-table-view');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await panel.getByRole('button', { name: 'Clear selection' }).click();
    await page.getByRole('button', { name: 'Show the map' }).click();
  });

  /** A fresh profile per role, so one role's failure cannot leave the next signed in. */
  async function pageFor(): Promise<Page> {
    return (await browser.newProfile()).newPage();
  }

  it('gives the chair the published map: no points, no free analysis, whole hexagons of at least k', async () => {
    const page = await pageFor();
    await signInThroughForm(page, server.url, server.user('chair'), '/map');
    await page.locator('path.layer-hexagon').first().waitFor();
    expect(await layerBox(page, 'Report points').count()).toBe(0);
    expect(await layerBox(page, 'DBSCAN clusters').count()).toBe(0);
    // The chair still draws areas (the Analysis section) but has no method parameters.
    await page.getByRole('heading', { name: 'Analysis' }).waitFor();
    expect(await page.getByLabel(/Minimum points|Bandwidth/).count()).toBe(0);
    expect(await settledCount(page)).toMatch(/hexagons with reports/);
    // Cells below k are not drawn at all; the key says so, and that counts are perturbed.
    await page
      .getByTestId('legend')
      .getByText(/fewer than 3 reports are not shown/)
      .waitFor();
    await page
      .getByTestId('legend')
      .getByText(/perturbed by at most 2/)
      .waitFor();
    expect(await page.locator('path.layer-hexagon--suppressed').count()).toBe(0);
    await saveScreenshot(page, 'map-chair-published-hexagons');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('gives the viewer a read-only meeting view', async () => {
    const page = await pageFor();
    await signInThroughForm(
      page,
      server.url,
      server.user('viewer'),
      '/map?v=1&layers=districts,gistar,hotspots',
    );
    await page.locator('path.layer-gistar').first().waitFor();
    expect(await page.locator('.map-page--meeting').count()).toBe(1);
    expect(await layerBox(page, 'Report points').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Analysis' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Draw an area' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Create hotspot|Save changes/ }).count()).toBe(0);
    await saveScreenshot(page, 'map-viewer-meeting');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it("lands the partner on their agency's actions; the map offers hotspots and actions only", async () => {
    const page = await pageFor();
    await signInThroughForm(page, server.url, server.user('partner'));
    expect(new URL(page.url()).pathname).toBe('/actions');
    await page.goto(`${server.url}/map`);
    await page.getByRole('link', { name: "Go to my agency's actions" }).waitFor();
    const labels = await page.locator('.layer-list > li > label:not(.opacity)').allInnerTexts();
    expect(labels.map((l) => l.trim())).toEqual([
      'District boundaries',
      'Ward boundaries (2013)',
      'Hotspots',
      'Actions',
    ]);
    expect(await settledCount(page)).toMatch(/hotspots? with your agency's actions/);
    await saveScreenshot(page, 'map-partner');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
