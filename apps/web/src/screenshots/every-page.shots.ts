import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '@hotspot/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ARTIFACTS_DIR } from '../testing/artifacts.ts';
import { launchBrowser, type TestBrowser } from '../testing/browser.ts';
import {
  arrangeConfirmedHotspot,
  arrangeMeeting,
  isoDayFromNow,
} from '../testing/confirmed-hotspot.ts';
import { pageDrawn, type RouteIds, routesFor } from '../testing/routes.ts';
import { signInThroughForm } from '../testing/sign-in.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

// Every page each role can reach, at the laptop (1440x900), projector (1920x1080) and phone
// (390x844) sizes, as PNGs for reviewers: test-artifacts/screenshots/<size>/<role>-<page>.png.

const SIZES = [
  { name: 'laptop', width: 1440, height: 900 },
  { name: 'projector', width: 1920, height: 1080 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const ROLES: readonly Role[] = ['admin', 'analyst', 'chair', 'partner', 'viewer'];
const OUT = join(ARTIFACTS_DIR, 'screenshots');

/** "/hotspots/<uuid>" -> "hotspot"; "/admin/users" -> "admin-users". */
function fileName(route: string): string {
  const path = route.replace(/\/[0-9a-f-]{36}$/, '-page').replace(/^\//, '');
  return path.replaceAll('/', '-').replace(/s-page$/, '');
}

describe('screenshots of every page', () => {
  let server: TestServer;
  const ids: RouteIds = { hotspot: '', action: '', meeting: '' };

  beforeAll(async () => {
    server = await startTestServer({ recordCount: 600 });
    const arranged = await arrangeConfirmedHotspot(server, {
      name: 'Kidderminster bus station, late evenings',
      confirm: { reason: 'Agreed at tasking', risk: 'high' },
      actions: [
        { agencyCode: 'WRS', title: 'Licensing visit to the takeaways', dueOn: isoDayFromNow(14) },
        { agencyCode: 'WMP', title: 'Evening patrols', dueOn: isoDayFromNow(21) },
      ],
    });
    ids.hotspot = arranged.hotspotId;
    ids.action = arranged.actionIds[0]!;
    ids.meeting = await arrangeMeeting(arranged);
  });

  afterAll(async () => {
    await server?.close();
  });

  for (const size of SIZES) {
    it(`at ${size.name} size (${size.width}x${size.height})`, async () => {
      const dir = join(OUT, size.name);
      mkdirSync(dir, { recursive: true });
      for (const role of ROLES) {
        // A fresh profile per role: nobody is left signed in.
        const browser: TestBrowser = await launchBrowser({ viewport: size });
        try {
          const page = await browser.newPage();
          const [first, ...rest] = routesFor(role, ids);
          await signInThroughForm(page, server.url, server.user(role), first);
          for (const route of [first!, ...rest]) {
            if (route !== first) await page.goto(`${server.url}${route}`);
            await pageDrawn(page);
            await page.screenshot({ path: join(dir, `${role}-${fileName(route)}.png`) });
          }
          if (role !== 'admin' && role !== 'partner') {
            await page.goto(`${server.url}/meetings/${ids.meeting}/present`);
            await page.locator('.meeting-item__title').waitFor();
            await page.waitForLoadState('networkidle');
            await page.screenshot({ path: join(dir, `${role}-meeting-mode.png`) });
          }
        } finally {
          await browser.close();
        }
      }
    });
  }
});
