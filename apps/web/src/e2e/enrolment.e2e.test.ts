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
import { signInThroughForm, signOut } from '../testing/sign-in.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

reportMissingChromium();

// Separation of duties in the browser: the admin hands over a one-time link and never sees the
// password; the analyst role waits for the chair (the demo has a single admin) to approve it.

const NEW_ANALYST = { name: 'Robin Enrolment', email: 'robin@example.test' };
const ROBINS_PASSWORD = 'Lantern-quince-harbour-84';

describe.skipIf(!hasChromium())('enrolment links and analyst approval', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let link: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ recordCount: 50 }), launchBrowser()]);
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the admin a one-time link, never a password field, and a request they cannot approve', async () => {
    await signInThroughForm(page, server.url, server.user('admin'));
    await page.goto(`${server.url}/admin/users`);
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Name').fill(NEW_ANALYST.name);
    await form.getByLabel('Email address').fill(NEW_ANALYST.email);
    await form.getByLabel('Role').selectOption('analyst');
    await form.getByLabel('Agency').selectOption('WMP');
    expect(await form.locator('input[type="password"]').count()).toBe(0);
    await form.getByRole('button', { name: 'Add user' }).click();
    link = (await form.getByTestId('enrolment-link').textContent()) ?? '';
    expect(new URL(link).pathname).toBe('/enrol');
    expect(new URL(link).hash.length).toBeGreaterThan(40);

    const panel = page.getByRole('region', { name: 'Waiting for approval' });
    const row = panel.getByRole('row', { name: new RegExp(NEW_ANALYST.name) });
    await row.waitFor();
    expect(
      await row
        .getByRole('button', { name: `Approve analyst role for ${NEW_ANALYST.name}` })
        .isDisabled(),
    ).toBe(true);
    await signOut(page);
  });

  it('lets the user choose their own password on the public page, with the error at the field', async () => {
    await page.goto(link);
    await page.getByRole('heading', { name: 'Set up your account' }).waitFor();
    // The one-time code leaves the address bar once read.
    await page.waitForURL((url) => url.hash === '');
    const enrol = page.getByRole('form', { name: 'Set up your account' });
    await enrol.getByText(NEW_ANALYST.email).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await enrol.getByLabel('New password').fill('password1234');
    await enrol.getByRole('button', { name: 'Set up my account' }).click();
    await enrol
      .locator('.field--error')
      .getByText(/too easy to guess/)
      .waitFor();
    await enrol.getByLabel('New password').fill(ROBINS_PASSWORD);
    await enrol.getByRole('button', { name: 'Set up my account' }).click();
    await page.getByRole('heading', { name: 'Your account is ready' }).waitFor();
    await page.getByText(/waits for a second administrator to approve it/).waitFor();
    await saveScreenshot(page, 'enrolment-awaiting-approval');

    // Until approved, the password does not open a session.
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('Email address').fill(NEW_ANALYST.email);
    await page.getByLabel('Password').fill(ROBINS_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('The email or password is not correct.').waitFor();

    // The link worked once.
    await page.goto(link);
    await page
      .getByRole('alert')
      .getByText(/not valid/)
      .waitFor();
  });

  it('lets the chair approve, after which the analyst signs in to the map', async () => {
    await signInThroughForm(page, server.url, server.user('chair'), '/actions');
    const panel = page.getByRole('region', { name: 'Waiting for approval' });
    await panel
      .getByRole('button', { name: `Approve analyst role for ${NEW_ANALYST.name}` })
      .click();
    await panel.waitFor({ state: 'detached' });
    await signOut(page);

    await signInThroughForm(page, server.url, {
      email: NEW_ANALYST.email,
      password: ROBINS_PASSWORD,
    });
    expect(new URL(page.url()).pathname).toBe('/map');
    const stored = await server.deps.db.kysely
      .selectFrom('app_user')
      .select(['role', 'disabled'])
      .where('email', '=', NEW_ANALYST.email)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ role: 'analyst', disabled: false });
  });
});
