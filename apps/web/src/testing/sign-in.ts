import type { Page } from 'playwright-core';
import type { TestServerUser } from './test-server.ts';

/**
 * Signs in through the sign-in form (password only: the demo relaxes the second factor) and
 * waits until the signed-in frame is there. `path` is where to start (default "/").
 */
export async function signInThroughForm(
  page: Page,
  baseUrl: string,
  user: Pick<TestServerUser, 'email' | 'password'>,
  path = '/',
): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('Email address').waitFor();
  await page.getByLabel('Email address').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}
