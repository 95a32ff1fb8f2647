import type { Feature, FeatureCollection, GeoJsonProperties, Geometry } from 'geojson';

/**
 * The legacy GeoJSON (2008) `crs` member naming British National Grid. RFC 7946 dropped it, but
 * QGIS and GDAL honour it, so fixtures and debug output open in the right place. Coordinates in
 * every GeoJSON this package returns are EPSG:27700 metres; the caller reprojects to WGS84 for the
 * wire.
 */
export const BNG_CRS = {
  type: 'name',
  properties: { name: 'urn:ogc:def:crs:EPSG::27700' },
} as const;

/** A FeatureCollection in EPSG:27700 metres, tagged with the legacy `crs` member. */
export type BngFeatureCollection<
  G extends Geometry = Geometry,
  P = GeoJsonProperties,
> = FeatureCollection<G, P> & { crs: typeof BNG_CRS };

export function bngCollection<G extends Geometry, P>(
  features: Feature<G, P>[],
): BngFeatureCollection<G, P> {
  return { type: 'FeatureCollection', crs: BNG_CRS, features };
}
