import { z } from 'zod';

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
