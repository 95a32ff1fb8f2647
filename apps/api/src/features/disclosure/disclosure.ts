// Over 400 lines because every rule of disclosure control for a layer (suppression, rounding,
// vertex clearance, generalisation) is here in one place, to review against DESIGN.md section 5.
/**
 * Disclosure control. Version 2 (DESIGN.md section 5, docs/SECURITY.md): everything a non-analyst
 * receives is computed from the published table (`published.ts`) and rendered here as a layer
 * marked `published`: whole lattice cells, published values, nothing checked against records.
 * Every non-analyst route now builds such layers; the version 1 rules below remain for any
 * layer not marked published, as a fail-safe, and are described as they were.
 *
 * Version 1: the one place that turns aggregates into what a non-analyst may receive. Every
 * layer, analysis, summary and export handler builds an
 * `AggregateLayer` (shapes in British National Grid metres, raw counts, descriptive labels) and
 * renders it with `renderLayer`, which for any role but analyst applies:
 *
 * 1. Aggregates only: a feature carries its shape, its disclosed counts and whitelisted labels
 *    (enumerations, bins, hotspot names); never a record id, coordinate or summary. Point
 *    geometries are refused outright for non-analysts.
 * 2. Counts below k are replaced by `{ suppressed: true, fewerThan: k }`; counts at or above k
 *    are rounded to a multiple of 5 (never below k), so the difference of two overlapping
 *    requests (one day more, one category less) or of a total and its visible parts cannot
 *    recover a suppressed or exact small number. No unrounded total is ever published.
 * 3. No served vertex lies within 25 m of a record: every vertex of every served shape (hexagon,
 *    generalised hotspot, density band) is checked against a kd-tree of record locations in BNG
 *    and offending vertices are removed. Removal never creates a vertex, so what remains has
 *    already passed the check; a ring left with fewer than three corners is dropped. The check
 *    runs on the coordinates as served (WGS84 rounded to 6 decimals, projected back to BNG),
 *    with a 1 m margin for any difference between our projection and the reader's.
 * 4. Handling code C: callers select with `includeHandlingC: false` for non-analysts, so C
 *    records are removed in SQL before aggregation.
 *
 * Rules 3 and 4 conflict for C records, and rule 4 wins here. Proof that both cannot hold
 * literally: take any served output; it has a vertex v; add a C record exactly at v. Rule 3 now
 * demands a different output, rule 4 the same one. We keep outputs a pure function of P records,
 * so a C record leaves no trace at all (it cannot even be detected by a vertex disappearing,
 * which would locate it to 25 m), and rule 3's check runs against every P record of the
 * partnership, in any period and whatever the filters. A vertex that happens to lie near a C
 * record was placed without knowledge of it, so it discloses nothing about it.
 *
 * Hexagons are a fixed public grid, so an unmodified corner discloses nothing; the check still
 * runs on them (the rule is unconditional), and a missing corner then tells the reader only that
 * some P report, of any date or kind, lies within about 25 m of that public grid point.
 */
import { hexIndexAt, hexRing } from '@hotspot/analysis';
import { type Db, databaseInstance, selectFloat8Pairs } from '@hotspot/db';
import { bngToLngLat, lngLatToBng } from '@hotspot/ingest';
import { booleanIntersects, featureCollection, polygon as turfPolygon, union } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import KDBush from 'kdbush';
import { sql } from 'kysely';
import type { SessionUser } from '../../deps.ts';
import { BoundedCache } from '../../http/bounded-cache.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';

export const VERTEX_CLEARANCE_METERS = 25;
// The check runs on served coordinates (see toServedWgs84); the extra metre covers a reader
// projecting them back with other software.
const VERTEX_CHECK_METERS = VERTEX_CLEARANCE_METERS + 1;

// Served coordinates carry 6 decimals of a degree: about 0.11 m of latitude and 0.07 m of
// longitude at 52°N, finer than anything drawn, and a third shorter than 7 decimals on the wire.
const SERVED_DEGREE_FACTOR = 1e6;

function roundServedDegrees(value: number): number {
  return Math.round(value * SERVED_DEGREE_FACTOR) / SERVED_DEGREE_FACTOR;
}

/** BNG metres -> WGS84 [lng, lat] as served: rounded to 6 decimals. */
function servedLngLat(x: number, y: number): Position {
  const [lng, lat] = bngToLngLat(x, y);
  return [roundServedDegrees(lng), roundServedDegrees(lat)];
}
export const COUNT_ROUNDING_BASE = 5;

/** Only analysts receive record-level detail (DESIGN.md section 5). */
export function receivesRecordLevel(user: Pick<SessionUser, 'role'>): boolean {
  return user.role === 'analyst';
}

