import { z } from 'zod';
import { BATCH_STATUSES } from './domain.ts';
import { PersonRefSchema } from './wire.ts';

// The wire format of uploaded batches: their validation report, commit and withdrawal.

export const BatchRowErrorSchema = z.object({
  row: z.number().int(),
  column: z.string().nullable(),
  code: z.string(),
  message: z.string(),
  at: z.object({ lng: z.number(), lat: z.number() }).optional().meta({
    description: 'Where the row is, when its coordinates could be read',
  }),
  place: z.string().optional().meta({ description: "The row's place description, if any" }),
});

/** How a batch came in: a file of one of the upload profiles, or a single record form. */
export const BATCH_PROFILES = ['native-csv', 'geojson', 'police-uk', 'single'] as const;

export const BatchSchema = z
  .object({
    id: z.string(),
    fileName: z.string(),
    profile: z.enum(BATCH_PROFILES),
    status: z.enum(BATCH_STATUSES),
    sha256: z.string(),
    sizeBytes: z.number().int(),
    rows: z.object({
      total: z.number().int(),
      valid: z.number().int(),
      invalid: z.number().int(),
      skipped: z.number().int(),
      outside: z.number().int().meta({
        description: 'Rows whose only problem is a location outside the area (within invalid)',
      }),
    }),
    uploadedAt: z.string(),
    uploadedBy: PersonRefSchema,
    committedAt: z.string().nullable(),
    committedBy: PersonRefSchema.nullable(),
    withdrawnAt: z.string().nullable(),
    withdrawnBy: PersonRefSchema.nullable(),
    withdrawReason: z.string().nullable(),
  })
  .meta({ id: 'Batch' });

export const BatchDetailSchema = BatchSchema.extend({
  errors: z.array(BatchRowErrorSchema).meta({ description: 'The first 1,000 row errors' }),
  errorCounts: z.array(z.object({ code: z.string(), count: z.number().int() })),
  skippedCounts: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  outsideAreaRows: z.number().int().meta({
    description:
      'Rows whose only problem is a location outside the partnership area (counted in rows.invalid)',
  }),
  dueOnArrival: z
    .object({
      rows: z.number().int(),
      reportedOnOrBefore: z.iso.date(),
      retentionMonths: z.number().int(),
    })
    .nullable()
    .meta({
      description:
        'Before commit: valid rows that would arrive already due for review (reported on or before the date)',
    }),
}).meta({ id: 'BatchDetail' });

export const UploadResultSchema = BatchDetailSchema.extend({
  warnings: z.array(z.string()),
}).meta({ id: 'BatchUpload' });

export const BatchListSchema = z.object({ batches: z.array(BatchSchema) });

const CodeLabelSchema = z.object({ code: z.string(), label: z.string() });
export type CodeLabel = z.infer<typeof CodeLabelSchema>;

export const BatchColumnsSchema = z.object({
  columns: z.array(
    z.object({
      name: z.string(),
      required: z.enum(['yes', 'no', 'location']),
      format: z.string(),
      description: z.string(),
      example: z.string(),
    }),
  ),
  example: z.string(),
  vocabulary: z.object({
    categories: z.array(CodeLabelSchema),
    placeTypes: z.array(CodeLabelSchema),
    agencies: z.array(CodeLabelSchema),
  }),
});

export const BatchCommittedSchema = z.object({
  status: z.literal('committed'),
  recordsAdded: z.number().int(),
  reportedFrom: z.iso.date().nullable(),
  reportedTo: z.iso.date().nullable(),
  alreadyDueForReview: z.number().int(),
});

export const BatchWithdrawnSchema = z.object({
  status: z.literal('withdrawn'),
  recordsRemoved: z.number().int(),
});

/** The first valid rows of a batch as GeoJSON points with their fields, for the map preview. */
export const BatchPreviewSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        geometry: z.object({ type: z.literal('Point'), coordinates: z.array(z.number()) }),
        properties: z.object({
          row: z.number().int(),
          reportedOn: z.string(),
          occurredFrom: z.string().nullable(),
          occurredTo: z.string().nullable(),
          precision: z.string(),
          placeType: z.string(),
          category: z.string(),
          sourceAgency: z.string(),
          sourceGrade: z.string(),
          intelligenceGrade: z.string(),
          handlingCode: z.string(),
          summary: z.string().nullable(),
          externalRef: z.string().nullable(),
        }),
      }),
    ),
  })
  .meta({ id: 'BatchPreview' });

export type BatchRowError = z.infer<typeof BatchRowErrorSchema>;
export type Batch = z.infer<typeof BatchSchema>;
export type BatchDetail = z.infer<typeof BatchDetailSchema>;
export type UploadResult = z.infer<typeof UploadResultSchema>;
export type BatchColumns = z.infer<typeof BatchColumnsSchema>;
export type BatchCommitted = z.infer<typeof BatchCommittedSchema>;
export type BatchWithdrawn = z.infer<typeof BatchWithdrawnSchema>;
export type BatchPreview = z.infer<typeof BatchPreviewSchema>;
