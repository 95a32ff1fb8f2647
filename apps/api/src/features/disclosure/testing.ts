import { createHash } from 'node:crypto';
import { hexIndexAt, hexRing } from '@hotspot/analysis';
import type { Db } from '@hotspot/db';
import { bngToLngLat, lngLatToBng } from '@hotspot/ingest';
import { sql } from 'kysely';
import { bumpDataVersion } from '../partnership/index.ts';

/** A record as the disclosure assertions need it: id, exact WGS84 and BNG location, summary. */
export interface StoredRecord {
  readonly id: string;
  readonly lng: number;
  readonly lat: number;
  readonly easting: number;
  readonly northing: number;
  readonly summary: string | null;
  readonly handlingCode: 'P' | 'C';
}

export async function storedRecords(db: Db, partnershipId: string): Promise<StoredRecord[]> {
  const result = await sql<{
    id: string;
    lng: number;
    lat: number;
    easting: number;
    northing: number;
    summary: string | null;
    handling_code: 'P' | 'C';
  }>`select id::text as id, ST_X(location) as lng, ST_Y(location) as lat, easting, northing, summary, handling_code
     from intelligence_record where partnership_id = ${partnershipId} order by id`.execute(
    db.kysely,
  );
  return result.rows.map((r) => ({
    id: r.id,
    lng: Number(r.lng),
    lat: Number(r.lat),
    easting: Number(r.easting),
    northing: Number(r.northing),
    summary: r.summary,
    handlingCode: r.handling_code,
  }));
}

export interface CraftedRecord {
  readonly easting: number;
  readonly northing: number;
  readonly handlingCode: 'P' | 'C';
  readonly reportedOn: string;
  readonly category?: string;
  readonly placeType?: string;
  readonly summary?: string;
}

/**
 * Inserts records in one committed batch, as a commit would (BNG derived by PostGIS, data
 * version bumped), counted into the published table as they go in unless `unpublished`.
 * Returns the batch's id; read the records back with `storedRecords`.
 */
export async function insertRecords(
  db: Db,
  partnershipId: string,
  uploadedBy: string,
  sourceAgencyId: string,
  records: readonly CraftedRecord[],
  newId: () => string,
  options: {
    /** Leaves the batch waiting for its publication, as a commit does (migration 0015). */
    readonly unpublished?: boolean;
  } = {},
): Promise<string | undefined> {
  if (records.length === 0) return undefined;
  // Default taxonomy codes: the partnership's first ones (fixtures and the demo differ).
  const firstCode = async (table: 'category' | 'place_type') =>
    (
      await db.kysely
        .selectFrom(table)
        .select('code')
        .where('partnership_id', '=', partnershipId)
        .orderBy('code')
        .executeTakeFirstOrThrow()
    ).code;
  const defaultCategory = await firstCode('category');
  const defaultPlaceType = await firstCode('place_type');
  const batchId = newId();
  const content = JSON.stringify(records) + batchId;
  await db.kysely
    .insertInto('batch')
    .values({
      id: batchId,
      partnership_id: partnershipId,
      uploaded_by: uploadedBy,
      uploaded_at: new Date(),
      file_name: 'crafted.json',
      sha256: createHash('sha256').update(content).digest('hex'),
      profile: 'native-csv',
      size_bytes: content.length,
      rows_total: records.length,
      rows_valid: records.length,
      rows_invalid: 0,
      rows_skipped: 0,
      status: 'committed',
      committed_at: new Date(),
      committed_by: uploadedBy,
    })
    .execute();
  if (options.unpublished) {
    await db.kysely
      .insertInto('published_pending')
      .values({ batch_id: batchId, partnership_id: partnershipId })
      .execute();
  }
  const chunk = 1000;
  for (let start = 0; start < records.length; start += chunk) {
    await db.kysely
      .insertInto('intelligence_record')
      .values(
        records.slice(start, start + chunk).map((r, i) => {
          const [lng, lat] = bngToLngLat(r.easting, r.northing);
          return {
            partnership_id: partnershipId,
            batch_id: batchId,
            row_no: start + i + 2,
            reported_on: r.reportedOn,
            occurred_from: null,
            occurred_to: null,
            location: sql<string>`ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326)`,
            easting: 0,
            northing: 0,
            precision: 'exact' as const,
            place_type: r.placeType ?? defaultPlaceType,
            category: r.category ?? defaultCategory,
            source_agency_id: sourceAgencyId,
            source_grade: '2' as const,
            intelligence_grade: 'B' as const,
            handling_code: r.handlingCode,
            summary: r.summary ?? null,
            external_ref: null,
            fingerprint: createHash('sha256')
              .update(`${batchId}:${start + i}`)
              .digest('hex'),
            review_on: '2030-01-01',
          };
        }),
      )
      .execute();
  }
  await sql`update intelligence_record
    set easting = ST_X(ST_Transform(location, 27700)), northing = ST_Y(ST_Transform(location, 27700))
    where batch_id = ${batchId}`.execute(db.kysely);
  await bumpDataVersion(db.kysely, partnershipId);
  return batchId;
}

