import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

/** /work/main/test-artifacts (gitignored): screenshots a person can look at after a run. */
export const ARTIFACTS_DIR = resolve(import.meta.dirname, '..', '..', '..', '..', 'test-artifacts');

/** Saves a full-viewport PNG as test-artifacts/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
