import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { signInThroughForm } from '../testing/sign-in.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

reportMissingChromium();

// What the chair reads: labels rather than codes, dates as people write them ("9 Dec 2026"),
// the action board grouped by the four priorities, and a save that says it saved.

const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;
const HUMAN_DATE = /\b\d{1,2} [A-Z][a-z]{2} \d{4}\b/;

async function mainText(page: Page): Promise<string> {
  return ((await page.locator('main').textContent()) ?? '').trim();
}

describe.skipIf(!hasChromium())('the words the chair reads', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let hotspotId = '';
  let meetingId = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ recordCount: 50 }), launchBrowser()]);
    page = await browser.newPage();
    const arranged = await arrangeConfirmedHotspot(server, {
      name: 'Bus station late evenings',
      confirm: { reason: 'Agreed at tasking', risk: 'very-high' },
      actions: [
        {
          agencyCode: 'WRS',
          title: 'Licensing visit',
          dueOn: isoDayFromNow(14),
          priority: 'prevention-education',
        },
        { agencyCode: 'WMP', title: 'Evening patrols', dueOn: isoDayFromNow(21) },
      ],
    });
    hotspotId = arranged.hotspotId;
    meetingId = await arrangeMeeting(arranged);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('groups the action board by priority, filters by agency name, dates in words', async () => {
    await signInThroughForm(page, server.url, server.user('chair'), '/actions');
    await page.locator('.action-table').first().waitFor();
    await page.getByLabel('Group by').selectOption('priority');
    await page.waitForURL(/group=priority/);
    const captions = await page.locator('.action-table caption').allInnerTexts();
    expect(captions).toEqual(['Prevention & Education (1)', 'Pursue & Disrupt (1)']);
    const agencyOptions = await page.getByLabel('Agency').locator('option').allInnerTexts();
    expect(agencyOptions).toContain('Worcestershire Regulatory Services');
    expect(agencyOptions).not.toContain('WRS');
    const text = await mainText(page);
    expect(text).toMatch(HUMAN_DATE);
    expect(text).not.toMatch(ISO_DATE);
    expect(text).toContain('Awaiting acknowledgement');
  });

  it('names the risk level and says "Saved" when the problem-solving record is saved', async () => {
    await page.goto(`${server.url}/hotspots/${hotspotId}`);
    await page.getByRole('heading', { name: 'Problem-solving record (OSARA)' }).waitFor();
    expect(await mainText(page)).toContain('Very high');
    const form = page.getByRole('form', { name: 'Problem-solving record' });
    expect(await form.getByLabel('Risk').locator('option:checked').textContent()).toBe('Very high');
    await form.getByLabel('Objective').fill('Fewer late-evening reports around the bus station.');
    await form.getByRole('button', { name: 'Save record' }).click();
    await form.getByRole('status').getByText('Saved.').waitFor();
    // Suggested actions name their place type by its label, not its code.
    const suggestions = page
      .getByRole('combobox', { name: 'Start from a suggestion' })
      .locator('option');
    await expect.poll(() => suggestions.count()).toBeGreaterThan(1);
    await expect
      .poll(async () => (await suggestions.allTextContents()).slice(1).join('\n'))
      .not.toMatch(/(^|\n)[a-z0-9]+(-[a-z0-9]+)*:/);
  });

  it('shows due and review dates in words in meeting mode', async () => {
    await page.goto(`${server.url}/meetings/${meetingId}`);
    await page.getByRole('link', { name: 'Open meeting mode' }).click();
    await page.locator('.action-state').first().waitFor();
    const panel = await page.locator('.meeting-mode__panel').textContent();
    expect(panel).toMatch(/due \d{1,2} [A-Z][a-z]{2} \d{4}/);
    expect(panel).not.toMatch(ISO_DATE);
  });

  it('says the PDF pack is being prepared, then downloads it', async () => {
    await page.goto(`${server.url}/meetings/${meetingId}`);
    // Hold the pack until the progress has been seen: it must not wait for the server.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const packUrl = `**/api/meetings/${meetingId}/pack.pdf`;
    await page.route(packUrl, async (route) => {
      await held;
      await route.continue();
    });
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Pack as PDF' }).click();
    await page
      .getByRole('status')
      .getByText(/Preparing the PDF… \d+ s/)
      .waitFor();
    release();
    expect((await download).suggestedFilename()).toMatch(/^Tasking group pack\.(pdf|html)$/);
    await page.getByText('The pack has been downloaded.').waitFor();
    await page.unroute(packUrl);
  });

  it("marks the single concern form's empty category and place type beside each", async () => {
    await browser.context.clearCookies();
    await signInThroughForm(page, server.url, server.user('analyst'), '/upload');
    await page.getByRole('button', { name: 'Record the concern' }).click();
    const category = page.getByRole('combobox', { name: 'What was observed' });
    const placeType = page.getByRole('combobox', { name: 'Type of place' });
    await expect.poll(() => category.getAttribute('aria-invalid')).toBe('true');
    expect(await placeType.getAttribute('aria-invalid')).toBe('true');
    expect(await category.evaluate((el) => el.getAttribute('aria-describedby'))).toMatch(/error/);
    const errors = await page.locator('.concern-form .field-error').allTextContents();
    expect(errors).toEqual(['Choose what was observed.', 'Choose the type of place.']);
  });

  it('plans an online-only meeting with no place, and marks a missing place beside the field', async () => {
    await browser.context.clearCookies();
    await signInThroughForm(page, server.url, server.user('chair'), '/meetings');
    const form = page.getByRole('form', { name: 'Plan a meeting' });
    await form.getByRole('textbox', { name: 'Title' }).fill('Online catch-up');
    await form.getByLabel('Starts at').fill('2027-01-15T10:00');
    // Neither a place nor Online: said beside the Place field, not only at the top.
    await form.getByRole('button', { name: 'Plan meeting' }).click();
    const place = form.getByRole('textbox', { name: 'Place' });
    await expect.poll(() => place.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-error').allTextContents()).toEqual([
      'Give a place, or say the meeting is online.',
    ]);
    // As the hint says: no place, Online ticked, and the meeting is planned.
    await form.getByRole('checkbox', { name: /^Online/ }).check();
    await form.getByRole('button', { name: 'Plan meeting' }).click();
    await page.waitForURL(/\/meetings\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: 'Online catch-up' }).waitFor();
  });
});
