// Shared test setup: the North Worcestershire area and a partnership taxonomy. Not exported.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { northWorcestershire } from '@hotspot/fixtures';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { createAreaIndex } from './area.ts';
import type { IngestOptions } from './ingest.ts';
import type { IngestTaxonomy } from './validate.ts';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Bromsgrove, Redditch and Wyre Forest, the North Worcestershire CSP. */
export const NORTH_WORCESTERSHIRE: FeatureCollection<Polygon | MultiPolygon> =
  northWorcestershire();
export const AREA = createAreaIndex(NORTH_WORCESTERSHIRE);

export const POLICE_UK_CRIME_TYPES = [
  'Violence and sexual offences',
  'Anti-social behaviour',
  'Shoplifting',
  'Criminal damage and arson',
  'Other theft',
  'Public order',
  'Burglary',
  'Vehicle crime',
  'Drugs',
  'Other crime',
  'Possession of weapons',
  'Bicycle theft',
  'Robbery',
  'Theft from the person',
] as const;

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

export const TAXONOMY: IngestTaxonomy = {
  categories: [
    'adults-loitering',
    'young-people-gathering',
    'concern-premises',
    ...POLICE_UK_CRIME_TYPES.map(slug),
  ],
  placeTypes: ['takeaway', 'hotel', 'park', 'licensed-premises', 'other'],
  agencies: ['WMP', 'BDC', 'RBC', 'WFDC'],
  policeUkCrimeTypes: Object.fromEntries(POLICE_UK_CRIME_TYPES.map((t) => [t, slug(t)])),
};

/** 1 June 2024, after the police.uk months. */
export const NOW = new Date('2024-06-01T12:00:00Z');

export const OPTIONS: IngestOptions = {
  now: NOW,
  taxonomy: TAXONOMY,
  area: AREA,
  policeUk: { sourceAgency: 'WMP', placeType: 'other' },
};

export function fixture(name: string): Buffer {
  return readFileSync(`${FIXTURES}${name}`);
}

/** Split bytes into chunks of `size`, as a file stream would deliver them. */
export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
