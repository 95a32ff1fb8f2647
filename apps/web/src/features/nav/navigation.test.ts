import { ROLES } from '@hotspot/contracts';
import { describe, expect, it } from 'vitest';
import { landingPathFor, mayVisit, navItemForPath, navItemsFor } from './navigation.ts';

const labels = (role: (typeof ROLES)[number]) => navItemsFor(role).map((i) => i.label);

describe('navigation per role', () => {
  it('gives each role exactly its own items', () => {
    expect(labels('admin')).toEqual(['Users', 'Agencies', 'Settings', 'Taxonomy', 'Audit']);
    expect(labels('analyst')).toEqual([
      'Map',
      'Upload',
      'Review',
      'Forecast & backtest',
      'Hotspots',
      'Actions',
      'Meetings',
    ]);
    expect(labels('chair')).toEqual(['Map', 'Hotspots', 'Actions', 'Meetings']);
    expect(labels('partner')).toEqual(["My agency's actions", 'Map', 'Meetings']);
    expect(labels('viewer')).toEqual(['Map', 'Meetings']);
  });

  it('never shows the admin the map or any intelligence page', () => {
    for (const path of ['/map', '/upload', '/review', '/hotspots', '/meetings', '/actions']) {
      expect(mayVisit('admin', path)).toBe(false);
    }
  });

  it('keeps everyone else out of the admin pages', () => {
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      expect(mayVisit(role, '/admin/users')).toBe(false);
      expect(mayVisit(role, '/admin/audit')).toBe(false);
    }
  });

  it('lands each role on its first item', () => {
    expect(landingPathFor('admin')).toBe('/admin/users');
    expect(landingPathFor('partner')).toBe('/actions');
    expect(landingPathFor('viewer')).toBe('/map');
  });

  it('matches nested paths to their item and refuses unknown ones', () => {
    expect(mayVisit('admin', '/admin/users/42')).toBe(true);
    expect(mayVisit('analyst', '/nowhere')).toBe(false);
  });

  it("lets partners and viewers open one hotspot's page, not the list of hotspots", () => {
    const page = '/hotspots/0b6a3f0e-5a55-4c4e-9d1b-6c2f4c8e1a77';
    for (const role of ['analyst', 'chair', 'partner', 'viewer'] as const) {
      expect(mayVisit(role, page)).toBe(true);
    }
    expect(mayVisit('admin', page)).toBe(false);
    expect(mayVisit('partner', '/hotspots')).toBe(false);
    expect(mayVisit('viewer', '/hotspots')).toBe(false);
    expect(mayVisit('partner', `${page}/evaluation`)).toBe(false);
    expect(mayVisit('partner', '/hotspots/not-an-id')).toBe(false);
    // The page belongs to the partner's actions (where its link is) and to the viewer's map.
    expect(navItemForPath('partner', page)?.label).toBe("My agency's actions");
    expect(navItemForPath('viewer', page)?.label).toBe('Map');
    expect(navItemForPath('chair', page)?.label).toBe('Hotspots');
  });
});
