import { z } from 'zod';
import { LOCATION_PRECISIONS } from './domain.ts';

// The wire format of single records: a concern recorded by hand, and the records due for review
// under the retention period.

const concernText = (max: number) => z.string().max(max);

const optionalConcernText = (max: number) => z.string().max(max).nullable().optional();

// Loosely typed on purpose: the values go through the same row validation as an uploaded file
// (packages/ingest), so a concern and a spreadsheet row get the same checks and messages.
export const ConcernSchema = z
  .strictObject({
    reportedOn: concernText(30),
    occurredFrom: optionalConcernText(30),
    occurredTo: optionalConcernText(30),
    location: z.union([
      z.strictObject({ lng: z.number(), lat: z.number() }),
      z.strictObject({ easting: z.number(), northing: z.number() }),
      z.strictObject({ gridRef: concernText(30) }),
    ]),
    precision: z.enum(LOCATION_PRECISIONS).optional(),
    placeType: concernText(60),
    category: concernText(60),
    sourceAgency: concernText(32),
    sourceGrade: concernText(2),
    intelligenceGrade: concernText(2),
    handlingCode: concernText(2),
    summary: optionalConcernText(2000),
    externalRef: optionalConcernText(200),
  })
  .meta({ id: 'Concern' });

export const RecordIdParamSchema = z.object({
  id: z.string().regex(/^[1-9][0-9]{0,17}$/, 'a record id'),
});

export const DueRecordSchema = z
  .object({
    id: z.string(),
    batchId: z.string(),
    reportedOn: z.string(),
    reviewOn: z.string(),
    category: z.string(),
    placeType: z.string(),
    precision: z.string(),
    sourceAgency: z.string(),
    summary: z.string().nullable(),
    retainedTimes: z.number().int(),
  })
  .meta({ id: 'DueRecord' });

export const DueBatchSchema = z
  .object({
    id: z.string(),
    fileName: z.string(),
    uploadedAt: z.string(),
    /** Every due record of the batch, not only those in `records` (which is limited). */
    due: z.number().int(),
    firstReviewOn: z.string(),
    lastReviewOn: z.string(),
  })
  .meta({ id: 'DueBatch' });

export type Concern = z.infer<typeof ConcernSchema>;

export const RecordedConcernSchema = z.object({
  id: z.string(),
  batchId: z.string(),
  reviewOn: z.string(),
});

export const ReviewDueSchema = z.object({
  before: z.string(),
  records: z.array(DueRecordSchema),
  batches: z.array(DueBatchSchema),
});

export const RetainedRecordSchema = z.object({ id: z.string(), reviewOn: z.string() });
export const ErasedRecordSchema = z.object({ erased: z.literal(true) });

export const BatchReviewDecidedSchema = z.object({
  decision: z.enum(['retain', 'erase']),
  records: z.number().int(),
  reviewOn: z.string().nullable(),
});

export type RecordedConcern = z.infer<typeof RecordedConcernSchema>;
export type DueRecord = z.infer<typeof DueRecordSchema>;
export type DueBatch = z.infer<typeof DueBatchSchema>;
export type ReviewDue = z.infer<typeof ReviewDueSchema>;
export type BatchReviewDecided = z.infer<typeof BatchReviewDecidedSchema>;
