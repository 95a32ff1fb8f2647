import { countClassBounds, HOTSPOT_STATUSES, type HotspotStatus } from '@hotspot/contracts';
import type { Geometry } from 'geojson';
import { sql } from 'kysely';
import { isoDay } from '../../dates.ts';
import type { AppDeps, SessionUser } from '../../deps.ts';
import {
  buildHotspotLayer,
  type LayerInput,
  publishedCells,
  publishedCountLayer,
  resolveFilters,
} from '../analysis/index.ts';
import {
  type DisclosedCount,
  daysOf,
  type LayerCollection,
  monthsEnding,
  publishedContext,
  renderLayer,
} from '../disclosure/index.ts';
import { loadPartnershipState } from '../partnership/index.ts';
import {
  type AgendaAction,
  type AgendaItemView,
  loadAgendaItems,
  loadMeeting,
  meetingDetail,
} from './meetings.queries.ts';
import { type MapHexagon, renderPackMapSvg } from './pack-map-svg.ts';

/**
 * The meeting pack's content. It is circulated to partners, so it is aggregate-only whoever asks
 * for it (an analyst's copy is built as a viewer's would be): every shape and count comes from
 * the map's own layer builders rendered through the disclosure module, never from records.
 * A partner's copy is built as the partner role: their agency's actions and the hotspots tied
 * to them, and no hexagon layer (partners do not receive it on the map either).
 */
export interface PackModel {
  readonly meeting: Awaited<ReturnType<typeof meetingDetail>>;
  readonly audience: 'partnership' | { readonly agencyCode: string };
  readonly generatedAt: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly k: number;
  /** No published count is further than this from the truth (the perturbation table's bound). */
  readonly perturbationBound: number;
  /** The count classes every map of the pack is coloured by (as the map's key would show). */
  readonly countBounds: readonly number[];
  /** Hotspot statuses drawn on the pack's maps, for the key. */
  readonly hotspotStatuses: readonly HotspotStatus[];
  readonly items: readonly PackItem[];
  readonly actions: readonly AgendaAction[];
  readonly actionsCreated: readonly AgendaAction[];
}

export interface PackItem {
  readonly item: AgendaItemView;
  /** Reports in the hotspot's generalised area over the pack period, as disclosed. */
  readonly reports: DisclosedCount | null;
  /**
   * The item's map, or null when an earlier item already showed the same one (another item
   * about the same hotspot, or a second item with only the overview): then `mapOnItem` is
   * that item's number (1-based), so the pack never prints the same map twice.
   */
  readonly mapSvg: string | null;
  readonly mapOnItem: number | null;
}

/** The role the pack's aggregates are computed for: partners as themselves, everyone else as a viewer. */
export function packAudience(user: SessionUser): SessionUser {
  return user.role === 'partner' ? user : { ...user, role: 'viewer' };
}