/** Every [lng, lat] pair anywhere in a body (GeoJSON, CSV with GeoJSON cells, problem JSON). */
export function coordinatePairs(body: string): [number, number][] {
  const pairs: [number, number][] = [];
  for (const m of body.matchAll(
    /\[\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*,\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*\]/g,
  )) {
    pairs.push([Number(m[1]), Number(m[2])]);
  }
  return pairs;
}

/** Every number shown as a count: `"count":n` in JSON and count-like CSV columns. */
export function shownCounts(body: string): number[] {
  const counts = [
    ...body.matchAll(/"(count|reports|total\w*|pointCount)"\s*:\s*(-?\d+(?:\.\d+)?)/g),
  ].map((m) => Number(m[2]));
  const lines = body.split('\r\n');
  const header = lines[0]?.split(',') ?? [];
  const countColumns = header
    .map((h, i) => [h, i] as const)
    .filter(([h]) => /^(count|reports)$/.test(h))
    .map(([, i]) => i);
  if (countColumns.length > 0 && !body.trimStart().startsWith('{')) {
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      for (const i of countColumns) {
        const v = cells[i];
        if (v && /^\d+$/.test(v)) counts.push(Number(v));
      }
    }
  }
  return counts;
}

/**
 * The disclosure rules as a test sees them from outside, for one body a non-analyst received.
 * Returns the list of violations (empty when the body is clean).
 */
export function disclosureViolations(
  body: string,
  records: readonly StoredRecord[],
  k: number,
  // The published lattices by default, and the 100 m grid that outlines of outputs not yet
  // derived from the published table still follow.
  hexSizes: readonly number[] = [100, 250, 500, 1000],
): string[] {
  const problems: string[] = [];
  // Rule 1: no ids, summaries or exact coordinates.
  if (/"(recordId|recordIds|members|pointIndices|summary)"/.test(body)) {
    problems.push('a record-level field name appears');
  }
  for (const r of records) {
    if (r.summary && body.includes(r.summary)) problems.push(`summary of record ${r.id}`);
  }
  const pairs = coordinatePairs(body);
  const exact = new Set(records.map((r) => `${r.lng.toFixed(6)},${r.lat.toFixed(6)}`));
  for (const [lng, lat] of pairs) {
    if (exact.has(`${lng.toFixed(6)},${lat.toFixed(6)}`))
      problems.push(`exact record coordinate ${lng},${lat}`);
  }
  // Rule 2: no count below k.
  for (const n of shownCounts(body)) if (n < k) problems.push(`count ${n} below k=${k}`);
  // Whole cells only: every vertex served is a corner of a hexagon of a published lattice, so
  // no shape is cut, clipped or drawn around records.
  for (const [lng, lat] of pairs) {
    if (Math.abs(lng) > 180 || Math.abs(lat) > 90) continue;
    const [x, y] = lngLatToBng(lng, lat);
    const onLattice = hexSizes.some((size) => {
      const { i, j } = hexIndexAt(x, y, size);
      return hexRing(i, j, size).some(([cx, cy]) => Math.hypot(cx - x, cy - y) < 0.5);
    });
    if (!onLattice) problems.push(`vertex ${lng},${lat} is not a published lattice corner`);
  }
  return problems;
}

/** A district as a BNG rectangle, metres. */
export interface CraftedDistrict {
  readonly code: string;
  readonly name: string;
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
}

/** Replaces the partnership's districts with rectangles (as an admin's boundary upload does). */
export async function replaceDistricts(
  db: Db,
  partnershipId: string,
  districts: readonly CraftedDistrict[],
  newId: () => string,
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('boundary')
      .where('partnership_id', '=', partnershipId)
      .where('kind', '=', 'district')
      .execute();
    if (districts.length === 0) return;
    await trx
      .insertInto('boundary')
      .values(
        districts.map((d) => ({
          id: newId(),
          partnership_id: partnershipId,
          kind: 'district' as const,
          code: d.code,
          name: d.name,
          geom: sql<string>`ST_Multi(ST_Transform(ST_MakeEnvelope(${d.west}, ${d.south}, ${d.east}, ${d.north}, 27700), 4326))`,
          source: 'test rectangles',
        })),
      )
      .execute();
  });
}
