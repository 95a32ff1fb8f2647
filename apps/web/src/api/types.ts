import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';

export const ROLES = ['admin', 'analyst', 'chair', 'partner', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** West, south, east, north in WGS84 degrees. */
export type Bbox = readonly [number, number, number, number];

export interface Partnership {
  readonly id: string;
  readonly name: string;
  readonly synthetic: boolean;
  readonly suppressionK: number;
  readonly retentionMonths: number;
  readonly mfaRequired: boolean;
  readonly bbox: Bbox | null;
  readonly dataVersion: string;
  readonly tiles: { readonly url: string; readonly attribution: string };
}

export interface Me {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly agency: { readonly id: string; readonly code: string; readonly name: string };
  readonly mfaEnrolled: boolean;
  readonly partnership: {
    readonly id: string;
    readonly name: string;
    readonly synthetic: boolean;
    readonly mfaRequired: boolean;
  };
}

export interface LoginResult {
  readonly mfaRequired: boolean;
  readonly enrolmentRequired: boolean;
}

export interface MfaEnrolment {
  readonly secret: string;
  readonly otpauthUri: string;
  /** A data: URL (SVG) rendered by the API; never fetched from a third party. */
  readonly qrCode: string;
  readonly recoveryCodes: readonly string[];
}

export type BoundaryKind = 'partnership' | 'district' | 'ward';

export interface BoundaryProperties {
  readonly kind: BoundaryKind;
  readonly code: string;
  readonly name: string;
}

export type BoundaryCollection = FeatureCollection<Polygon | MultiPolygon, BoundaryProperties>;

class ResponseShapeError extends Error {
  override readonly name = 'ResponseShapeError';
}

function fail(what: string): never {
  throw new ResponseShapeError(`Unexpected response from the server (${what}).`);
}

function record(value: unknown, what: string): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : fail(what);
}

function str(value: unknown, what: string): string {
  return typeof value === 'string' ? value : fail(what);
}

function bool(value: unknown, what: string): boolean {
  return typeof value === 'boolean' ? value : fail(what);
}

function num(value: unknown, what: string): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fail(what);
}

/** Responses are parsed once at the edge; the rest of the app trusts these types. */
export function parsePartnership(value: unknown): Partnership {
  const r = record(value, 'partnership');
  const tiles = record(r.tiles, 'partnership.tiles');
  let bbox: Bbox | null = null;
  if (r.bbox !== null) {
    const b = Array.isArray(r.bbox) ? r.bbox : fail('partnership.bbox');
    if (b.length !== 4) fail('partnership.bbox');
    bbox = [num(b[0], 'bbox'), num(b[1], 'bbox'), num(b[2], 'bbox'), num(b[3], 'bbox')];
  }
  return {
    id: str(r.id, 'partnership.id'),
    name: str(r.name, 'partnership.name'),
    synthetic: bool(r.synthetic, 'partnership.synthetic'),
    suppressionK: num(r.suppressionK, 'partnership.suppressionK'),
    retentionMonths: num(r.retentionMonths, 'partnership.retentionMonths'),
    mfaRequired: bool(r.mfaRequired, 'partnership.mfaRequired'),
    bbox,
    dataVersion: str(r.dataVersion, 'partnership.dataVersion'),
    tiles: { url: str(tiles.url, 'tiles.url'), attribution: str(tiles.attribution, 'tiles') },
  };
}

export function parseMe(value: unknown): Me {
  const r = record(value, 'me');
  const agency = record(r.agency, 'me.agency');
  const partnership = record(r.partnership, 'me.partnership');
  const role = isRole(r.role) ? r.role : fail('me.role');
  return {
    id: str(r.id, 'me.id'),
    email: str(r.email, 'me.email'),
    name: str(r.name, 'me.name'),
    role,
    agency: {
      id: str(agency.id, 'agency.id'),
      code: str(agency.code, 'agency.code'),
      name: str(agency.name, 'agency.name'),
    },
    mfaEnrolled: bool(r.mfaEnrolled, 'me.mfaEnrolled'),
    partnership: {
      id: str(partnership.id, 'partnership.id'),
      name: str(partnership.name, 'partnership.name'),
      synthetic: bool(partnership.synthetic, 'partnership.synthetic'),
      mfaRequired: bool(partnership.mfaRequired, 'partnership.mfaRequired'),
    },
  };
}

export function parseBoundaries(value: unknown): BoundaryCollection {
  const r = record(value, 'boundaries');
  if (r.type !== 'FeatureCollection' || !Array.isArray(r.features)) fail('boundaries');
  return value as BoundaryCollection;
}
