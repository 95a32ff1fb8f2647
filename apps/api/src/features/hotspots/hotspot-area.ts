import { hexRing, type PointXY, summariseRecords } from '@hotspot/analysis';
import type { NewHotspot } from '@hotspot/contracts';
import { sql } from 'kysely';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  CLUSTER_POINT_BUFFER_METERS,
  clusterRecords,
  type RecordFilters,
  resolveFilters,
  selectRecords,
} from '../analysis/index.ts';
import { receivesRecordLevel } from '../disclosure/index.ts';
import { loadPartnershipState } from '../partnership/index.ts';

/** Largest hotspot accepted: a "hotspot" bigger than this is an area, not a place. */
export const MAX_HOTSPOT_SQUARE_METERS = 50_000_000;
// The same distance as a cluster outline on the map (analysis/cluster-outline.ts).
const DEFAULT_CLUSTER_BUFFER_METERS = CLUSTER_POINT_BUFFER_METERS;
// Simplification tolerance for buffered hulls: removes the buffer's many arc vertices while
// keeping every vertex at least (buffer - tolerance) from the cluster's members.
const HULL_SIMPLIFY_METERS = 5;
const DEFAULT_PERIOD_DAYS = 365;

export interface ComputedHotspot {
  readonly method: 'dbscan' | 'gistar' | 'drawn';
  /** WGS84 MultiPolygon, GeoJSON text, validated and inside the partnership area. */
  readonly areaGeoJson: string;
  readonly periodFrom: string;
  readonly periodTo: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly stats: Readonly<Record<string, unknown>>;
}

const NO_FILTERS = {
  category: [],
  placeType: [],
  sourceAgency: [],
  sourceGrade: [],
  intelligenceGrade: [],
  handlingCode: [],
} as const;

function invalid(pointer: string, detail: string): ProblemError {
  return new ProblemError(PROBLEM.validation, detail, { errors: [{ pointer, detail }] });
}

/**
 * Computes a new hotspot's area server-side from what the client chose (a cluster, hexagon cells
 * or a drawn polygon), checks it, and takes the statistics snapshot. Clusters are analysts'
 * (record-level); cells and drawings are open to chairs too.
 */
export async function computeHotspot(
  deps: AppDeps,
  user: SessionUser,
  body: NewHotspot,
): Promise<ComputedHotspot> {
  const today = deps.clock();
  const period = body.period ?? defaultPeriod(today);
  const filters: RecordFilters =
    body.source === 'dbscan'
      ? resolveFilters({ ...NO_FILTERS, ...body.filters, ...period }, today)
      : resolveFilters({ ...NO_FILTERS, ...period }, today);
  let rawArea: string;
  let parameters: Record<string, unknown>;
  let clusterStats: Record<string, unknown> | undefined;
  switch (body.source) {
    case 'dbscan': {
      if (!receivesRecordLevel(user)) {
        throw new ProblemError(PROBLEM.forbidden, 'Only analysts create hotspots from clusters.');
      }
      const members = await clusterMembers(deps, user, body, filters);
      const bufferMeters = body.bufferMeters ?? DEFAULT_CLUSTER_BUFFER_METERS;
      rawArea = await bufferedHull(deps, members.points, bufferMeters);
      parameters = { ...body.parameters, bufferMeters, filters: body.filters ?? {} };
      clusterStats = members.cluster;
      break;
    }
    case 'gistar':
      rawArea = await unionOfCells(deps, body.cellIds, body.sizeMeters);
      parameters = {
        ...(body.parameters ?? {}),
        sizeMeters: body.sizeMeters,
        cellIds: body.cellIds,
      };
      break;
    case 'drawn':
      rawArea = JSON.stringify(body.area);
      parameters = {};
      break;
  }
  // Cells and clusters are computed here, so whatever pokes out of the partnership area is cut
  // off; a drawing is the user's, so one outside the area is refused rather than changed.
  const areaGeoJson = await checkedArea(deps, user.partnershipId, rawArea, body.source !== 'drawn');
  const records = await selectRecords(deps.db, {
    partnershipId: user.partnershipId,
    filters,
    includeHandlingC: true,
    withinGeoJson: areaGeoJson,
  });
  const summary = summariseRecords(
    records.map((r) => ({
      x: r.x,
      y: r.y,
      t: r.t,
      category: r.category,
      placeType: r.placeType,
      sourceAgency: r.sourceAgency,
    })),
  );
  return {
    method: body.source,
    areaGeoJson,
    periodFrom: filters.from,
    periodTo: filters.to,
    parameters,
    stats: {
      reports: records.length,
      summary,
      ...(clusterStats ? { cluster: clusterStats } : {}),
      computedAt: today.toISOString(),
    },
  };
}

