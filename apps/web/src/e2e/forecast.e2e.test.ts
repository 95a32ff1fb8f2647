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

describe.skipIf(!hasChromium())('forecast & backtest page', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    page = await browser.newPage();
    await signInThroughForm(page, server.url, server.user('analyst'), '/forecast');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the backtest table, charts, summary and next month’s squares, and sets the default method', async () => {
    await page.getByRole('heading', { level: 1, name: 'Forecast & backtest' }).waitFor();
    expect(await page.getByRole('link', { name: 'Forecast & backtest' }).count()).toBe(1);
    const summary = page.getByTestId('backtest-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/^Last 6 months: .*top 5 % of the area held \d+ %/);
    // 6 test months x 4 methods x 3 coverages.
    expect(await page.getByTestId('backtest-table').locator('tbody tr').count()).toBe(72);
    const hitChart = page.getByRole('img', { name: /Hit rate over coverage/ });
    expect(await hitChart.locator('polyline').count()).toBe(4);
    expect(await page.getByRole('img', { name: /PAI over coverage/ }).count()).toBe(1);
    // Next month's forecast: ranked squares drawn on the map.
    const forecast = page.getByTestId('forecast');
    await forecast.waitFor();
    const heading = await forecast.getByRole('heading', { level: 2 }).textContent();
    const squares = Number(/: (\d+) squares/.exec(heading ?? '')?.[1]);
    expect(squares).toBeGreaterThan(0);
    expect(await forecast.locator('path.leaflet-interactive').count()).toBe(squares);
    // The method is named and explained beside the map.
    expect(await forecast.getByTestId('forecast-method-explanation').textContent()).toMatch(
      /^(Naive prior counts|Recency-weighted counts|Prospective hot-spotting|Counts with neighbours)\b/,
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'forecast-backtest');

    await page.getByRole('button', { name: 'Use prospective hot-spotting' }).click();
    await page
      .getByTestId('partnership-method')
      .filter({ hasText: 'Prospective hot-spotting' })
      .waitFor();
    expect(
      await page.getByRole('button', { name: 'Use prospective hot-spotting' }).isDisabled(),
    ).toBe(true);
  });
});