/** The pack of one meeting of the user's partnership (404 otherwise), as the user may see it. */
export async function buildPackModel(
  deps: AppDeps,
  user: SessionUser,
  meetingId: string,
): Promise<PackModel> {
  const meeting = await loadMeeting(deps.db.kysely, user.partnershipId, meetingId);
  const audience = packAudience(user);
  const state = await loadPartnershipState(deps.db, user.partnershipId);
  const ctx = publishedContext(state.k);
  const meetingDay = isoDay(meeting.startsAt);
  // Every figure and shape comes from the published table: the 12 whole months to the meeting.
  const published = monthsEnding(meetingDay);
  const filters = resolveFilters(
    {
      to: meetingDay,
      category: [],
      placeType: [],
      sourceAgency: [],
      sourceGrade: [],
      intelligenceGrade: [],
      handlingCode: [],
    },
    deps.clock(),
  );
  const input: LayerInput = { deps, user: audience, state, filters };
  const hotspotLayer = renderLayer(
    audience,
    await buildHotspotLayer(input, { status: [] }, published),
    ctx,
  );
  const hotspots = new Map(
    hotspotLayer.features.map((f) => [String(f.properties?.hotspotId), f] as const),
  );
  const hexagons: LayerCollection | null =
    audience.role === 'partner'
      ? null
      : renderLayer(
          audience,
          publishedCountLayer(
            state,
            state.hexSizes[0]!,
            published,
            await publishedCells(deps.db, state, state.hexSizes[0]!, published),
          ),
          ctx,
        );
  const mapHexagons: MapHexagon[] = (hexagons?.features ?? []).map((f) => ({
    geometry: f.geometry as Geometry | null,
    count: f.properties?.count as MapHexagon['count'],
  }));
  const districtRows = await sql<{ name: string; geom: string }>`
    select name, ST_AsGeoJSON(geom, 6) as geom from boundary
    where partnership_id = ${user.partnershipId} and kind = 'district' order by name`.execute(
    deps.db.kysely,
  );
  const districts = districtRows.rows.map((d) => ({
    name: d.name,
    geometry: JSON.parse(d.geom) as Geometry,
  }));

  // Classed as the map classes what it draws: from the smallest to the largest disclosed count.
  const counts = mapHexagons.flatMap((h) => (h.count && 'count' in h.count ? [h.count.count] : []));
  const maxCount = counts.reduce((m, n) => Math.max(m, n), 1);
  const countBounds = countClassBounds(
    maxCount,
    counts.length > 0 ? counts.reduce((m, n) => Math.min(m, n), maxCount) : 1,
  );

  const items = await loadAgendaItems(deps, meeting, user);
  // Which item first drew each map: a hotspot's, or the overview for items without one.
  const firstMapOn = new Map<string, number>();
  const drawnStatuses = new Set<string>();
  const packItems = items.map((item, index): PackItem => {
    const hotspot = item.hotspot ? hotspots.get(item.hotspot.id) : undefined;
    const reports = (hotspot?.properties?.reports as DisclosedCount | undefined) ?? null;
    const geometry = (hotspot?.geometry as Geometry | null | undefined) ?? null;
    const mapKey = geometry && item.hotspot ? `hotspot:${item.hotspot.id}` : 'overview';
    const earlier = firstMapOn.get(mapKey);
    if (earlier !== undefined) return { item, reports, mapSvg: null, mapOnItem: earlier };
    firstMapOn.set(mapKey, index + 1);
    if (geometry && item.hotspot) drawnStatuses.add(item.hotspot.status);
    return {
      item,
      reports,
      mapOnItem: null,
      mapSvg: renderPackMapSvg({
        districts,
        hexagons: mapHexagons,
        bounds: countBounds,
        focus: geometry && item.hotspot ? { geometry, status: item.hotspot.status } : null,
        title: item.hotspot ? `Map of ${item.hotspot.name}` : 'Map of the partnership area',
      }),
    };
  });
  const byId = new Map<string, AgendaAction>();
  for (const item of items) {
    for (const a of [...(item.action ? [item.action] : []), ...item.hotspotActions])
      byId.set(a.id, a);
  }
  const created = await sql<{ id: string }>`
    select id from action where partnership_id = ${user.partnershipId} and meeting_id = ${meeting.id}
      ${user.role === 'partner' ? sql`and agency_id = ${user.agencyId}` : sql``}`.execute(
    deps.db.kysely,
  );
  const createdIds = new Set(created.rows.map((r) => r.id));
  const actions = [...byId.values()].sort(
    (a, b) =>
      a.dueOn.localeCompare(b.dueOn) || a.title.localeCompare(b.title) || a.id.localeCompare(b.id),
  );
  return {
    meeting: await meetingDetail(deps.db.kysely, meeting),
    audience: user.role === 'partner' ? { agencyCode: user.agencyCode } : 'partnership',
    generatedAt: deps.clock().toISOString(),
    period: daysOf(published.months),
    k: state.k,
    perturbationBound: state.perturbation.bound,
    countBounds,
    hotspotStatuses: HOTSPOT_STATUSES.filter((status) => drawnStatuses.has(status)),
    items: packItems,
    actions,
    actionsCreated: actions.filter((a) => createdIds.has(a.id)),
  };
}
