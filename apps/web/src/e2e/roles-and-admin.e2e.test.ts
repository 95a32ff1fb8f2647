import type { Role } from '@hotspot/contracts';
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

const EXPECTED_NAV: Readonly<Record<Role, readonly string[]>> = {
  admin: ['Users', 'Agencies', 'Settings', 'Taxonomy', 'Audit'],
  analyst: ['Map', 'Upload', 'Review', 'Forecast & backtest', 'Hotspots', 'Actions', 'Meetings'],
  chair: ['Map', 'Hotspots', 'Actions', 'Meetings'],
  partner: ["My agency's actions", 'Map', 'Meetings'],
  viewer: ['Map', 'Meetings'],
};

async function navLabels(page: Page): Promise<string[]> {
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  return (await links.allTextContents()).map((t) => t.trim());
}

describe.skipIf(!hasChromium())('role navigation and admin pages', () => {
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

  it.each(['analyst', 'chair', 'partner', 'viewer'] as const)(
    'shows the %s only their navigation',
    async (role) => {
      await signInThroughForm(page, server.url, server.user(role));
      expect(await navLabels(page)).toEqual(EXPECTED_NAV[role]);
      // Each lands on its first item: partners on their agency's actions, others on the map.
      expect(new URL(page.url()).pathname).toBe(role === 'partner' ? '/actions' : '/map');
      await page.goto(`${server.url}/admin/users`);
      await page.getByRole('heading', { name: 'Not available for your role' }).waitFor();
      await signOut(page);
    },
  );

  it('shows the admin the admin pages and no map', async () => {
    await signInThroughForm(page, server.url, server.user('admin'));
    expect(await navLabels(page)).toEqual(EXPECTED_NAV.admin);
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    await page.goto(`${server.url}/map`);
    await page.getByRole('heading', { name: 'Not available for your role' }).waitFor();
    expect(await page.locator('.leaflet-container').count()).toBe(0);
  });

  it.each([
    ['users', 'Users', 'table'],
    ['agencies', 'Agencies', 'table'],
    ['settings', 'Partnership settings', 'form'],
    ['taxonomy', 'Taxonomy', 'table'],
    ['audit', 'Audit trail', 'table'],
  ])('admin %s page passes axe', async (path, heading, content) => {
    await page.goto(`${server.url}/admin/${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.locator(content).first().waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, `admin-${path}`);
  });

  it('adds a user, changes their role, disables them and resets nobody by accident', async () => {
    await page.goto(`${server.url}/admin/users`);
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Name').fill('Pat Example <script>');
    await form.getByLabel('Email address').fill('pat@example.test');
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByLabel('Agency').selectOption('WMP');
    await form.getByRole('button', { name: 'Add user' }).click();
    await form.getByText('Added pat@example.test').waitFor();
    // No password is chosen here: the page shows the one-time enrolment link instead.
    await form.getByTestId('enrolment-link').waitFor();

    const row = page.getByRole('row', { name: /Pat Example <script>/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Viewer');
    await row.getByRole('button', { name: /Change role or agency/ }).click();
    await row.getByLabel('Role').selectOption('chair');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.getByText('Tasking chair').waitFor();
    await row.getByRole('button', { name: /^Disable/ }).click();
    await row.getByText('Disabled', { exact: true }).waitFor();
    const stored = await server.deps.db.kysely
      .selectFrom('app_user')
      .select(['role', 'disabled'])
      .where('email', '=', 'pat@example.test')
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ role: 'chair', disabled: true });
  });

  it('refuses a suppression threshold below 2 and saves a valid one', async () => {
    await page.goto(`${server.url}/admin/settings`);
    const k = page.getByLabel('Suppression threshold (k)');
    await k.fill('1');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.field--error').first().waitFor();
    await k.fill('4');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const row = await server.deps.db.kysely
      .selectFrom('partnership')
      .select('suppression_k')
      .executeTakeFirstOrThrow();
    expect(row.suppression_k).toBe(4);
  });

  it('filters the audit trail, verifies the chain and offers the CSV', async () => {
    await page.goto(`${server.url}/admin/audit`);
    await page.getByLabel('Category').selectOption('authentication');
    await page.waitForURL(/category=authentication/);
    // The unfiltered rows stay on screen until the filtered ones arrive: wait for those.
    const rows = page.locator('tbody tr');
    await expect
      .poll(async () => {
        const texts = await rows.allTextContents();
        return texts.length > 0 && texts.every((text) => text.includes('authentication'));
      })
      .toBe(true);

    await page.getByRole('button', { name: 'Verify the audit chain' }).click();
    await page.getByText(/Intact: all [\d,]+ events link up/).waitFor();

    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toBe('/api/audit/export.csv?category=authentication');
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href!);
    expect(csv.split('\n')[0]).toContain('occurred_at');
    await saveScreenshot(page, 'admin-audit-filtered');
  });

  it('names the users an administrator changed in the audit trail, in UK time', async () => {
    await page.goto(`${server.url}/admin/audit?category=admin`);
    const row = page.getByRole('row').filter({ hasText: 'user.change' }).first();
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('user Pat Example <script>');
    await page.getByText('Times are UK time.').waitFor();
  });
});
