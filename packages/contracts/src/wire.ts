import { z } from 'zod';

// Pieces the resources' wire schemas share. Schemas carry their OpenAPI name and description in
// zod's own metadata (`.meta({ id, description })`), which the API's OpenAPI document reads, so
// this package needs no OpenAPI library and stays safe for the browser.

/**
 * The server's screening of free text staff write for others to read (a name after a title, an
 * email, a phone number...): the API passes its `staffNote`, which needs the personal-data
 * screener of packages/ingest; the web builds no request schemas, it only uses their types.
 */
export type NoteCheck = (schema: z.ZodString) => z.ZodString;

/** A note check that adds nothing: for request types and for tests of shape alone. */
export const noNoteCheck: NoteCheck = (schema) => schema;

export const AgencyRefSchema = z.object({ id: z.string(), code: z.string(), name: z.string() });
export type AgencyRef = z.infer<typeof AgencyRefSchema>;

export const PersonRefSchema = z.object({ id: z.string(), name: z.string() });

export const GeoJsonFeatureCollectionSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        id: z.union([z.string(), z.number()]).optional(),
        geometry: z.unknown(),
        properties: z.record(z.string(), z.unknown()).nullable(),
      }),
    ),
  })
  .passthrough()
  .meta({ id: 'FeatureCollection' });
export type GeoJsonFeatureCollection = z.infer<typeof GeoJsonFeatureCollectionSchema>;

/**
 * A map layer or analysis as served: GeoJSON with the metadata every layer may carry (the
 * parameters used, a one-sentence explanation, the disclosure applied for non-analysts); the
 * rest stays open, each layer adds its own. The features' geometry is not parsed: checking
 * every coordinate of a large layer would cost more than drawing it.
 */
export const LayerSchema = GeoJsonFeatureCollectionSchema.extend({
  parameters: z.record(z.string(), z.unknown()).optional(),
  explanation: z.string().optional(),
  disclosure: z
    .object({
      suppressionK: z.number(),
      /** Published layers: no count is further than this from the truth. */
      perturbationBound: z.number().optional(),
    })
    .passthrough()
    .optional(),
}).meta({ id: 'Layer' });
export type Layer = z.infer<typeof LayerSchema>;

/** A path parameter `{id}`. */
export const UuidParamSchema = z.object({ id: z.uuid() });

/** The body of a 204 answer: none. */
export const NoContentSchema = z.undefined();

const PositionSchema = z.array(z.number());
/** A polygon or multipolygon in WGS84 [lng, lat], as PostGIS writes it. */
export const PolygonalGeometrySchema = z.union([
  z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(PositionSchema)) }),
  z.object({
    type: z.literal('MultiPolygon'),
    coordinates: z.array(z.array(z.array(PositionSchema))),
  }),
]);

/** An outline as a GeoJSON Feature (a hotspot's area). */
export const PolygonalFeatureSchema = z.object({
  type: z.literal('Feature'),
  geometry: PolygonalGeometrySchema,
  properties: z.record(z.string(), z.unknown()),
});
