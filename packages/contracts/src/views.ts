import { z } from 'zod';
import type { NoteCheck } from './wire.ts';

/**
 * A saved map view, version 1: the same state the map keeps in its URL (centre, zoom, layers,
 * filters). Versioned so a later shape can be added as v: 2 with an upgrade from v: 1 here,
 * leaving stored rows untouched. It holds parameters only, never intelligence.
 */
const code = z.string().regex(/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/);

export const SavedViewConfigV1Schema = z
  .strictObject({
    v: z.literal(1),
    center: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).meta({
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
  .meta({ id: 'SavedViewConfigV1' });

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
  .meta({ id: 'SavedView' });

export const SavedViewListSchema = z.object({ views: z.array(SavedViewSchema) });
export type SavedView = z.infer<typeof SavedViewSchema>;

/** The request body, with the server's note check on the name (see NoteCheck). */
export function viewRequestSchemas(note: NoteCheck) {
  const NewViewSchema = z
    .strictObject({
      name: note(z.string().trim().min(1).max(200)),
      config: SavedViewConfigSchema,
    })
    .meta({ id: 'NewSavedView' });
  return { NewViewSchema };
}
export type NewViewInput = z.input<ReturnType<typeof viewRequestSchemas>['NewViewSchema']>;
