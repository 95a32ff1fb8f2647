import type { ActionPriority } from '@hotspot/contracts';
import { sql } from 'kysely';
import { type ApiSession, apiSession } from './api-session.ts';
import type { TestServer } from './test-server.ts';

/** The date `days` from today as the API takes due dates, e.g. "2026-05-14" (UTC). */
export function isoDayFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A square of side `2 × halfSideMeters` around a point inside the demo partnership, as GeoJSON in
 * WGS 84: what the map's hotspot panel sends for a drawn area.
 */
export async function squareInPartnership(
  server: TestServer,
  halfSideMeters = 100,
): Promise<unknown> {
  const { rows } = await sql<{ area: string }>`
    select ST_AsGeoJSON(ST_Transform(ST_Expand(ST_Transform(ST_PointOnSurface(area), 27700), ${halfSideMeters}::float8), 4326), 7) as area
    from partnership where id = ${server.partnershipId!}`.execute(server.deps.db.kysely);
  return JSON.parse(rows[0]!.area);
}

export interface ActionToAssign {
  /** Agency code as in the demo, e.g. "WRS" or "WMP". */
  readonly agencyCode: string;
  readonly title: string;
  /** ISO date, e.g. `isoDayFromNow(14)`. */
  readonly dueOn: string;
  readonly detail?: string;
  /** Default 'pursue-disrupt'. */
  readonly priority?: ActionPriority;
}

export interface ConfirmedHotspotOptions {
  readonly name: string;
  /** GeoJSON geometry in WGS 84; default `squareInPartnership(server)` (200 m square). */
  readonly area?: unknown;
  /** Fields sent with `status: 'confirmed'`: `reason` (default "Agreed at tasking"), risk, objective… */
  readonly confirm?: Readonly<Record<string, string>>;
  /** Assigned in this order after the hotspot is confirmed. */
  readonly actions?: readonly ActionToAssign[];
}

export interface ConfirmedHotspot {
  readonly hotspotId: string;
  /** Ids of the assigned `actions`, in their order. */
  readonly actionIds: readonly string[];
  /** The partnership's agencies as `GET /api/agencies` lists them. */
  readonly agencies: readonly { id: string; code: string; name: string }[];
  /** The chair's API session, to arrange more (meetings, further actions). */
  readonly chair: ApiSession;
}

/**
 * Arranges through the API, as the demo chair, what browser tests of the tasking flow start
 * from: a drawn hotspot, confirmed at tasking, with actions assigned to agencies. It goes through
 * the API (not the database) so that notices and timelines are written as in real use.
 * Example:
 * ```ts
 * const { hotspotId, actionIds: [ownId] } = await arrangeConfirmedHotspot(server, {
 *   name: 'Town centre evening economy',
 *   actions: [{ agencyCode: 'WRS', title: 'Licensing visit', dueOn: isoDayFromNow(14) }],
 * });
 * ```
 */
export async function arrangeConfirmedHotspot(
  server: TestServer,
  options: ConfirmedHotspotOptions,
): Promise<ConfirmedHotspot> {
  const { email, password } = server.user('chair');
  const chair = await apiSession(server, email, password);
  const area = options.area ?? (await squareInPartnership(server));
  const hotspot = await chair<{ id: string }>('POST', '/api/hotspots', {
    source: 'drawn',
    name: options.name,
    area,
  });
  await chair('PATCH', `/api/hotspots/${hotspot.id}`, {
    status: 'confirmed',
    reason: 'Agreed at tasking',
    ...options.confirm,
  });
  const { agencies } = await chair<{ agencies: ConfirmedHotspot['agencies'] }>(
    'GET',
    '/api/agencies',
  );
  const actionIds: string[] = [];
  for (const action of options.actions ?? []) {
    const agency = agencies.find((a) => a.code === action.agencyCode);
    if (!agency) throw new Error(`no agency ${action.agencyCode} in the demo partnership`);
    const created = await chair<{ id: string }>('POST', `/api/hotspots/${hotspot.id}/actions`, {
      priority: action.priority ?? 'pursue-disrupt',
      agencyId: agency.id,
      title: action.title,
      ...(action.detail === undefined ? {} : { detail: action.detail }),
      dueOn: action.dueOn,
    });
    actionIds.push(created.id);
  }
  return { hotspotId: hotspot.id, actionIds, agencies, chair };
}

/**
 * A tasking meeting an hour from now, as the chair of `arrangeConfirmedHotspot` creates it, with
 * the first three agencies invited; its agenda is generated from the data. Returns its id.
 */
export async function arrangeMeeting(
  arranged: Pick<ConfirmedHotspot, 'agencies' | 'chair'>,
): Promise<string> {
  const meeting = await arranged.chair<{ id: string }>('POST', '/api/meetings', {
    title: 'Tasking group',
    startsAt: new Date(Date.now() + 3_600_000).toISOString(),
    place: 'Civic centre, room 2',
    online: false,
    attendeeAgencyIds: arranged.agencies.slice(0, 3).map((a) => a.id),
  });
  return meeting.id;
}
