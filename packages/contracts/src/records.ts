import { z } from 'zod';
import { LOCATION_PRECISIONS } from './domain.ts';
import type { NoteCheck } from './wire.ts';

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

/**
 * The request bodies of retention review and withdrawal, with the server's check that a reason
 * carries no personal data (a reason is kept with the batch or audited): the API passes it, the
 * web uses the types only (see NoteCheck).
 */
export function recordRequestSchemas(reasonCheck: NoteCheck) {
  const ReasonSchema = reasonCheck(
    z.string().trim().min(3, 'Give a reason of at least 3 characters.').max(500),
  );
  const IsoDate = z.iso.date();
  const RetainRecordSchema = z.strictObject({ reason: ReasonSchema, reviewOn: IsoDate });
  const ReasonOnlySchema = z.strictObject({ reason: ReasonSchema });
  const BatchReviewDecisionSchema = z
    .discriminatedUnion('decision', [
      z.strictObject({
        decision: z.literal('retain'),
        reason: ReasonSchema,
        reviewOn: IsoDate,
        before: IsoDate.optional(),
      }),
      z.strictObject({
        decision: z.literal('erase'),
        reason: ReasonSchema,
        before: IsoDate.optional(),
      }),
    ])
    .meta({ id: 'BatchReviewDecision' });
  return { ReasonSchema, RetainRecordSchema, ReasonOnlySchema, BatchReviewDecisionSchema };
}

type RecordRequests = ReturnType<typeof recordRequestSchemas>;
export type RetainRecordInput = z.input<RecordRequests['RetainRecordSchema']>;
/** The body of erasing a record and of withdrawing a batch: the reason alone. */
export type ReasonOnlyInput = z.input<RecordRequests['ReasonOnlySchema']>;
export type BatchReviewDecisionInput = z.input<RecordRequests['BatchReviewDecisionSchema']>;
