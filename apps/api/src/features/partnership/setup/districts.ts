import type { MultiPolygon, Polygon } from 'geojson';
import { PROBLEM, ProblemError } from '../../../http/problem.ts';

/** One district of a partnership's area, checked for shape and range (not yet by PostGIS). */
export interface DistrictInput {
  readonly code: string;
  readonly name: string;
  readonly geometry: Polygon | MultiPolygon;
}

export interface ParsedDistricts {
  readonly districts: readonly DistrictInput[];
  readonly codeProperty: string;
  readonly nameProperty: string;
  /** True when the property was found by looking at the file, not given by a flag. */
  readonly detected: { readonly code: boolean; readonly name: boolean };
}

// ONS boundary files name their code and name columns after the geography and its year
// (LAD13CD, LAD23NM, WD22CD, CTYUA21NM...); others use plain code/name. Tried in this order.
const CODE_CANDIDATES = [/^code$/i, /^(LAD|LTLA|UTLA|CTYUA|CTY|WD|CMLAD)\d{2}CD$/i, /^id$/i];
const NAME_CANDIDATES = [/^name$/i, /^(LAD|LTLA|UTLA|CTYUA|CTY|WD|CMLAD)\d{2}NM$/i];

const BOUNDARY_CODE_MAX = 40;
const BOUNDARY_NAME_MAX = 200;

