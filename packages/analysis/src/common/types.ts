/**
 * A location in British National Grid metres (EPSG:27700). Every analysis works on these; the
 * caller projects (PostGIS `ST_Transform(geom, 27700)`) before and reprojects any GeoJSON after.
 */
export interface PointXY {
  readonly x: number;
  readonly y: number;
}

/** A time-stamped record: `t` is epoch milliseconds or an ISO 8601 date/date-time string (UTC). */
export interface TimedPoint extends PointXY {
  readonly t: number | string;
}

/** The attributes the summaries understand; all optional so partial records still summarise. */
export interface RecordPoint extends PointXY {
  readonly id?: string | number;
  readonly t?: number | string;
  readonly category?: string | null;
  readonly placeType?: string | null;
  readonly sourceAgency?: string | null;
}
