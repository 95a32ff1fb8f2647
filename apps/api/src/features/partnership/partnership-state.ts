import type { Db } from '@hotspot/db';
import { sql } from 'kysely';
import { BoundedCache } from '../../http/bounded-cache.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { effectiveK, type PerturbationTable, parsePerturbationTable } from '../disclosure/index.ts';

/**
 * What disclosure and analysis need of the partnership, read in one statement: the data version,
 * the threshold k (clamped by `effectiveK`), the area, the analysis defaults, the published
 * lattice sizes and the perturbation table.
 */
export interface PartnershipState {
  readonly partnershipId: string;
  readonly dataVersion: string;
  readonly k: number;
  readonly areaGeoJson: string | null;
  readonly analysisDefaults: Readonly<Record<string, unknown>>;
  /** Published hexagon lattice sizes, finest first (migration 0007). */
  readonly hexSizes: readonly number[];
  /** The partnership's stored perturbation table. */
  readonly perturbation: PerturbationTable;
}

/** The row as stored, for callers that hash it (the layer ETag); `contents` only if asked. */
export interface PartnershipStateRow {
  readonly data_version: string;
  readonly suppression_k: number;
  readonly defaults: string;
  readonly area_hash: string | null;
  readonly hex_sizes: string;
  readonly perturbation: string;
  /** md5 of every hotspot's and every action's id, version and status (see loadLayerState). */
  readonly hotspots?: string;
  readonly actions?: string;
}

// The partnership area's GeoJSON by the hash of its geometry: the area is sent by the database
// only when this process has not seen that version of it, not on every request.
const areaJsonCache = new BoundedCache<string, string>(8);

/**
 * Reads the partnership's state; with `contents`, also digests of its hotspots and actions
 * (only the layer ETag needs those: they cost a pass over every hotspot and action row).
 */
export async function readPartnershipState(
  db: Db,
  partnershipId: string,
  options: { contents?: boolean } = {},
): Promise<{ state: PartnershipState; row: PartnershipStateRow }> {
  const contents = options.contents
    ? sql`,
      (select md5(coalesce(string_agg(h.id::text || '|' || h.updated_at::text || '|' || h.status, ',' order by h.id), ''))
         from hotspot h where h.partnership_id = p.id) as hotspots,
      (select md5(coalesce(string_agg(x.id::text || '|' || x.updated_at::text || '|' || x.status || '|' || x.agency_id::text, ',' order by x.id), ''))
         from action x where x.partnership_id = p.id) as actions`
    : sql``;
  const result = await sql<PartnershipStateRow>`
    select p.data_version::text as data_version, p.suppression_k,
      array_to_string(p.published_hex_sizes, ',') as hex_sizes, p.perturbation::text as perturbation,
      p.analysis_defaults::text as defaults,
      md5(ST_AsEWKB(p.area)) as area_hash${contents}
    from partnership p where p.id = ${partnershipId}`.execute(db.kysely);
  const row = result.rows[0];
  if (!row) throw new ProblemError(PROBLEM.notFound, 'Partnership not found.');
  let areaGeoJson: string | null = null;
  if (row.area_hash !== null) {
    areaGeoJson = areaJsonCache.get(row.area_hash) ?? null;
    if (areaGeoJson === null) {
      const area = await sql<{ area: string | null }>`
        select ST_AsGeoJSON(p.area) as area from partnership p
        where p.id = ${partnershipId} and md5(ST_AsEWKB(p.area)) = ${row.area_hash}`.execute(
        db.kysely,
      );
      areaGeoJson = area.rows[0]?.area ?? null;
      // Changed in between: the state just read is already stale, so start again.
      if (areaGeoJson === null) return readPartnershipState(db, partnershipId, options);
      areaJsonCache.set(row.area_hash, areaGeoJson);
    }
  }
  return {
    row,
    state: {
      partnershipId,
      dataVersion: row.data_version,
      k: effectiveK(row.suppression_k),
      areaGeoJson,
      analysisDefaults: JSON.parse(row.defaults) as Record<string, unknown>,
      hexSizes: row.hex_sizes
        .split(',')
        .map(Number)
        .sort((a, b) => a - b),
      perturbation: parsePerturbationTable(row.perturbation),
    },
  };
}

/** The partnership's state without the hotspot and action digests. */
export async function loadPartnershipState(
  db: Db,
  partnershipId: string,
): Promise<PartnershipState> {
  return (await readPartnershipState(db, partnershipId)).state;
}
