import type { Role } from '@hotspot/contracts';
import type { Page } from 'playwright-core';

/** The ids of the detail pages a test has arranged (see arrangeConfirmedHotspot). */
export interface RouteIds {
  hotspot: string;
  action: string;
  meeting: string;
}

/** Every route a role can reach, its detail pages included, in the order a user meets them. */
export function routesFor(role: Role, ids: RouteIds): readonly string[] {
  const hotspot = `/hotspots/${ids.hotspot}`;
  const action = `/actions/${ids.action}`;
  const meeting = `/meetings/${ids.meeting}`;
  switch (role) {
    case 'admin':
      return [
        '/admin/users',
        '/admin/agencies',
        '/admin/settings',
        '/admin/taxonomy',
        '/admin/audit',
      ];
    case 'analyst':
      return [
        '/map',
        '/upload',
        '/review',
        '/forecast',
        '/hotspots',
        hotspot,
        '/actions',
        action,
        '/meetings',
        meeting,
      ];
    case 'chair':
      return ['/map', '/hotspots', hotspot, '/actions', action, '/meetings', meeting];
    case 'partner':
      return ['/actions', action, hotspot, '/map', '/meetings'];
    case 'viewer':
      return ['/map', hotspot, '/meetings'];
  }
}

/** Waits until the page has drawn its content: a heading in the main area, or the map. */
export async function pageDrawn(page: Page): Promise<void> {
  await page.locator('main h1, main .leaflet-container').first().waitFor();
  // Drawn once no data is on the way (main is aria-busy while any query fetches) and no
  // loading notice is left, still so two frames later (queries start in effects after the first
  // paint): a condition, not playwright's 500 ms of network silence.
  await page.waitForFunction(
    () =>
      new Promise<boolean>((resolve) => {
        const settled = () =>
          !document.querySelector('main[aria-busy="true"]') &&
          !document.querySelector('main .page-status[role="status"]');
        if (!settled()) return resolve(false);
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(settled())));
      }),
  );
}