export type DisclosedCount =
  | { readonly count: number }
  | { readonly suppressed: true; readonly fewerThan: number };

/** A count as a non-analyst may see it: suppressed below k, otherwise rounded to base 5, >= k. */
export function discloseCount(n: number, k: number): DisclosedCount {
  if (n < k) return { suppressed: true, fewerThan: k };
  const floor = Math.ceil(k / COUNT_ROUNDING_BASE) * COUNT_ROUNDING_BASE;
  return { count: Math.max(floor, Math.round(n / COUNT_ROUNDING_BASE) * COUNT_ROUNDING_BASE) };
}

/** Answers "is a record within the clearance of this point?" in BNG metres. */
export interface VertexGuard {
  tooClose(x: number, y: number): boolean;
}

function guardFrom(xs: Float64Array, ys: Float64Array): VertexGuard {
  if (xs.length === 0) return { tooClose: () => false };
  const index = new KDBush(xs.length);
  for (let k = 0; k < xs.length; k++) index.add(xs[k]!, ys[k]!);
  index.finish();
  return { tooClose: (x, y) => index.within(x, y, VERTEX_CHECK_METERS).length > 0 };
}

// Per process, bounded, keyed by partnership and data version: a commit, withdrawal or erasure
// bumps the version, so a stale index is never used (and old entries age out).
const guardCache = new BoundedCache<string, Promise<VertexGuard>>(16);

/**
 * The vertex guard for a partnership: every P record it holds, in any period (a vertex near a
 * record outside the requested period would still point at it).
 */
export function loadVertexGuard(
  db: Db,
  partnershipId: string,
  dataVersion: string,
): Promise<VertexGuard> {
  const key = `${databaseInstance(db)}:${partnershipId}:${dataVersion}`;
  const cached = guardCache.get(key);
  if (cached) return cached;
  // Two packed columns: a row object (or a parsed text number) per record costs far more.
  const loading = selectFloat8Pairs(
    db,
    sql`easting`,
    sql`northing`,
    sql`intelligence_record where partnership_id = ${partnershipId} and handling_code = 'P'`,
  ).then(({ xs, ys }) => guardFrom(xs, ys));
  guardCache.set(key, loading);
  loading.catch(() => guardCache.delete(key));
  return loading;
}

type Polygonal = Polygon | MultiPolygon;

/** A BNG vertex as served (WGS84, 6 decimals), or null when it fails the clearance check. */
type ServedVertex = (x: number, y: number) => Position | null;

function servedVertex(guard: VertexGuard): ServedVertex {
  return (x, y) => {
    const served = servedLngLat(x, y);
    const [sx, sy] = lngLatToBng(served[0]!, served[1]!);
    return guard.tooClose(sx, sy) ? null : served;
  };
}

/**
 * `servedVertex` remembered per BNG position (to the millimetre) for one rendering: neighbouring
 * grid cells share corners, so each is projected and checked once. What is remembered is the
 * served position together with the verdict on that same position, so a vertex is never served
 * unchecked.
 */
function memoisedServedVertex(guard: VertexGuard): ServedVertex {
  const check = servedVertex(guard);
  const seen = new Map<string, Position | null>();
  return (x, y) => {
    const key = `${Math.round(x * 1000)}:${Math.round(y * 1000)}`;
    let served = seen.get(key);
    if (served === undefined) {
      served = check(x, y);
      seen.set(key, served);
    }
    return served;
  };
}

/**
 * A BNG shape as a non-analyst receives it: in WGS84 rounded to 6 decimals, without any vertex
 * whose served position (projected back to BNG) lies within the clearance of a record; null when
 * nothing drawable is left. Checking the served coordinates, not the exact ones, means rounding
 * can never carry a vertex inside the clearance.
 */
export function toServedWgs84(geometry: Polygonal, guard: VertexGuard): Polygonal | null {
  return servedShape(geometry, servedVertex(guard));
}

function servedShape(geometry: Polygonal, vertex: ServedVertex): Polygonal | null {
  const cleanRing = (ring: readonly Position[]): Position[] | null => {
    const open: Position[] = [];
    for (let i = 0; i < ring.length - 1; i++) {
      const served = vertex(ring[i]![0]!, ring[i]![1]!);
      if (served) open.push(served);
    }
    const distinct = open.filter(
      (p, i) => i === 0 || p[0] !== open[i - 1]![0] || p[1] !== open[i - 1]![1],
    );
    if (distinct.length < 3) return null;
    return [...distinct, distinct[0]!];
  };
  const cleanPolygon = (rings: readonly Position[][]): Position[][] | null => {
    const outer = cleanRing(rings[0] ?? []);
    if (!outer) return null;
    const holes = rings.slice(1).flatMap((h) => {
      const cleaned = cleanRing(h);
      return cleaned ? [cleaned] : [];
    });
    return [outer, ...holes];
  };
  if (geometry.type === 'Polygon') {
    const cleaned = cleanPolygon(geometry.coordinates);
    return cleaned ? { type: 'Polygon', coordinates: cleaned } : null;
  }
  const polygons = geometry.coordinates.flatMap((p) => {
    const cleaned = cleanPolygon(p);
    return cleaned ? [cleaned] : [];
  });
  return polygons.length > 0 ? { type: 'MultiPolygon', coordinates: polygons } : null;
}

