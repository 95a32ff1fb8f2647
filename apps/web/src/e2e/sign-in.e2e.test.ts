import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../../api/src/features/auth/index.ts';
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

describe.skipIf(!hasChromium())('signing in, second factor and session expiry', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ recordCount: 50 }), launchBrowser()]);
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('sends a visitor without a session to sign-in, keeping where they were going', async () => {
    await page.goto(`${server.url}/map?v=1&c=52.38000,-2.25000&z=13`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const next = new URL(page.url()).searchParams.get('next');
    expect(next).toBe('/map?v=1&c=52.38000,-2.25000&z=13');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'sign-in');
  });

  it('says so when the email or password is wrong, without saying which', async () => {
    await page.getByLabel('Email address').fill(server.user('viewer').email);
    await page.getByLabel('Password').fill('not-the-password-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('The email or password is not correct.');
  });

  it('signs in and returns to the page asked for', async () => {
    const viewer = server.user('viewer');
    await page.getByLabel('Email address').fill(viewer.email);
    await page.getByLabel('Password').fill(viewer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/map');
    expect(new URL(page.url()).searchParams.get('z')).toBe('13');
    await page.locator('.leaflet-districts-pane path').first().waitFor();
  });

  it('tells the user their session ended and brings them back after signing in again', async () => {
    // The server forgets every session (idle timeout, an admin disabling the account...).
    await server.deps.db.kysely.deleteFrom('session').execute();
    // The next request the app makes (switching wards on) gets a 401. (click, not check:
    // the checkbox is gone once the app has moved to the sign-in page.)
    await page.getByLabel('Ward boundaries (2013)').click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain(
      'Your session has ended',
    );
    const returnTo = new URL(page.url()).searchParams.get('next');
    expect(returnTo).toContain('/map?');
    expect(returnTo).toContain('layers=districts,wards');

    const viewer = server.user('viewer');
    await page.getByLabel('Email address').fill(viewer.email);
    await page.getByLabel('Password').fill(viewer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/map');
    // Wards added to the default layers (districts, hexagons, hotspots).
    expect(new URL(page.url()).searchParams.get('layers')).toBe(
      'districts,wards,hexagons,hotspots',
    );
    await expect.poll(() => page.locator('.leaflet-wards-pane path').count()).toBeGreaterThan(20);
    await signOut(page);
    expect(await page.getByRole('status').first().textContent()).toContain('You have signed out');
  });

  it('enrols an authenticator app, then signs in with a code from it', async () => {
    await server.deps.db.kysely
      .updateTable('partnership')
      .set({ mfa_required: true })
      .where('id', '=', server.partnershipId!)
      .execute();
    const chair = server.user('chair');

    // First sign-in: the partnership now requires a second factor the chair has not set up.
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('Email address').fill(chair.email);
    await page.getByLabel('Password').fill(chair.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(await page.getByRole('list', { name: 'Recovery codes' }).locator('li').count()).toBe(10);
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'mfa-enrol');

    const finish = page.getByRole('button', { name: 'Finish set-up' });
    expect(await finish.isDisabled()).toBe(true);
    await page.getByLabel('I have stored my recovery codes').check();
    await page.getByLabel('6-digit code').fill(totpCodeAt(secret, new Date()));
    await finish.click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/map');
    // The partnership now requires the factor: the relaxed notice is gone.
    expect(await page.getByTestId('mfa-relaxed').count()).toBe(0);
    await signOut(page);

    // Second sign-in: password, then a code (the next 30-second step: a code is used once).
    await page.getByLabel('Email address').fill(chair.email);
    await page.getByLabel('Password').fill(chair.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const codeField = page.getByLabel('Code from your authenticator app');
    await codeField.fill('000000');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('The code is not correct.').first().waitFor();
    await codeField.fill(totpCodeAt(secret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.getByRole('link', { name: 'Hotspots' }).count()).toBe(1);
    await signOut(page);
  });

  it('signs the demo admin in with a password only while the partnership relaxes the factor', async () => {
    await server.deps.db.kysely
      .updateTable('partnership')
      .set({ mfa_required: false })
      .where('id', '=', server.partnershipId!)
      .execute();
    await signInThroughForm(page, server.url, server.user('admin'));
    await page.getByTestId('mfa-relaxed').waitFor();
    await signOut(page);
  });
});
