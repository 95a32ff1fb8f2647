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
import {
  arrangeConfirmedHotspot,
  isoDayFromNow,
  squareInPartnership,
} from '../testing/confirmed-hotspot.ts';
import { signInThroughForm } from '../testing/sign-in.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

reportMissingChromium();

// A tasking meeting run in a real browser at projector size: the chair opens meeting mode,
// steps through the generated agenda with the keyboard, takes attendance, starts the meeting,
// records a decision and a new action against the hotspot's item, and closes the meeting.

const HOTSPOT = 'Bus station late evenings';
const EXISTING_ACTION = 'Licensing visit to the kebab shops';
const DECISION = 'Confirmed as a priority; WRS to report back next month.';
const NEW_ACTION = 'Joint patrols on Friday and Saturday evenings';

async function itemPosition(page: Page): Promise<string> {
  return (await page.locator('.meeting-mode__position').textContent()) ?? '';
}

describe.skipIf(!hasChromium())('a tasking meeting in meeting mode', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let meetingId = '';
  let hotspotId = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ recordCount: 50 }), launchBrowser()]);
    page = await browser.newPage();
    const arranged = await arrangeConfirmedHotspot(server, {
      name: HOTSPOT,
      area: await squareInPartnership(server, 150),
      confirm: { reason: 'Agreed' },
      actions: [{ agencyCode: 'WRS', title: EXISTING_ACTION, dueOn: isoDayFromNow(14) }],
    });
    hotspotId = arranged.hotspotId;
    const { agencies, chair } = arranged;
    const meeting = await chair<{ id: string }>('POST', '/api/meetings', {
      title: 'Tasking group',
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      place: 'Civic centre, room 2',
      online: true,
      attendeeAgencyIds: agencies.slice(0, 4).map((a) => a.id),
    });
    meetingId = meeting.id;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the generated agenda on the meeting page', async () => {
    await signInThroughForm(page, server.url, server.user('chair'), `/meetings/${meetingId}`);
    await page.getByRole('heading', { name: 'Tasking group', level: 1 }).waitFor();
    await page.getByText(`New hotspot: ${HOTSPOT}`).waitFor();
    await page
      .getByText(`Awaiting acknowledgement: ${EXISTING_ACTION}`, { exact: false })
      .waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'meeting-page');
  });

  it('steps through the items with the keyboard', async () => {
    await page.getByRole('link', { name: 'Open meeting mode' }).click();
    await page.locator('.meeting-mode').waitFor();
    await page.locator('.meeting-item__title').waitFor();
    const first = await itemPosition(page);
    const total = Number(/of (\d+)/.exec(first)?.[1]);
    expect(first).toBe(`Item 1 of ${total}`);
    expect(total).toBeGreaterThanOrEqual(2);
    await page.keyboard.press('ArrowRight');
    await page.getByText(`Item 2 of ${total}`).waitFor();
    await page.keyboard.press('PageUp');
    await page.getByText(`Item 1 of ${total}`).waitFor();
    await page.keyboard.press('PageDown');
    await page.getByText(`Item 2 of ${total}`).waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.getByText(`Item 1 of ${total}`).waitFor();
    // Find the new hotspot's item by stepping, as the chair would.
    for (let i = 1; i <= total; i++) {
      const title = (await page.locator('.meeting-item__title').textContent()) ?? '';
      if (title === `New hotspot: ${HOTSPOT}`) break;
      await page.keyboard.press('ArrowRight');
      await page.getByText(`Item ${Math.min(i + 1, total)} of ${total}`).waitFor();
    }
    expect(await page.locator('.meeting-item__title').textContent()).toBe(
      `New hotspot: ${HOTSPOT}`,
    );
    // Its actions' state, and the map drawn with the hotspot.
    await page.locator('.action-state').getByText(EXISTING_ACTION).waitFor();
    await page.locator('.meeting-mode__map path.layer-hotspot').first().waitFor();
  });

  it('takes attendance and starts the meeting', async () => {
    await page.getByRole('button', { name: 'Attendance' }).click();
    const checkbox = page.locator('.meeting-mode__attendance input[type="checkbox"]').first();
    // Hold the save until the box has been seen ticked: the tick must not wait for the server.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const meetingUrl = `**/api/meetings/${meetingId}`;
    await page.route(meetingUrl, async (route) => {
      if (route.request().method() === 'PATCH') await held;
      await route.continue();
    });
    const saved = page.waitForResponse(
      (r) => r.url().endsWith(`/api/meetings/${meetingId}`) && r.request().method() === 'PATCH',
    );
    await checkbox.check();
    expect(await checkbox.isChecked()).toBe(true);
    await expect.poll(() => checkbox.isDisabled()).toBe(true);
    release();
    expect((await saved).status()).toBe(200);
    await page.unroute(meetingUrl);
    await page.waitForFunction(
      (selector) => !document.querySelector<HTMLInputElement>(selector)?.disabled,
      '.meeting-mode__attendance input[type="checkbox"]',
    );
    expect(await checkbox.isChecked()).toBe(true);

    // A save that fails puts the box back as it was saved, and says why.
    const second = page.locator('.meeting-mode__attendance input[type="checkbox"]').nth(1);
    await page.route(meetingUrl, (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({
            status: 503,
            contentType: 'application/problem+json',
            body: JSON.stringify({
              type: 'urn:problem:database-unavailable',
              title: 'The database is unavailable',
              status: 503,
              detail: 'The database did not answer; try again in a moment.',
            }),
          })
        : route.continue(),
    );
    await second.click();
    await page.locator('.meeting-mode__attendance [role="alert"]').waitFor();
    expect(await second.isChecked()).toBe(false);
    await page.unroute(meetingUrl);

    await page.getByRole('button', { name: 'Start meeting' }).click();
    await page.locator('.meeting-mode__status').getByText('In progress').waitFor();
    await page.getByRole('button', { name: 'Attendance' }).click();
  });

  it('records a decision and a new action against the item', async () => {
    await page.getByLabel('Record a decision').fill(DECISION);
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.locator('.decisions').getByText(DECISION).waitFor();

    await page.getByRole('button', { name: 'Agree a new action' }).click();
    await page.getByLabel('Action', { exact: true }).fill(NEW_ACTION);
    await page.getByLabel('Agency').selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Assign action' }).click();
    await page.locator('.action-state').getByText(NEW_ACTION).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'meeting-mode');
  });

  it('closes the meeting, keeping its record', async () => {
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Close meeting' }).click();
    await page.locator('.meeting-mode__status').getByText('Closed').waitFor();
    expect(await page.getByLabel('Record a decision').count()).toBe(0);

    const db = server.deps.db.kysely;
    const meeting = await db
      .selectFrom('meeting')
      .select(['status', 'closed_at'])
      .where('id', '=', meetingId)
      .executeTakeFirstOrThrow();
    expect(meeting.status).toBe('closed');
    const present = await db
      .selectFrom('meeting_attendee')
      .select('present')
      .where('meeting_id', '=', meetingId)
      .where('present', '=', true)
      .execute();
    expect(present).toHaveLength(1);
    const decisions = await db
      .selectFrom('agenda_decision')
      .select('text')
      .where('meeting_id', '=', meetingId)
      .execute();
    expect(decisions.map((d) => d.text)).toEqual([DECISION]);
    const created = await db
      .selectFrom('action')
      .select(['title', 'hotspot_id'])
      .where('meeting_id', '=', meetingId)
      .execute();
    expect(created).toEqual([{ title: NEW_ACTION, hotspot_id: hotspotId }]);
  });
});