/** A problem with the districts file: one line, naming the feature and what is wrong. */
export function districtsProblem(message: string): ProblemError {
  return new ProblemError(PROBLEM.validation, message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads a districts GeoJSON file (a FeatureCollection of Polygon/MultiPolygon features in WGS84)
 * and checks everything that can be checked without PostGIS: JSON, structure, closed rings,
 * coordinate range (with a hint when they look like British National Grid metres), the code and
 * name properties and duplicate codes. Throws a ProblemError whose detail is one line.
 */
export function parseDistricts(
  text: string,
  options: { codeProperty?: string; nameProperty?: string } = {},
): ParsedDistricts {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw districtsProblem(
      `the districts file is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!isRecord(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    throw districtsProblem(
      'the districts file is not a GeoJSON FeatureCollection (expected {"type": "FeatureCollection", "features": [...]})',
    );
  }
  checkCrs(doc.crs);
  const features = doc.features as unknown[];
  const polygonal = features.filter(
    (f) =>
      isRecord(f) &&
      isRecord(f.geometry) &&
      (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon'),
  );
  if (polygonal.length === 0) {
    throw districtsProblem(
      `the districts file holds no polygons (${features.length} features, none a Polygon or MultiPolygon)`,
    );
  }
  features.forEach((feature, i) => {
    if (!polygonal.includes(feature)) {
      const type = isRecord(feature)
        ? isRecord(feature.geometry)
          ? String(feature.geometry.type)
          : 'without a geometry'
        : 'not a Feature';
      throw districtsProblem(
        `feature ${i + 1} is ${type}: every district must be a Polygon or MultiPolygon`,
      );
    }
  });
  const properties = features.map((f) =>
    isRecord((f as { properties?: unknown }).properties)
      ? (f as { properties: Record<string, unknown> }).properties
      : {},
  );
  const codeProperty = options.codeProperty ?? detect(properties, CODE_CANDIDATES, 'code');
  const nameProperty = options.nameProperty ?? detect(properties, NAME_CANDIDATES, 'name');

  const seen = new Map<string, number>();
  const districts = features.map((feature, i): DistrictInput => {
    const geometry = (feature as { geometry: Polygon | MultiPolygon }).geometry;
    const code = propertyText(properties[i]!, codeProperty, i, BOUNDARY_CODE_MAX);
    const name = propertyText(properties[i]!, nameProperty, i, BOUNDARY_NAME_MAX);
    const where = `feature ${i + 1} (${code} ${name})`;
    const earlier = seen.get(code);
    if (earlier !== undefined) {
      throw districtsProblem(
        `duplicate code ${code} in ${codeProperty}: features ${earlier + 1} and ${i + 1}`,
      );
    }
    seen.set(code, i);
    checkCoordinates(geometry, where);
    return { code, name, geometry };
  });
  return {
    districts,
    codeProperty,
    nameProperty,
    detected: { code: !options.codeProperty, name: !options.nameProperty },
  };
}

function checkCrs(crs: unknown): void {
  if (crs === undefined || crs === null) return;
  const name = isRecord(crs) && isRecord(crs.properties) ? String(crs.properties.name ?? '') : '';
  if (/CRS84$|EPSG:{1,2}4326$/i.test(name)) return;
  if (/EPSG:{1,2}27700$/i.test(name)) {
    throw districtsProblem(
      'the districts file is in British National Grid (crs EPSG:27700): convert it to WGS84 longitude/latitude first, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson',
    );
  }
  throw districtsProblem(
    `the districts file declares the coordinate system ${name || 'of an unknown name'}: it must be WGS84 longitude/latitude (EPSG:4326)`,
  );
}

function detect(
  properties: readonly Record<string, unknown>[],
  candidates: readonly RegExp[],
  what: 'code' | 'name',
): string {
  const keys = Object.keys(properties[0] ?? {});
  for (const pattern of candidates) {
    const key = keys.find((k) => pattern.test(k));
    if (key !== undefined) return key;
  }
  throw districtsProblem(
    `no ${what} property found in the districts file (its properties: ${keys.join(', ') || 'none'}): give --${what}-property P`,
  );
}

function propertyText(
  properties: Record<string, unknown>,
  key: string,
  index: number,
  max: number,
): string {
  const value = properties[key];
  const text =
    typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (!text) {
    throw districtsProblem(`feature ${index + 1} has no ${key} property (or it is empty)`);
  }
  if (text.length > max) {
    throw districtsProblem(`feature ${index + 1}: its ${key} is longer than ${max} characters`);
  }
  return text;
}

// Easting/northing of Great Britain in metres (thousands, not degrees): what a longitude or
// latitude far out of range usually is.
function looksLikeBng(x: number, y: number): boolean {
  return x >= 0 && x <= 700_000 && y >= 0 && y <= 1_300_000 && Math.max(x, y) >= 1000;
}

function checkCoordinates(geometry: Polygon | MultiPolygon, where: string): void {
  const polygons =
    geometry.type === 'Polygon'
      ? [geometry.coordinates]
      : Array.isArray(geometry.coordinates)
        ? geometry.coordinates
        : [];
  if (!Array.isArray(geometry.coordinates) || polygons.length === 0) {
    throw districtsProblem(`${where}: the ${geometry.type} has no coordinates`);
  }
  for (const polygon of polygons) {
    if (!Array.isArray(polygon) || polygon.length === 0) {
      throw districtsProblem(`${where}: a polygon has no rings`);
    }
    for (const ring of polygon) {
      if (!Array.isArray(ring) || ring.length < 4) {
        throw districtsProblem(
          `${where}: a ring has fewer than 4 positions (a closed ring needs at least 4)`,
        );
      }
      for (const position of ring) {
        if (
          !Array.isArray(position) ||
          position.length < 2 ||
          !position.every((n) => typeof n === 'number' && Number.isFinite(n))
        ) {
          throw districtsProblem(
            `${where}: a position is not [longitude, latitude] numbers: ${JSON.stringify(position)}`,
          );
        }
        const [x, y] = position as [number, number];
        if (x < -180 || x > 180 || y < -90 || y > 90) {
          throw districtsProblem(
            `${where}: the position [${x}, ${y}] is outside WGS84 (longitude -180..180, latitude -90..90)${
              looksLikeBng(x, y)
                ? '; it looks like British National Grid metres: convert the file to WGS84 first, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson'
                : ''
            }`,
          );
        }
      }
      const first = ring[0] as number[];
      const last = ring[ring.length - 1] as number[];
      if (first[0] !== last[0] || first[1] !== last[1]) {
        throw districtsProblem(
          `${where}: a ring is open (its first position [${first[0]}, ${first[1]}] differs from its last [${last[0]}, ${last[1]}])`,
        );
      }
    }
  }
}
