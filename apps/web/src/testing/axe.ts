import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly string[];
}

/** The WCAG 2.2 A and AA rules the product is held to, as axe tags them. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const;

/**
 * Runs axe-core (WCAG 2.x A/AA and best-practice rules) in the page and returns the serious
 * and critical violations, each with the selectors of the offending elements.
 * Example: `expect(await seriousAxeViolations(page)).toEqual([])`.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  const violations = await axeViolations(page, [...WCAG_TAGS, 'best-practice']);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Every axe violation of the rules with these tags, whatever its impact, each with the
 * selectors of the offending elements. Example: `expect(await axeViolations(page, WCAG_TAGS))`.
 */
export async function axeViolations(page: Page, tags: readonly string[]): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the app's CSP (rightly) refuses inline scripts.
  await page.evaluate(`${AXE_SOURCE};undefined`);
  return page.evaluate(async (values) => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<AxeResults> } }
    ).axe;
    interface AxeResults {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[] }[];
      }[];
    }
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values },
      resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  }, tags);
}
