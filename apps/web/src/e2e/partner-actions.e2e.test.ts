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
import { signInThroughForm } from '../testing/sign-in.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

reportMissingChromium();

// One partner's side of the tasking flow in a real browser: the chair (through the API) confirms
// a hotspot and assigns actions to two agencies; the WRS partner signs in, sees only WRS's action
// on their landing page, opens it, acknowledges it and completes it with an outcome.

const OWN_TITLE = 'Licensing visit to the premises';
const OTHER_TITLE = 'Patrols by the neighbourhood team';

describe.skipIf(!hasChromium())('a partner works its own action in the browser', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let ownActionId = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ recordCount: 50 }), launchBrowser()]);
    page = await browser.newPage();
    const dueOn = isoDayFromNow(14);
    const { actionIds } = await arrangeConfirmedHotspot(server, {
      name: 'Town centre evening economy',
      actions: [
        {
          agencyCode: 'WRS',
          title: OWN_TITLE,
          detail: 'Check licence conditions and staff safeguarding training.',
          dueOn,
        },
        { agencyCode: 'WMP', title: OTHER_TITLE, dueOn },
      ],
    });
    ownActionId = actionIds[0]!;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("lands the partner on their agency's actions, showing only their own", async () => {
    await signInThroughForm(page, server.url, server.user('partner'));
    expect(new URL(page.url()).pathname).toBe('/actions');
    await page
      .getByRole('heading', { name: /^Actions for Worcestershire Regulatory Services/ })
      .waitFor();
    await page.getByRole('link', { name: OWN_TITLE }).first().waitFor();
    expect(await page.getByText(OTHER_TITLE).count()).toBe(0);
    // The assignment notice is there too.
    await page
      .getByText(`New action for Worcestershire Regulatory Services: ${OWN_TITLE}`)
      .waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'partner-my-actions');
  });

  it('acknowledges the action and completes it with an outcome', async () => {
    await page.getByRole('table').getByRole('link', { name: OWN_TITLE }).click();
    await page.getByRole('heading', { name: OWN_TITLE, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/actions/${ownActionId}`);
    const status = page.getByTestId('action-status');
    expect(await status.textContent()).toContain('Awaiting acknowledgement');

    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByTestId('action-status').getByText('Acknowledged').waitFor();

    await page
      .getByLabel('Outcome')
      .fill('Visited on Friday evening; licence conditions reviewed and staff briefed.');
    await page.getByRole('button', { name: 'Complete' }).click();
    await page.getByTestId('action-status').getByText('Completed').waitFor();
    await page.getByRole('heading', { name: 'Outcome' }).waitFor();
    const timeline = await page.getByRole('list').filter({ hasText: 'Completed' }).textContent();
    expect(timeline).toMatch(/Awaiting acknowledgement[\s\S]*Acknowledged[\s\S]*Completed/);
    // Nothing more to do: the buttons are gone.
    expect(await page.getByRole('button', { name: 'Complete' }).count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'partner-action-completed');

    // Another agency's action is not reachable by its address either.
    const other = await page.request.get(`${server.url}/api/actions?mine=1`);
    const { actions } = (await other.json()) as { actions: { title: string; status: string }[] };
    expect(actions).toEqual([expect.objectContaining({ title: OWN_TITLE, status: 'completed' })]);

    // Back on the landing page, the notice that announced the action reads as read.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: "My agency's actions" })
      .click();
    const notice = page.getByRole('listitem').filter({ hasText: `: ${OWN_TITLE}` });
    await notice.waitFor();
    await expect.poll(() => notice.getAttribute('class')).toBeNull();
    expect(await page.getByRole('heading', { name: 'Notifications' }).textContent()).toBe(
      'Notifications',
    );
  });
});
