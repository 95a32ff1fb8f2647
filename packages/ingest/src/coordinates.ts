import type { LocationPrecision } from '@hotspot/contracts';
import proj4 from 'proj4';

/**
 * EPSG:27700 with the OSGB36 7-parameter Helmert shift to WGS84 (+towgs84, as in the EPSG
 * database's transformation 1314). The Helmert shift is good to about 2-5 m across Great
 * Britain; OSTN15 would be better but needs a 15 MB grid, and police.uk points are snapped anyway.
 */
export const BNG_PROJ4 =
  '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
  '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';
const WGS84_PROJ4 = '+proj=longlat +datum=WGS84 +no_defs';

const bngConverter = proj4(BNG_PROJ4, WGS84_PROJ4);

/** Round degrees to 7 decimals (about 1 cm): enough for any source, stable for round trips. */
export function roundDegrees(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

/**
 * British National Grid easting/northing (metres) to WGS84 [lng, lat], rounded to 7 decimals.
 * @example bngToLngLat(383125, 276545) // about [-2.2479, 52.3832], in Kidderminster
 */
export function bngToLngLat(easting: number, northing: number): [number, number] {
  const [lng, lat] = bngConverter.forward([easting, northing]) as [number, number];
  return [roundDegrees(lng), roundDegrees(lat)];
}

/** WGS84 [lng, lat] to British National Grid [easting, northing] in metres. */
export function lngLatToBng(lng: number, lat: number): [number, number] {
  return bngConverter.inverse([lng, lat]) as [number, number];
}

/** Whether an easting/northing pair lies in the British National Grid's extent. */
export function isBngInRange(easting: number, northing: number): boolean {
  return easting >= 0 && easting <= 700_000 && northing >= 0 && northing <= 1_300_000;
}

export interface GridReference {
  /** Centre of the referenced square, metres. */
  readonly easting: number;
  readonly northing: number;
  /** Side of the referenced square in metres (10 digits: 1 m ... 2 digits: 10 km). */
  readonly squareMeters: number;
  readonly precision: LocationPrecision;
}

const GRID_REF = /^([A-HJ-Z])([A-HJ-Z])\s*(\d+)(?:\s+(\d+))?$/;

function letterIndex(letter: string): number {
  const i = letter.charCodeAt(0) - 65;
  return i > 7 ? i - 1 : i; // the grid alphabet has no I
}

/**
 * Parse an Ordnance Survey grid reference such as "SO 8312 7654", "SO83127654" or "so 83 76"
 * (two letters, then 2, 4, 6, 8 or 10 digits, split evenly between easting and northing, with or
 * without spaces).
 *
 * A grid reference names the square whose south-west corner it gives. We map the centre of that
 * square (half a square from the corner), so the error is at most half a diagonal, and set the
 * precision from the square: 10 or 8 digits (1 m or 10 m) => exact, 6 digits (100 m) => street,
 * 4 or 2 digits (1 km or 10 km) => area. Returns null when it is not a valid GB grid reference.
 * @example parseGridReference('SO 8312 7654') // { easting: 383125, northing: 276545, squareMeters: 10, precision: 'exact' }
 */
export function parseGridReference(text: string): GridReference | null {
  const match = GRID_REF.exec(text.trim().toUpperCase());
  if (!match) return null;
  const l1 = letterIndex(match[1] as string);
  const l2 = letterIndex(match[2] as string);
  const e100km = ((l1 - 2) % 5) * 5 + (l2 % 5);
  const n100km = 19 - Math.floor(l1 / 5) * 5 - Math.floor(l2 / 5);
  if (e100km < 0 || e100km > 6 || n100km < 0 || n100km > 12) return null;

  let eDigits: string;
  let nDigits: string;
  if (match[4] !== undefined) {
    eDigits = match[3] as string;
    nDigits = match[4];
    if (eDigits.length !== nDigits.length) return null;
  } else {
    const all = match[3] as string;
    if (all.length % 2 !== 0) return null;
    eDigits = all.slice(0, all.length / 2);
    nDigits = all.slice(all.length / 2);
  }
  const digits = eDigits.length * 2;
  if (digits < 2 || digits > 10) return null;
  const squareMeters = 10 ** (5 - eDigits.length);
  const half = squareMeters / 2;
  return {
    easting: e100km * 100_000 + Number(eDigits) * squareMeters + half,
    northing: n100km * 100_000 + Number(nDigits) * squareMeters + half,
    squareMeters,
    precision: digits >= 8 ? 'exact' : digits === 6 ? 'street' : 'area',
  };
}

/** Rough extent of Great Britain and Northern Ireland in WGS84, for plausibility checks. */
export function isInBritishIsles(lng: number, lat: number): boolean {
  return lng >= -11 && lng <= 2.5 && lat >= 49 && lat <= 61.5;
}

/**
 * Format an easting/northing as an OS grid reference with `digits` digits (2-10, even), e.g.
 * toGridReference(383125, 276545, 8) === 'SO 8312 7654'. Truncates to the containing square.
 */
export function toGridReference(easting: number, northing: number, digits = 10): string {
  const e100k = Math.floor(easting / 100_000);
  const n100k = Math.floor(northing / 100_000);
  let l1 = 19 - n100k - ((19 - n100k) % 5) + Math.floor((e100k + 10) / 5);
  let l2 = (((19 - n100k) * 5) % 25) + (e100k % 5);
  if (l1 > 7) l1++;
  if (l2 > 7) l2++;
  const half = digits / 2;
  const scale = 10 ** (5 - half);
  const e = String(Math.floor((easting % 100_000) / scale)).padStart(half, '0');
  const n = String(Math.floor((northing % 100_000) / scale)).padStart(half, '0');
  return `${String.fromCharCode(65 + l1)}${String.fromCharCode(65 + l2)} ${e} ${n}`;
}
