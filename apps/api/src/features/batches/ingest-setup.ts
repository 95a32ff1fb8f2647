import type { Db } from '@hotspot/db';
import {
  type AreaIndex,
  createAreaIndex,
  type IngestTaxonomy,
  type PoliceUkDefaults,
} from '@hotspot/ingest';
import type { MultiPolygon } from 'geojson';
import { sql } from 'kysely';
import { PROBLEM, ProblemError } from '../../http/problem.ts';

/**
 * UK partnerships: "today" for date checks, and the zone in which occurred dates without an
 * offset are stored as timestamptz.
 */
export const PARTNERSHIP_TIME_ZONE = 'Europe/London';

/** What validating an upload needs from the caller's partnership, read once per upload. */
export interface IngestSetup {
  readonly taxonomy: IngestTaxonomy;
  readonly area: AreaIndex;
  /** Agency id by code, as written in IngestRecord.sourceAgency. */
  readonly agencyIds: ReadonlyMap<string, string>;
  /** Undefined when the partnership has no police agency or no 'street'/'other' place type. */
  readonly policeUk: PoliceUkDefaults | undefined;
}

/**
 * The partnership's taxonomy (retired codes excluded: they may stay on old records but not be
 * chosen for new ones), police.uk mapping, agencies and area. 409 when no area is loaded yet,
 * since no location could be checked.
 */
export async function loadIngestSetup(db: Db, partnershipId: string): Promise<IngestSetup> {
  const [partnership, categories, placeTypes, agencies, mapping] = await Promise.all([
    db.kysely
      .selectFrom('partnership')
      .select(sql<string | null>`ST_AsGeoJSON(area, 15)`.as('area'))
      .where('id', '=', partnershipId)
      .executeTakeFirst(),
    db.kysely
      .selectFrom('category')
      .select('code')
      .where('partnership_id', '=', partnershipId)
      .where('retired', '=', false)
      .execute(),
    db.kysely
      .selectFrom('place_type')
      .select('code')
      .where('partnership_id', '=', partnershipId)
      .where('retired', '=', false)
      .execute(),
    db.kysely
      .selectFrom('agency')
      .select(['id', 'code', 'kind'])
      .where('partnership_id', '=', partnershipId)
      .orderBy('code')
      .execute(),
    db.kysely
      .selectFrom('police_uk_mapping')
      .select(['crime_type', 'category_code'])
      .where('partnership_id', '=', partnershipId)
      .execute(),
  ]);
  if (!partnership?.area) {
    throw new ProblemError(
      PROBLEM.conflict,
      'The partnership has no area yet, so locations cannot be checked. An administrator must load the boundaries first.',
    );
  }
  const categoryCodes = categories.map((c) => c.code);
  const placeTypeCodes = placeTypes.map((p) => p.code);
  const known = new Set(categoryCodes);
  const police = agencies.find((a) => a.kind === 'police');
  const policePlaceType = ['street', 'other'].find((code) => placeTypeCodes.includes(code));
  return {
    taxonomy: {
      categories: categoryCodes,
      placeTypes: placeTypeCodes,
      agencies: agencies.map((a) => a.code),
      // A crime type mapped to a retired category is left unmapped: rows of it are errors.
      policeUkCrimeTypes: Object.fromEntries(
        mapping
          .filter((m) => known.has(m.category_code))
          .map((m) => [m.crime_type, m.category_code]),
      ),
    },
    area: createAreaIndex(JSON.parse(partnership.area) as MultiPolygon),
    agencyIds: new Map(agencies.map((a) => [a.code, a.id])),
    policeUk:
      police && policePlaceType
        ? { sourceAgency: police.code, placeType: policePlaceType }
        : undefined,
  };
}
