import type { Database, Db } from '@hotspot/db';
import { type Kysely, sql } from 'kysely';
import { BoundedCache } from '../../http/bounded-cache.ts';
import { createGroupRead } from '../../http/group-read.ts';
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

type StateRowWithId = PartnershipStateRow & { readonly id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function selectStates(
  kysely: Kysely<Database>,
  partnershipIds: readonly string[],
  contents: boolean,
): Promise<ReadonlyMap<string, StateRowWithId>> {
  // A malformed id would fail the cast for every request read with it: it finds nothing.
  const ids = partnershipIds.filter((id) => UUID.test(id));
  if (ids.length === 0) return new Map();
  const digests = contents
    ? sql`,
      (select md5(coalesce(string_agg(h.id::text || '|' || h.updated_at::text || '|' || h.status, ',' order by h.id), ''))
         from hotspot h where h.partnership_id = p.id) as hotspots,
      (select md5(coalesce(string_agg(x.id::text || '|' || x.updated_at::text || '|' || x.status || '|' || x.agency_id::text, ',' order by x.id), ''))
         from action x where x.partnership_id = p.id) as actions`
    : sql``;
  const result = await sql<StateRowWithId>`
    select p.id::text as id, p.data_version::text as data_version, p.suppression_k,
      array_to_string(p.published_hex_sizes, ',') as hex_sizes, p.perturbation::text as perturbation,
      p.analysis_defaults::text as defaults,
      md5(ST_AsEWKB(p.area)) as area_hash${digests}
    from partnership p where p.id = any(${ids}::uuid[])`.execute(kysely);
  const byId = new Map(result.rows.map((r) => [r.id, r]));
  return new Map(
    ids.flatMap((id) => {
      const row = byId.get(id.toLowerCase());
      return row ? [[id, row] as const] : [];
    }),
  );
}

// Grouped readers per database handle and kind (http/group-read.ts): the states asked for while
// a read is in flight are read together by the next one, which still starts after each was
// asked, so every request sees the state as committed when it arrived.
const stateReaders = new WeakMap<
  Kysely<Database>,
  Record<'plain' | 'contents', (partnershipId: string) => Promise<StateRowWithId | undefined>>
>();

async function stateRow(
  kysely: Kysely<Database>,
  partnershipId: string,
  contents: boolean,
): Promise<PartnershipStateRow | undefined> {
  // Inside a transaction the read must run on it (and sees its uncommitted changes).
  if (kysely.isTransaction) {
    return (await selectStates(kysely, [partnershipId], contents)).get(partnershipId);
  }
  let readers = stateReaders.get(kysely);
  if (!readers) {
    readers = {
      plain: createGroupRead((ids: readonly string[]) => selectStates(kysely, ids, false)),
      contents: createGroupRead((ids: readonly string[]) => selectStates(kysely, ids, true)),
    };
    stateReaders.set(kysely, readers);
  }
  return readers[contents ? 'contents' : 'plain'](partnershipId);
}

/**
 * Reads the partnership's state; with `contents`, also digests of its hotspots and actions
 * (only the layer ETag needs those: they cost a pass over every hotspot and action row).
 */
export async function readPartnershipState(
  db: Db,
  partnershipId: string,
  options: { contents?: boolean } = {},
): Promise<{ state: PartnershipState; row: PartnershipStateRow }> {
  const row = await stateRow(db.kysely, partnershipId, options.contents ?? false);
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
