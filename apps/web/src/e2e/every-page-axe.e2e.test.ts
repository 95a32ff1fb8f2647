import type { Role } from '@hotspot/contracts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AxeViolation, axeViolations, WCAG_TAGS } from '../testing/axe.ts';
import {
  hasChromium,
  launchBrowser,
  reportMissingChromium,
  type TestBrowser,
} from '../testing/browser.ts';
import {
  arrangeConfirmedHotspot,
  arrangeMeeting,
  isoDayFromNow,
} from '../testing/confirmed-hotspot.ts';
import { openInApp, pageDrawn, type RouteIds, routesFor } from '../testing/routes.ts';
import { signInThroughForm } from '../testing/sign-in.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

reportMissingChromium();

// axe-core's WCAG 2.2 A and AA rules on every page each role can reach at a laptop's size, the
// agenda's reorder buttons and meeting mode included, and on every page at a phone's size.
// At the phone's size the admin, the analyst and the partner between them reach every route and
// meeting mode: the chair's and the viewer's pages are the analyst's routes with fewer
// controls, each checked for their role at the laptop's size, and the phone layout (the
// collapsed navigation, stacked panels) does not depend on the role.

const ROLES: readonly Role[] = ['admin', 'analyst', 'chair', 'partner', 'viewer'];
const SIZES = [
  { width: 1440, height: 900, roles: ROLES },
  { width: 390, height: 844, roles: ['admin', 'analyst', 'partner'] as readonly Role[] },
] as const;

describe.skipIf(!hasChromium())('every page passes axe', () => {
  let server: TestServer;
  const ids: RouteIds = { hotspot: '', action: '', meeting: '' };

  beforeAll(async () => {
    server = await startTestServer({ recordCount: 50 });
    const arranged = await arrangeConfirmedHotspot(server, {
      name: 'Bus station late evenings',
      confirm: { reason: 'Agreed at tasking', risk: 'high' },
      actions: [{ agencyCode: 'WRS', title: 'Licensing visit', dueOn: isoDayFromNow(14) }],
    });
    ids.hotspot = arranged.hotspotId;
    ids.action = arranged.actionIds[0]!;
    ids.meeting = await arrangeMeeting(arranged);
  });

  afterAll(async () => {
    await server?.close();
  });

  for (const size of SIZES) {
    it.each(size.roles)(`for the %s at ${size.width}x${size.height}`, async (role) => {
      const browser: TestBrowser = await launchBrowser({
        viewport: { width: size.width, height: size.height },
      });
      try {
        const page: Page = await browser.newPage();
        const [first, ...rest] = routesFor(role, ids);
        await signInThroughForm(page, server.url, server.user(role), first);
        const found: { route: string; violations: AxeViolation[] }[] = [];
        const check = async (route: string) => {
          const violations = await axeViolations(page, WCAG_TAGS);
          if (violations.length > 0) found.push({ route, violations });
        };
        for (const route of [first!, ...rest]) {
          if (route !== first) await openInApp(page, route);
          await pageDrawn(page);
          if (route.startsWith('/meetings/') && role !== 'viewer') {
            // The agenda's reorder buttons are in the page when axe looks.
            await page
              .getByRole('button', { name: /^Move down:/ })
              .first()
              .waitFor();
          }
          await check(route);
        }
        if (role !== 'admin' && role !== 'partner') {
          await page.goto(`${server.url}/meetings/${ids.meeting}/present`);
          await page.locator('.meeting-item__title').waitFor();
          await pageDrawn(page);
          await check('meeting mode');
        }
        expect(found).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  }
});
