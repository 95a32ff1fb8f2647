import type { Role } from '@hotspot/contracts';

export interface NavItem {
  readonly path: string;
  readonly label: string;
  /**
   * Pages that belong to this item without being under its path, which the role may open from
   * a link (e.g. a partner's hotspot page, reached from their action). Matched on the whole path.
   */
  readonly alsoCovers?: readonly RegExp[];
}

const MAP: NavItem = { path: '/map', label: 'Map' };

/** One hotspot's page, "/hotspots/<uuid>"; not the list of all hotspots. */
const HOTSPOT_PAGE = /^\/hotspots\/[0-9a-f-]{36}$/;

/**
 * Each role sees only what it may use (DESIGN.md section 5), in the order it uses it. The
 * admin manages the system and has no access to intelligence: no map, no layers.
 */
export const NAV_BY_ROLE: Readonly<Record<Role, readonly NavItem[]>> = {
  admin: [
    { path: '/admin/users', label: 'Users' },
    { path: '/admin/agencies', label: 'Agencies' },
    { path: '/admin/settings', label: 'Settings' },
    { path: '/admin/taxonomy', label: 'Taxonomy' },
    { path: '/admin/audit', label: 'Audit' },
  ],
  analyst: [
    MAP,
    { path: '/upload', label: 'Upload' },
    { path: '/review', label: 'Review' },
    { path: '/forecast', label: 'Forecast & backtest' },
    { path: '/hotspots', label: 'Hotspots' },
    { path: '/actions', label: 'Actions' },
    { path: '/meetings', label: 'Meetings' },
  ],
  chair: [
    MAP,
    { path: '/hotspots', label: 'Hotspots' },
    { path: '/actions', label: 'Actions' },
    { path: '/meetings', label: 'Meetings' },
  ],
  // Partners list meetings only to download their own copy of the pack. They open the page of a
  // hotspot their agency has an action on from that action (the API answers 404 for any other).
  partner: [
    { path: '/actions', label: "My agency's actions", alsoCovers: [HOTSPOT_PAGE] },
    MAP,
    { path: '/meetings', label: 'Meetings' },
  ],
  // Viewers read a hotspot's page (read-only, disclosure-controlled) from a shared link.
  viewer: [
    { ...MAP, alsoCovers: [HOTSPOT_PAGE] },
    { path: '/meetings', label: 'Meetings' },
  ],
};

export function navItemsFor(role: Role): readonly NavItem[] {
  return NAV_BY_ROLE[role];
}

/** Where a role lands after signing in: partners start from their agency's actions. */
export function landingPathFor(role: Role): string {
  return navItemsFor(role)[0]?.path ?? '/map';
}

/** The role's nav item a path belongs to ("/admin/users/123" -> Users), if any. */
export function navItemForPath(role: Role, pathname: string): NavItem | undefined {
  return navItemsFor(role).find(
    (item) =>
      pathname === item.path ||
      pathname.startsWith(`${item.path}/`) ||
      (item.alsoCovers ?? []).some((pattern) => pattern.test(pathname)),
  );
}

export function mayVisit(role: Role, pathname: string): boolean {
  return navItemForPath(role, pathname) !== undefined;
}