/** One BNG position as `toWgs84` serves it (for callers that project each corner once). */
export function toWgs84Position(x: number, y: number): Position {
  return servedLngLat(x, y);
}

/**
 * BNG metres -> WGS84 [lng, lat] rounded to 6 decimals (proj4 via @hotspot/ingest, the one
 * reprojection we use). For analysts; everyone else goes through `toServedWgs84`.
 */
export function toWgs84<G extends Polygonal | { type: 'Point'; coordinates: Position }>(
  geometry: G,
): G {
  const ring = (r: Position[]) => r.map(([x, y]) => servedLngLat(x!, y!));
  if (geometry.type === 'Point') {
    return {
      ...geometry,
      coordinates: servedLngLat(geometry.coordinates[0]!, geometry.coordinates[1]!),
    };
  }
  if (geometry.type === 'Polygon') {
    return { ...geometry, coordinates: geometry.coordinates.map(ring) };
  }
  return {
    ...geometry,
    coordinates: (geometry as MultiPolygon).coordinates.map((p) => p.map(ring)),
  };
}

/** Hexagon polygon (BNG) of a grid cell. */
export function hexPolygon(i: number, j: number, sizeMeters: number): Polygon {
  return { type: 'Polygon', coordinates: [hexRing(i, j, sizeMeters)] };
}

const MAX_TOUCHED_CELLS = 100_000;

/** The cells of the fixed hexagon grid (`sizeMeters` circumradius) that touch an area. */
export function hexCellsTouching(area: Polygonal, sizeMeters: number): { i: number; j: number }[] {
  const xs: number[] = [];
  const ys: number[] = [];
  const polygons = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  for (const p of polygons) {
    for (const [x, y] of p[0] ?? []) {
      xs.push(x!);
      ys.push(y!);
    }
  }
  if (xs.length === 0) return [];
  const lo = hexIndexAt(Math.min(...xs), Math.min(...ys), sizeMeters);
  const hi = hexIndexAt(Math.max(...xs), Math.max(...ys), sizeMeters);
  // Larger than any partnership (100,000 cells of 250 m are about 16,000 km²): refused before
  // any work, so a drawn continent cannot tie up the process.
  if ((hi.i - lo.i + 3) * (hi.j - lo.j + 3) > MAX_TOUCHED_CELLS) {
    throw new ProblemError(
      PROBLEM.validation,
      'The area is too large for the published map: draw an area within the partnership.',
    );
  }
  const cells: { i: number; j: number }[] = [];
  for (let i = lo.i - 1; i <= hi.i + 1; i++) {
    for (let j = lo.j - 1; j <= hi.j + 1; j++) {
      if (booleanIntersects(turfPolygon(hexPolygon(i, j, sizeMeters).coordinates), area)) {
        cells.push({ i, j });
      }
    }
  }
  if (cells.length === 0) cells.push(hexIndexAt(xs[0]!, ys[0]!, sizeMeters));
  return cells;
}

/** The union of whole grid hexagons, as one shape. */
export function hexUnion(cells: readonly { i: number; j: number }[], sizeMeters: number) {
  const hexes = cells.map((c) => turfPolygon(hexPolygon(c.i, c.j, sizeMeters).coordinates));
  if (hexes.length === 0) return null;
  if (hexes.length === 1) return hexes[0]!.geometry as Polygonal;
  const merged = union(featureCollection(hexes));
  return merged ? (merged.geometry as Polygonal) : null;
}

/**
 * A generalised version of an area for non-analysts: the union of the fixed-grid hexagons
 * (`sizeMeters` circumradius) that touch it, so the outline follows a public grid and never the
 * points or a hull around them.
 */
export function generaliseToHexUnion(area: Polygonal, sizeMeters: number): Polygonal | null {
  return hexUnion(hexCellsTouching(area, sizeMeters), sizeMeters);
}

// ----- the layer model every handler renders through -----

export type LabelValue = string | number | boolean | null;

