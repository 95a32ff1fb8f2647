import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Chromium is looked for when CHROMIUM_PATH is not set (Debian's package). */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

// No network, no background services, no profile reuse: the PDF depends on the HTML alone.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Raised when no PDF can be made here (no Chromium, or playwright-core not installed). */
export class PdfUnavailableError extends Error {
  override readonly name = 'PdfUnavailableError';
}

/**
 * Prints self-contained HTML to an A4 PDF with headless Chromium: a fresh user-data-dir per
 * call, JavaScript off, every request refused (the pack has no external resources, and must
 * not fetch any). Throws PdfUnavailableError when Chromium or playwright-core is missing.
 */
export async function renderPdf(html: string, chromiumPath: string): Promise<Buffer> {
  if (!existsSync(chromiumPath)) throw new PdfUnavailableError(`no Chromium at ${chromiumPath}`);
  let chromium: typeof import('playwright-core').chromium;
  try {
    // Loaded on demand: a production image may omit playwright-core and serve the printable page.
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new PdfUnavailableError('playwright-core is not installed');
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'hotspot-pack-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: [...CHROMIUM_FLAGS],
      javaScriptEnabled: false,
      offline: true,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await context.close();
    }
  } catch (error) {
    if (error instanceof PdfUnavailableError) throw error;
    throw new PdfUnavailableError(
      `Chromium could not print: ${(error as Error).message.split('\n')[0]}`,
    );
  } finally {
    await rm(userDataDir, { recursive: true, force: true });
  }
}
