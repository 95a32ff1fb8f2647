import { z } from 'zod';
import { PolygonalGeometrySchema } from './wire.ts';

// The wire format of the signed-in user's partnership and its vocabulary.

export const PartnershipSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    synthetic: z.boolean(),
    suppressionK: z.number().int(),
    retentionMonths: z.number().int(),
    mfaRequired: z.boolean(),
    bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
    dataVersion: z.string(),
    tiles: z.object({ url: z.string(), attribution: z.string() }),
  })
  .meta({ id: 'Partnership' });

export const TaxonomyEntrySchema = z.object({ code: z.string(), label: z.string() });

export const TaxonomySchema = z
  .object({
    categories: z.array(TaxonomyEntrySchema),
    placeTypes: z.array(TaxonomyEntrySchema),
    agencies: z.array(TaxonomyEntrySchema),
  })
  .meta({ id: 'Taxonomy' });

export type Partnership = z.infer<typeof PartnershipSchema>;
export type Taxonomy = z.infer<typeof TaxonomySchema>;
export type TaxonomyEntry = z.infer<typeof TaxonomyEntrySchema>;

/** West, south, east, north in WGS84 degrees. */
export type Bbox = readonly [number, number, number, number];

export const BOUNDARY_KINDS = ['partnership', 'district', 'ward'] as const;
export type BoundaryKind = (typeof BOUNDARY_KINDS)[number];

/** Partnership, district or ward outlines (WGS84), as PostGIS writes them. */
export const BoundaryCollectionSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        geometry: PolygonalGeometrySchema,
        properties: z.object({
          kind: z.enum(BOUNDARY_KINDS),
          code: z.string(),
          name: z.string(),
          /** Where a district or ward outline came from (absent for the partnership's). */
          source: z.string().nullable().optional(),
        }),
      }),
    ),
  })
  .meta({ id: 'BoundaryCollection' });
export type BoundaryCollection = z.infer<typeof BoundaryCollectionSchema>;
