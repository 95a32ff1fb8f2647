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

// Two valid rows in Kidderminster (demo taxonomy), one with a category the partnership lacks and
// one outside the partnership.
const CSV = [
  'reported_on,occurred_from,occurred_to,longitude,latitude,easting,northing,grid_ref,location_precision,place_type,category,source_agency,source_grade,intelligence_grade,handling_code,summary,external_ref',
  '2024-03-14,,,-2.2486,52.3886,,,,exact,takeaway,adults-with-children,WFDC,2,B,P,Adults seen with young people late evening,E2E-1',
  '2024-03-15,,,,,383150,276580,,street,hotel-bnb,vehicle-pickups,WMP,1,A,P,,E2E-2',
  '2024-03-16,,,-2.2486,52.3886,,,,exact,takeaway,no-such-category,WFDC,2,B,P,,E2E-3',
  // Birmingham: outside the partnership, reported apart from the problems.
  '2024-03-17,,,-1.8904,52.4862,,,,exact,takeaway,adults-with-children,WFDC,2,B,P,,E2E-4',
  '',
].join('\r\n');

describe.skipIf(!hasChromium())('upload page', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ recordCount: 20 }), launchBrowser()]);
    page = await browser.newPage();
    await signInThroughForm(page, server.url, server.user('analyst'), '/upload');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('uploads a small CSV, shows its problems, previews, commits and lists it in the history', async () => {
    await page.getByRole('heading', { level: 1, name: 'Upload intelligence' }).waitFor();
    await page.getByLabel(/Choose a file/).setInputFiles({
      name: 'e2e-concerns.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    await page.getByRole('button', { name: 'Upload and check' }).click();

    const report = page.getByTestId('batch-report');
    await report.waitFor();
    expect(await report.getByTestId('count-valid').textContent()).toBe('2');
    expect(await report.getByTestId('count-invalid').textContent()).toBe('1');
    expect(await report.getByTestId('count-outside').textContent()).toBe('1');
    expect(await report.getByTestId('outside-note').textContent()).toContain('1 row is outside');
    const summary = report.getByTestId('error-summary');
    expect(await summary.getByRole('rowheader').allTextContents()).toEqual([
      'Category not in the taxonomy',
    ]);
    // The row to fix says where it is: row 4, the category field, its coordinates.
    const rowProblem = report.getByTestId('row-problems').locator('tbody tr');
    expect(await rowProblem.count()).toBe(1);
    expect((await rowProblem.locator('td').allTextContents()).slice(0, 3)).toEqual([
      '4',
      'category',
      '52.38860, -2.24860',
    ]);
    // Reported in March 2024: said at preview, before commit, that they arrive due for review.
    expect(await report.getByTestId('due-on-arrival').textContent()).toMatch(
      /^2 of the 2 valid rows were reported on or before \d{1,2} [A-Z][a-z]{2} \d{4}/,
    );
    expect(
      await report.getByRole('link', { name: /Download every problem/ }).getAttribute('href'),
    ).toMatch(/^\/api\/batches\/[0-9a-f-]+\/errors\.csv$/);

    await report.getByRole('button', { name: 'Preview the first rows' }).click();
    await report.getByTestId('preview-table').waitFor();
    expect(await report.getByTestId('preview-table').locator('tbody tr').count()).toBe(2);
    expect(await report.locator('.leaflet-interactive').count()).toBe(2);
    // Drawn over the partnership's boundary.
    await report.locator('.points-map path.partnership-outline').first().waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'upload-checked');

    await report.getByRole('button', { name: 'Commit 2 valid rows' }).click();
    await report.getByTestId('commit-done').waitFor();
    expect(await report.getByTestId('commit-done').textContent()).toContain('2 records');

    // Reported in March 2024, long before today: already due for review, and outside the map's
    // default last 12 months, so the link opens the map over the batch's own months.
    const done = report.getByTestId('commit-done');
    expect(await done.getByTestId('already-due').textContent()).toContain('2 of them');
    const link = done.getByRole('link', { name: 'Show these records on the map' });
    expect(await link.getAttribute('href')).toBe('/map?v=1&from=2024-03-01&to=2024-03-31');

    const history = page.getByTestId('batch-history');
    const row = history.getByRole('row', { name: /e2e-concerns\.csv/ });
    await row.getByText('Committed').waitFor();
    await saveScreenshot(page, 'upload-committed');
    await link.click();
    await expect
      .poll(async () => (await page.getByTestId('shown-count').textContent()) ?? '')
      .toMatch(/^[1-9][\d,]* reports?$/);
    await page.goto(`${server.url}/upload`);
  });

  it('says why a file is refused as a whole', async () => {
    await page.getByLabel(/Choose a file/).setInputFiles({
      name: 'header-only.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${CSV.split('\r\n')[0]}\r\n`),
    });
    await page.getByRole('button', { name: 'Upload and check' }).click();
    const error = page.getByTestId('upload-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('no data rows');
  });

  it('withdraws a batch with a reason', async () => {
    const history = page.getByTestId('batch-history');
    await history.getByRole('button', { name: 'Withdraw e2e-concerns.csv' }).click();
    const form = history.getByRole('form', { name: 'Withdraw e2e-concerns.csv' });
    await form.getByLabel('Reason for withdrawing').fill('Uploaded to the wrong partnership');
    await form.getByRole('button', { name: 'Withdraw batch' }).click();
    await history
      .getByRole('row', { name: /e2e-concerns\.csv/ })
      .getByText('Withdrawn')
      .first()
      .waitFor();
  });

  it('keeps every due record of an old batch from the Review page with one reason', async () => {
    const header = CSV.split('\r\n')[0];
    const old = [
      header,
      '2023-01-10,,,-2.2486,52.3886,,,,exact,takeaway,adults-with-children,WFDC,2,B,P,,OLD-1',
      '2023-02-11,,,-2.2486,52.3886,,,,exact,takeaway,adults-with-children,WFDC,2,B,P,,OLD-2',
      '2023-03-12,,,-2.2486,52.3886,,,,exact,takeaway,adults-with-children,WFDC,2,B,P,,OLD-3',
      '',
    ].join('\r\n');
    await page.getByLabel(/Choose a file/).setInputFiles({
      name: 'old-returns.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(old),
    });
    await page.getByRole('button', { name: 'Upload and check' }).click();
    const report = page.getByTestId('batch-report');
    await report.getByRole('heading', { name: 'Check results: old-returns.csv' }).waitFor();
    await report.getByRole('button', { name: 'Commit 3 valid rows' }).click();
    await report.getByTestId('already-due').waitFor();

    await page.goto(`${server.url}/review`);
    const batches = page.getByTestId('due-batches');
    const row = batches.getByRole('row', { name: /old-returns\.csv/ });
    await row.waitFor();
    expect(await row.getByRole('cell').first().textContent()).toBe('3 records');
    await row.getByRole('button', { name: 'Keep all 3 records of old-returns.csv' }).click();
    const form = row.getByRole('form', { name: 'Keep all 3 records of old-returns.csv' });
    await form.getByLabel('Why keep these 3 records').fill('Evidence for the licensing review');
    await form.getByRole('button', { name: 'Keep 3 records' }).click();
    await page
      .getByRole('status')
      .getByText(/^3 records of old-returns\.csv kept until \d{1,2} [A-Z][a-z]{2} \d{4}\.$/)
      .waitFor();
    await batches.getByRole('row', { name: /old-returns\.csv/ }).waitFor({ state: 'detached' });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'review-by-batch');
  });
});
