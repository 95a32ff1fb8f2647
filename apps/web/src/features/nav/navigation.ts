import type { Role } from '../../api/types.ts';

export interface NavItem {
  readonly path: string;
  readonly label: string;
}

const MAP: NavItem = { path: '/map', label: 'Map' };

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
  // Partners list meetings only to download their own copy of the pack.
  partner: [
    { path: '/actions', label: "My agency's actions" },
    MAP,
    { path: '/meetings', label: 'Meetings' },
  ],
  viewer: [MAP, { path: '/meetings', label: 'Meetings' }],
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
    (item) => pathname === item.path || pathname.startsWith(`${item.path}/`),
  );
}

export function mayVisit(role: Role, pathname: string): boolean {
  return navItemForPath(role, pathname) !== undefined;
}
