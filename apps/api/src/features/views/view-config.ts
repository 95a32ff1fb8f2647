import { z } from '@hono/zod-openapi';

/**
 * A saved map view, version 1: the same state the map keeps in its URL (centre, zoom, layers,
 * filters). Versioned so a later shape can be added as v: 2 with an upgrade from v: 1 here,
 * leaving stored rows untouched. It holds parameters only, never intelligence.
 */
const code = z.string().regex(/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/);

export const SavedViewConfigV1Schema = z
  .strictObject({
    v: z.literal(1),
    center: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).openapi({
      description: '[lng, lat]',
    }),
    zoom: z.number().min(0).max(22),
    layers: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/)).max(20),
    filters: z
      .strictObject({
        from: z.iso.date().optional(),
        to: z.iso.date().optional(),
        category: z.array(code).max(50).optional(),
        placeType: z.array(code).max(50).optional(),
        sourceAgency: z.array(code).max(50).optional(),
      })
      .default({}),
    /** The hotspot the view is about, if any (meeting mode fits the map to it). */
    hotspotId: z.uuid().optional(),
  })
  .openapi('SavedViewConfigV1');

export const SavedViewConfigSchema = SavedViewConfigV1Schema;
export type SavedViewConfig = z.infer<typeof SavedViewConfigSchema>;

export const SavedViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    config: SavedViewConfigSchema,
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('SavedView');