export interface AggregateFeature {
  /** Shape in BNG metres. Points are only rendered for analysts. */
  readonly geometry: Polygonal | { type: 'Point'; coordinates: Position } | null;
  /** Raw counts (number of records); disclosed (suppressed/rounded) for non-analysts. */
  readonly counts?: Readonly<Record<string, number>>;
  /** Non-count attributes a non-analyst may see (bins, names, statuses, band limits). */
  readonly labels?: Readonly<Record<string, LabelValue>>;
  /** Record-level or fine-grained detail for analysts only (z, p, record ids...). */
  readonly analystOnly?: Readonly<Record<string, unknown>>;
  /** Published values (version 2 layers): null is "fewer than k". */
  readonly publishedCounts?: Readonly<Record<string, number | null>>;
  /** Drop the feature for non-analysts when this count is below k (e.g. a small cluster). */
  readonly omitBelowKFor?: string;
}

export interface AggregateLayer {
  /**
   * Computed from the published table (version 2): counts are published values already and
   * shapes are whole lattice cells, so they are served as they are.
   */
  readonly published?: boolean;
  readonly features: readonly AggregateFeature[];
  /** Response-level metadata every role may see (parameters used, explanation). */
  readonly meta: Readonly<Record<string, unknown>>;
  /** Response-level metadata for analysts only (totals, diagnostics). */
  readonly analystMeta?: Readonly<Record<string, unknown>>;
  /** Response-level counts (e.g. total reports), disclosed for non-analysts. */
  readonly metaCounts?: Readonly<Record<string, number>>;
}

export interface DisclosureContext {
  readonly k: number;
  readonly guard: VertexGuard;
}

/** For layers computed from the published table: whole lattice cells, never checked. */
export function publishedContext(k: number): DisclosureContext {
  return {
    k,
    guard: {
      tooClose: () => {
        throw new Error('Published layers are not checked against records.');
      },
    },
  };
}

export type LayerFeature = Feature<
  Polygon | MultiPolygon | { type: 'Point'; coordinates: Position } | null,
  Record<string, unknown>
>;

export type LayerCollection = FeatureCollection<LayerFeature['geometry'], Record<string, unknown>> &
  Record<string, unknown>;

/**
 * Renders a layer for the user: analysts get everything (reprojected); everyone else gets the
 * disclosure-controlled version (rules 1-3; rule 4 was applied when the records were selected).
 */
export function renderLayer(
  user: Pick<SessionUser, 'role'>,
  layer: AggregateLayer,
  ctx: DisclosureContext,
): LayerCollection {
  if (receivesRecordLevel(user)) {
    return {
      type: 'FeatureCollection',
      ...layer.meta,
      ...(layer.metaCounts ?? {}),
      ...(layer.analystMeta ?? {}),
      features: layer.features.map((f) => ({
        type: 'Feature' as const,
        geometry: f.geometry ? toWgs84(f.geometry) : null,
        properties: { ...(f.counts ?? {}), ...(f.labels ?? {}), ...(f.analystOnly ?? {}) },
      })),
    };
  }
  if (layer.published) {
    return {
      type: 'FeatureCollection',
      ...layer.meta,
      features: layer.features.map((f) => ({
        type: 'Feature' as const,
        geometry: f.geometry && f.geometry.type !== 'Point' ? toWgs84(f.geometry) : null,
        properties: {
          ...Object.fromEntries(
            Object.entries(f.publishedCounts ?? {}).map(([name, value]) => [
              name,
              value === null ? { suppressed: true, fewerThan: ctx.k } : { count: value },
            ]),
          ),
          ...(f.labels ?? {}),
        },
      })),
    };
  }
  const vertex = memoisedServedVertex(ctx.guard);
  const features: LayerFeature[] = [];
  for (const f of layer.features) {
    if (f.omitBelowKFor !== undefined && (f.counts?.[f.omitBelowKFor] ?? 0) < ctx.k) continue;
    let geometry: Polygonal | null = null;
    if (f.geometry) {
      if (f.geometry.type === 'Point') continue; // rule 1: never a point to a non-analyst
      geometry = servedShape(f.geometry, vertex);
      if (!geometry) continue;
    }
    const counts = Object.fromEntries(
      Object.entries(f.counts ?? {}).map(([name, n]) => [name, discloseCount(n, ctx.k)]),
    );
    features.push({
      type: 'Feature',
      geometry,
      properties: { ...counts, ...(f.labels ?? {}) },
    });
  }
  const metaCounts = Object.fromEntries(
    Object.entries(layer.metaCounts ?? {}).map(([name, n]) => [name, discloseCount(n, ctx.k)]),
  );
  return {
    type: 'FeatureCollection',
    ...layer.meta,
    ...metaCounts,
    disclosure: {
      suppressionK: ctx.k,
      countsRoundedTo: COUNT_ROUNDING_BASE,
      vertexClearanceMeters: VERTEX_CLEARANCE_METERS,
      handlingCodeC: 'excluded',
    },
    features,
  };
}
