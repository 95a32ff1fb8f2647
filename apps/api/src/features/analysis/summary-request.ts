import { z } from '@hono/zod-openapi';

// The area summary's request body: filters with an area drawn, a district or a DBSCAN cluster.

const PolygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z
    .array(
      z
        .array(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]))
        .min(4)
        .max(5000),
    )
    .min(1)
    .max(50),
});
const FilterBodyShape = {
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  category: z
    .array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/))
    .max(50)
    .default([]),
  placeType: z
    .array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/))
    .max(50)
    .default([]),
  sourceAgency: z
    .array(z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/))
    .max(50)
    .default([]),
  sourceGrade: z
    .array(z.enum(['1', '2', '3']))
    .max(3)
    .default([]),
  intelligenceGrade: z
    .array(z.enum(['A', 'B', 'C', 'D', 'E']))
    .max(5)
    .default([]),
  handlingCode: z
    .array(z.enum(['P', 'C']))
    .max(2)
    .default([]),
};
export const SummaryBody = z.union([
  z.strictObject({ ...FilterBodyShape, area: PolygonSchema }),
  z.strictObject({
    ...FilterBodyShape,
    district: z
      .string()
      .min(1)
      .max(40)
      .openapi({ description: 'A district of the partnership, by its code (GET /api/boundaries)' }),
  }),
  z.strictObject({
    ...FilterBodyShape,
    cluster: z.strictObject({
      epsMeters: z.number().min(1).max(5000),
      minPoints: z.number().int().min(2).max(1000),
      clusterId: z.number().int().min(0),
    }),
  }),
]);

export type SummaryRequest = z.infer<typeof SummaryBody>;
