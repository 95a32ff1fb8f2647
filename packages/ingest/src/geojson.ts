import type { IngestFileInfo } from '@hotspot/contracts';
import { bngToLngLat, isBngInRange } from './coordinates.ts';
import type { DecodeState } from './decode.ts';
import { IngestFileError, IngestLimitError } from './errors.ts';
import {
  NATIVE_ALIASES,
  NATIVE_FIELDS,
  type NativeField,
  normaliseHeader,
} from './native-columns.ts';
import { nativeRecord, type RowOutcome } from './profiles.ts';
import { type RowContext, RowProblems } from './validate.ts';

const LOCATION_FIELDS: ReadonlySet<NativeField> = new Set([
  'longitude',
  'latitude',
  'easting',
  'northing',
  'grid_ref',
]);

type CrsKind = 'wgs84' | 'bng';

function crsOf(crs: unknown): CrsKind {
  if (crs === undefined || crs === null) return 'wgs84';
  const name = String((crs as { properties?: { name?: unknown } }).properties?.name ?? '');
  if (/CRS84$|EPSG:{1,2}4326$/i.test(name)) return 'wgs84';
  if (/EPSG:{1,2}27700$/i.test(name)) return 'bng';
  throw new IngestFileError(
    'unsupported-crs',
    'The GeoJSON declares a coordinate system other than WGS84 (EPSG:4326) or British National Grid (EPSG:27700).',
  );
}

/**
 * GeoJSON profile: a FeatureCollection of Point features whose properties are the native columns
 * (location columns are ignored: the geometry is the location). Coordinates are WGS84 [lng, lat]
 * as RFC 7946 says, or British National Grid when the legacy `crs` member names EPSG:27700 (QGIS
 * exports). Row numbers are 1-based feature positions; a property that is not a native column is
 * ignored.
 *
 * The document is parsed whole with JSON.parse (bounded by the byte limit, 50 MB by default):
 * simple and fast, at the cost of a transient peak of a few hundred MB for the largest files.
 */
export async function* geojsonRows(
  text: AsyncIterable<string>,
  ctx: RowContext,
  maxRows: number,
  state: DecodeState,
): AsyncGenerator<{ kind: 'file'; info: IngestFileInfo } | RowOutcome> {
  const parts: string[] = [];
  for await (const part of text) parts.push(part);
  const whole = parts.join('');
  parts.length = 0;
  let doc: unknown;
  try {
    doc = JSON.parse(whole);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/end of (JSON )?input|Unterminated/i.test(message)) {
      throw new IngestFileError('truncated', 'The GeoJSON ends early: the file was cut off.');
    }
    throw new IngestFileError('invalid-json', 'The file starts like JSON but is not valid JSON.');
  }
  const collection = doc as { type?: unknown; features?: unknown; crs?: unknown } | null;
  if (
    collection === null ||
    typeof collection !== 'object' ||
    collection.type !== 'FeatureCollection' ||
    !Array.isArray(collection.features)
  ) {
    throw new IngestFileError(
      'not-a-feature-collection',
      'The GeoJSON must be a FeatureCollection of Point features.',
    );
  }
  const crs = crsOf(collection.crs);
  const features = collection.features as unknown[];
  if (features.length > maxRows) throw new IngestLimitError('rows', maxRows);
  yield {
    kind: 'file',
    info: {
      profile: 'geojson',
      encoding: state.encoding ?? 'utf-8',
      delimiter: null,
      columns: [],
      warnings:
        crs === 'bng' ? ['Coordinates read as British National Grid (crs EPSG:27700).'] : [],
    },
  };
  for (let i = 0; i < features.length; i++) {
    yield featureRow(features[i], i + 1, crs, ctx);
    features[i] = undefined; // let each feature go once read
  }
}

function featureRow(feature: unknown, row: number, crs: CrsKind, ctx: RowContext): RowOutcome {
  const problems = new RowProblems(row);
  const f = feature as { type?: unknown; geometry?: unknown; properties?: unknown } | null;
  if (f === null || typeof f !== 'object' || f.type !== 'Feature') {
    problems.add(null, 'invalid-feature', 'Not a GeoJSON Feature.');
    return { kind: 'invalid', problems };
  }
  const props = (f.properties ?? {}) as Record<string, unknown>;
  if (typeof props !== 'object' || Array.isArray(props)) {
    problems.add('properties', 'invalid-feature', 'Feature properties must be an object.');
    return { kind: 'invalid', problems };
  }
  const values = new Map<NativeField, { raw: string | undefined; column: string }>();
  for (const [key, value] of Object.entries(props)) {
    const n = normaliseHeader(key);
    const field = (NATIVE_FIELDS as readonly string[]).includes(n)
      ? (n as NativeField)
      : NATIVE_ALIASES[n];
    if (field === undefined || LOCATION_FIELDS.has(field) || values.has(field)) continue;
    if (value !== null && typeof value === 'object') {
      problems.add(key, 'invalid-feature', 'The property must be a text or a number.');
      continue;
    }
    values.set(field, {
      raw: value === null || value === undefined ? undefined : String(value),
      column: key,
    });
  }

  let geometry: { lng: number; lat: number; column: string } | null = null;
  const g = f.geometry as { type?: unknown; coordinates?: unknown } | null | undefined;
  if (g !== null && g !== undefined) {
    const coords = g.coordinates;
    if (g.type !== 'Point') {
      problems.add('geometry', 'invalid-feature', 'Only Point geometries are accepted.');
    } else if (
      !Array.isArray(coords) ||
      coords.length < 2 ||
      typeof coords[0] !== 'number' ||
      typeof coords[1] !== 'number' ||
      !Number.isFinite(coords[0]) ||
      !Number.isFinite(coords[1])
    ) {
      problems.add('geometry', 'invalid-coordinate', 'A Point needs two numeric coordinates.');
    } else if (crs === 'bng') {
      const [e, n] = coords as [number, number];
      if (!isBngInRange(e, n)) {
        problems.add('geometry', 'invalid-coordinate', 'Not a British National Grid position.');
      } else {
        const [lng, lat] = bngToLngLat(e, n);
        geometry = { lng, lat, column: 'geometry' };
      }
    } else {
      geometry = { lng: coords[0], lat: coords[1], column: 'geometry' };
    }
  }
  const located = problems.errors.some((e) => e.column === 'geometry') ? 'invalid' : geometry;
  return nativeRecord(row, (field) => values.get(field), ctx, problems, located);
}
