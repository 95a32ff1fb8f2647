import { type AreaIndex, type AreaInput, createAreaIndex, isAreaIndex } from './area.ts';
import { bngToLngLat, lngLatToBng, toGridReference } from './coordinates.ts';
import { csvField } from './write.ts';

export interface SyntheticNativeOptions {
  /** Number of data rows. */
  readonly rows: number;
  /** Seed of the deterministic generator: the same seed gives the same file. */
  readonly seed: number;
  /** Points are drawn uniformly inside this area. */
  readonly area: AreaInput | AreaIndex;
  /** Codes to draw from (use the partnership taxonomy the file will be checked against). */
  readonly categories: readonly string[];
  readonly placeTypes: readonly string[];
  readonly agencies: readonly string[];
  /** Latest reported date, YYYY-MM-DD; dates are drawn over the two years before it. */
  readonly latestDate: string;
  /** Rows per yielded chunk (default 1,000). */
  readonly rowsPerChunk?: number;
}

/** mulberry32: small, fast, seeded; good enough for test data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUMMARIES = [
  'Adults seen with young people late evening',
  'Young people collected by car from the rear entrance',
  'Concern raised by staff about repeated visits',
  'Group gathering after school hours',
  '',
];

/** Mostly lng/lat; some BNG and grid references when they still fall inside the area. */
function locationCells(lng: number, lat: number, form: number, area: AreaIndex): string {
  const lngLat = `${lng.toFixed(6)},${lat.toFixed(6)},,,`;
  if (form < 0.7) return lngLat;
  const [e, n] = lngLatToBng(lng, lat).map(Math.round) as [number, number];
  if (form < 0.9) {
    const [x, y] = bngToLngLat(e, n);
    return area.contains(x, y) ? `,,${e},${n},` : lngLat;
  }
  const [x, y] = bngToLngLat(e + 0.5, n + 0.5);
  return area.contains(x, y) ? `,,,,${toGridReference(e, n, 10)}` : lngLat;
}

/**
 * A valid native CSV of `rows` rows, as UTF-8 chunks (a few hundred KB each), so even very large
 * files are never held whole. Rows mix the three location forms (lng/lat, easting/northing, grid
 * references) and are all valid and distinct for the given taxonomy, area and date.
 * Shared with the database benchmark.
 * @example ingest(syntheticNativeCsv({ rows: 100_000, seed: 1, area, ...taxonomy, latestDate: '2024-04-30' }), options)
 */
export function* syntheticNativeCsv(options: SyntheticNativeOptions): Generator<Uint8Array> {
  const area = isAreaIndex(options.area) ? options.area : createAreaIndex(options.area);
  const rnd = random(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const [minX, minY, maxX, maxY] = area.bbox;
  const latest = Date.parse(`${options.latestDate}T00:00:00Z`);
  const dayMs = 86_400_000;
  const encoder = new TextEncoder();
  const perChunk = options.rowsPerChunk ?? 1000;
  let chunk =
    'reported_on,occurred_from,occurred_to,longitude,latitude,easting,northing,grid_ref,location_precision,place_type,category,source_agency,source_grade,intelligence_grade,handling_code,summary,external_ref\r\n';
  for (let i = 0; i < options.rows; i++) {
    let lng: number;
    let lat: number;
    // Drawn at the 6 decimals written to the file, so a point near the boundary cannot be
    // inside when drawn and outside once written (3 rows in a million were, before).
    do {
      lng = Math.round((minX + rnd() * (maxX - minX)) * 1e6) / 1e6;
      lat = Math.round((minY + rnd() * (maxY - minY)) * 1e6) / 1e6;
    } while (!area.contains(lng, lat));
    const reported = new Date(latest - Math.floor(rnd() * 730) * dayMs);
    const reportedOn = reported.toISOString().slice(0, 10);
    const occurred =
      rnd() < 0.5
        ? new Date(reported.getTime() - Math.floor(rnd() * 14) * dayMs).toISOString().slice(0, 10)
        : '';
    // Every row gets a distinct reference, so no two rows are duplicates.
    const ref = `SYN-${options.seed}-${i + 1}`;
    const location = locationCells(lng, lat, rnd(), area);
    chunk += `${[
      reportedOn,
      occurred,
      '',
      location,
      'exact',
      pick(options.placeTypes),
      pick(options.categories),
      pick(options.agencies),
      pick(['1', '2', '3']),
      pick(['A', 'B', 'C', 'D', 'E']),
      rnd() < 0.9 ? 'P' : 'C',
      csvField(pick(SUMMARIES)),
      ref,
    ].join(',')}\r\n`;
    if ((i + 1) % perChunk === 0) {
      yield encoder.encode(chunk);
      chunk = '';
    }
  }
  if (chunk.length > 0) yield encoder.encode(chunk);
}

/** The same file as one string (for small row counts). */
export function generateSyntheticNativeCsv(options: SyntheticNativeOptions): string {
  const decoder = new TextDecoder();
  let out = '';
  for (const chunk of syntheticNativeCsv(options)) out += decoder.decode(chunk);
  return out;
}
