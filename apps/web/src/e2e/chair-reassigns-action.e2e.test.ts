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
import { arrangeConfirmedHotspot, isoDayFromNow } from '../testing/confirmed-hotspot.ts';
import { signInThroughForm, signOut } from '../testing/sign-in.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

reportMissingChromium();

// The chair moves an action from WRS to the police in a real browser: a past due date is refused
// with the message beside the field; the change then shows on the action, its timeline and the
// board. The WRS partner no longer has the action, and never sees the form on their own.

const MOVED_TITLE = 'Licensing visit to the premises';
const KEPT_TITLE = 'Check door staff registrations';

describe.skipIf(!hasChromium())('a chair reassigns and reschedules an action', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let movedId = '';
  let keptId = '';
  let police = { id: '', name: '' };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ recordCount: 50 }), launchBrowser()]);
    page = await browser.newPage();
    const arranged = await arrangeConfirmedHotspot(server, {
      name: 'Town centre evening economy',
      actions: [MOVED_TITLE, KEPT_TITLE].map((title) => ({
        agencyCode: 'WRS',
        title,
        dueOn: isoDayFromNow(14),
      })),
    });
    movedId = arranged.actionIds[0]!;
    keptId = arranged.actionIds[1]!;
    police = arranged.agencies.find((a) => a.code === 'WMP')!;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a refused due date beside its field, then moves the action and updates the board', async () => {
    await signInThroughForm(page, server.url, server.user('chair'), '/actions');
    const boardRow = page.getByRole('row').filter({ hasText: MOVED_TITLE });
    await boardRow.getByRole('cell', { name: 'WRS', exact: true }).waitFor();
    await boardRow.getByRole('link', { name: MOVED_TITLE }).click();
    await page.getByRole('heading', { name: MOVED_TITLE, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/actions/${movedId}`);
    const form = page.getByRole('form', { name: 'Reassign or reschedule' });
    await form.waitFor();

    await form.getByLabel('Due on').fill(isoDayFromNow(-2));
    await form.getByLabel('Reason for the change').fill('Brought forward by the meeting');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByText(`must be ${isoDayFromNow(0)} or later`, { exact: true }).waitFor();
    expect(await form.getByLabel('Due on').getAttribute('aria-invalid')).toBe('true');
    await form
      .getByRole('alert')
      .getByText(/^dueOn must be/)
      .waitFor();

    const newDue = isoDayFromNow(21);
    await form.getByLabel('Agency').selectOption(police.id);
    await form.getByLabel('Due on').fill(newDue);
    await form.getByLabel('Priority').selectOption({ label: 'Prevention & Education' });
    await form.getByLabel('Reason for the change').fill('Police lead on the night-time economy');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByText(`Reassigned to ${police.name}`).waitFor();
    expect(await page.getByTestId('action-status').textContent()).toContain(
      'Awaiting acknowledgement',
    );
    await page
      .getByText(`Reassigned from Worcestershire Regulatory Services to ${police.name}`)
      .waitFor();
    expect(await form.getByRole('alert').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'chair-action-reassigned');

    await page.getByRole('link', { name: '← All actions' }).click();
    await boardRow.getByRole('cell', { name: 'WMP', exact: true }).waitFor();
    expect(await boardRow.textContent()).toContain('Prevention & Education');
  });

  it('takes the action (and its notice) from the WRS partner, who never sees the form', async () => {
    await signOut(page);
    await signInThroughForm(page, server.url, server.user('partner'));
    await page.getByRole('link', { name: KEPT_TITLE }).first().waitFor();
    expect(await page.getByRole('link', { name: MOVED_TITLE }).count()).toBe(0);

    await page.getByRole('table').getByRole('link', { name: KEPT_TITLE }).click();
    await page.getByRole('heading', { name: KEPT_TITLE, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Acknowledge' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Reassign or reschedule' }).count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe(`/actions/${keptId}`);

    const gone = await page.request.get(`${server.url}/api/actions/${movedId}`);
    expect(gone.status()).toBe(404);
  });
});
