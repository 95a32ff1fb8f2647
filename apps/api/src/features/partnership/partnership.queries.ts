import type { Db } from '@hotspot/db';
import { sql } from 'kysely';

export interface PartnershipSummary {
  readonly id: string;
  readonly name: string;
  readonly synthetic: boolean;
  readonly suppressionK: number;
  readonly retentionMonths: number;
  readonly mfaRequired: boolean;
  /** [west, south, east, north] in WGS84, or null before an area is loaded. */
  readonly bbox: [number, number, number, number] | null;
  readonly dataVersion: string;
}

export async function findPartnership(db: Db, id: string): Promise<PartnershipSummary | undefined> {
  const row = await db.kysely
    .selectFrom('partnership')
    .select([
      'id',
      'name',
      'synthetic',
      'suppression_k',
      'retention_months',
      'mfa_required',
      'data_version',
      sql<string | null>`case when area is null then null else
        concat_ws(',', ST_XMin(area), ST_YMin(area), ST_XMax(area), ST_YMax(area)) end`.as('bbox'),
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const bbox = row.bbox
    ? (row.bbox.split(',').map(Number) as [number, number, number, number])
    : null;
  return {
    id: row.id,
    name: row.name,
    synthetic: row.synthetic,
    suppressionK: row.suppression_k,
    retentionMonths: row.retention_months,
    mfaRequired: row.mfa_required,
    bbox,
    dataVersion: String(row.data_version),
  };
}

export type BoundaryKind = 'partnership' | 'district' | 'ward';

/** Boundaries as a GeoJSON FeatureCollection, built by PostGIS (coordinates to 6 dp, ~0.1 m). */
export async function boundaryCollection(
  db: Db,
  partnershipId: string,
  kind: BoundaryKind,
): Promise<string> {
  const query =
    kind === 'partnership'
      ? sql<{ fc: string }>`
          select json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
            'type', 'Feature', 'geometry', ST_AsGeoJSON(area, 6)::json,
            'properties', json_build_object('kind', 'partnership', 'code', slug, 'name', name)
          )), '[]'::json))::text as fc
          from partnership where id = ${partnershipId} and area is not null`
      : sql<{ fc: string }>`
          select json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
            'type', 'Feature', 'geometry', ST_AsGeoJSON(geom, 6)::json,
            'properties', json_build_object('kind', kind, 'code', code, 'name', name, 'source', source)
          ) order by code), '[]'::json))::text as fc
          from boundary where partnership_id = ${partnershipId} and kind = ${kind}`;
  const result = await query.execute(db.kysely);
  return result.rows[0]?.fc ?? '{"type":"FeatureCollection","features":[]}';
}

export interface TaxonomyEntry {
  readonly code: string;
  readonly label: string;
}

/** The partnership's live categories, place types and agencies, as codes and labels. */
export async function partnershipVocabulary(
  db: Db,
  partnershipId: string,
): Promise<{
  categories: TaxonomyEntry[];
  placeTypes: TaxonomyEntry[];
  agencies: TaxonomyEntry[];
}> {
  const kysely = db.kysely;
  const [categories, placeTypes, agencies] = await Promise.all([
    kysely
      .selectFrom('category')
      .select(['code', 'label'])
      .where('partnership_id', '=', partnershipId)
      .where('retired', '=', false)
      .orderBy('label')
      .execute(),
    kysely
      .selectFrom('place_type')
      .select(['code', 'label'])
      .where('partnership_id', '=', partnershipId)
      .where('retired', '=', false)
      .orderBy('label')
      .execute(),
    kysely
      .selectFrom('agency')
      .select(['code', 'name as label'])
      .where('partnership_id', '=', partnershipId)
      .orderBy('code')
      .execute(),
  ]);
  return { categories, placeTypes, agencies };
}