function defaultPeriod(today: Date): { from: string; to: string } {
  const to = today.toISOString().slice(0, 10);
  const from = new Date(today.getTime() - DEFAULT_PERIOD_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return { from, to };
}

async function clusterMembers(
  deps: AppDeps,
  user: SessionUser,
  body: Extract<NewHotspot, { source: 'dbscan' }>,
  filters: RecordFilters,
): Promise<{ points: PointXY[]; cluster: Record<string, unknown> }> {
  if (body.memberRecordIds) {
    const ids = [...new Set(body.memberRecordIds)];
    const found = await sql<{ x: number; y: number }>`
      select easting as x, northing as y from intelligence_record
      where partnership_id = ${user.partnershipId} and id::text = any(${ids}::text[])`.execute(
      deps.db.kysely,
    );
    if (found.rows.length !== ids.length) {
      throw invalid(
        '/body/memberRecordIds',
        'Some of these records do not exist (or were erased).',
      );
    }
    const points = found.rows.map((p) => ({ x: Number(p.x), y: Number(p.y) }));
    return { points, cluster: { size: points.length, from: 'memberRecordIds' } };
  }
  // Numbered by the same function and selection as the layer the analyst picked from.
  const { records, result } = await clusterRecords(
    deps,
    { partnershipId: user.partnershipId, filters, includeHandlingC: true },
    await loadPartnershipState(deps.db, user.partnershipId),
    body.parameters,
  );
  const cluster = result.clusters.find((c) => c.id === body.clusterId);
  if (!cluster) {
    throw invalid(
      '/body/clusterId',
      `There is no cluster ${body.clusterId} for these parameters and period (found ${result.clusters.length}).`,
    );
  }
  return {
    points: cluster.pointIndices.map((i) => ({ x: records[i]!.x, y: records[i]!.y })),
    cluster: { id: cluster.id, size: cluster.size, coreCount: cluster.coreCount },
  };
}

/** The members' convex hull buffered and simplified, so no vertex sits on a member. WGS84 text. */
async function bufferedHull(
  deps: AppDeps,
  points: readonly PointXY[],
  bufferMeters: number,
): Promise<string> {
  const multiPoint = JSON.stringify({
    type: 'MultiPoint',
    coordinates: points.map((p) => [p.x, p.y]),
  });
  const result = await sql<{ area: string }>`
    select ST_AsGeoJSON(ST_Transform(
      ST_SimplifyPreserveTopology(
        ST_Buffer(ST_ConvexHull(ST_SetSRID(ST_GeomFromGeoJSON(${multiPoint}::text), 27700)), ${bufferMeters}::float8, 8),
        ${HULL_SIMPLIFY_METERS}::float8),
      4326)) as area`.execute(deps.db.kysely);
  return result.rows[0]!.area;
}

/** The union of the hexagon cells (BNG grid of `sizeMeters`), as WGS84 GeoJSON text. */
async function unionOfCells(
  deps: AppDeps,
  cellIds: readonly string[],
  sizeMeters: number,
): Promise<string> {
  const hexagons = [...new Set(cellIds)].map((id) => {
    const [i, j] = id.split(':').map(Number) as [number, number];
    return JSON.stringify({ type: 'Polygon', coordinates: [hexRing(i, j, sizeMeters)] });
  });
  // Snapped to 1 cm first: neighbouring hexagons computed from different centres share corners
  // only to floating-point precision, and unsnapped they leave slivers in the union.
  const result = await sql<{ area: string }>`
    select ST_AsGeoJSON(ST_Transform(
      ST_Union(ST_SnapToGrid(ST_SetSRID(ST_GeomFromGeoJSON(h), 27700), 0.01)), 4326)) as area
    from unnest(${hexagons}::text[]) as h`.execute(deps.db.kysely);
  return result.rows[0]!.area;
}

/**
 * Makes the shape a valid WGS84 MultiPolygon and checks it: non-empty, not too large, inside the
 * partnership area (clipped to it when `clip`). Returns GeoJSON text.
 */
async function checkedArea(
  deps: AppDeps,
  partnershipId: string,
  geoJson: string,
  clip: boolean,
): Promise<string> {
  let result: {
    rows: {
      area: string | null;
      was_valid: boolean;
      square_meters: number;
      inside: boolean | null;
    }[];
  };
  try {
    result = await sql<{
      area: string | null;
      was_valid: boolean;
      square_meters: number;
      inside: boolean | null;
    }>`
      with given as (select ST_SetSRID(ST_GeomFromGeoJSON(${geoJson}::text), 4326) as g),
      fixed as (
        select ST_IsValid(g) as was_valid,
          ST_Multi(ST_CollectionExtract(ST_MakeValid(g), 3)) as g from given),
      placed as (
        select f.was_valid, p.area as partnership_area,
          case when ${clip}::boolean and p.area is not null
            then ST_Multi(ST_CollectionExtract(ST_Intersection(f.g, p.area), 3)) else f.g end as g
        from fixed f, partnership p where p.id = ${partnershipId})
      select ST_AsGeoJSON(g) as area, was_valid,
        coalesce(ST_Area(ST_Transform(g, 27700)), 0) as square_meters,
        case when partnership_area is null then null else ST_CoveredBy(g, partnership_area) end as inside
      from placed`.execute(deps.db.kysely);
  } catch {
    // PostGIS refuses coordinates it cannot read (e.g. a ring that is not closed).
    throw invalid('/body/area', 'The area is not a readable polygon.');
  }
  const row = result.rows[0];
  if (!row?.area) throw invalid('/body', 'The area is empty.');
  if (!clip && !row.was_valid) {
    throw invalid('/body/area', 'The polygon is not valid (e.g. it crosses itself).');
  }
  const squareMeters = Number(row.square_meters);
  if (!(squareMeters > 1)) {
    throw invalid(
      '/body',
      clip ? 'The area lies outside the partnership area.' : 'The area is empty.',
    );
  }
  if (squareMeters > MAX_HOTSPOT_SQUARE_METERS) {
    throw invalid(
      '/body',
      `A hotspot may cover at most ${MAX_HOTSPOT_SQUARE_METERS / 1_000_000} km².`,
    );
  }
  if (!clip && row.inside === false) {
    throw invalid('/body/area', 'The polygon must lie inside the partnership area.');
  }
  return row.area;
}
