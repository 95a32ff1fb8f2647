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

/**
 * Goes to `route` inside the running app as its own links and the back button do (history and a
 * popstate event), not by reloading it: a sweep over every page then costs each page's render,
 * not a fresh start of the app (about a second a page). Follow with `pageDrawn`.
 */
export async function openInApp(page: Page, route: string): Promise<void> {
  await page.evaluate((to) => {
    // Marks the page being left, so that nothing of it is taken for the next page's heading.
    document.querySelector('main h1, main .leaflet-container')?.setAttribute('data-page-left', '');
    window.history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, route);
  await page.waitForFunction(() => !document.querySelector('[data-page-left]'));
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
