import { z } from 'zod';
import {
  HandlingCodeSchema,
  IntelligenceGradeSchema,
  LocationPrecisionSchema,
  SourceGradeSchema,
  TaxonomyCodeSchema,
  UploadProfileSchema,
} from './domain.ts';

const IsoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
/** A date, or a local (partnership time zone) date-time without offset: YYYY-MM-DD[THH:MM:SS]. */
const IsoLocalDateTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2})?$/, 'YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS');

/**
 * One valid upload row, ready to insert as an intelligence record (DESIGN.md section 4).
 * `row` is the spreadsheet row (header = row 1, first data row = 2); for GeoJSON it is the
 * 1-based feature index. `fingerprint` is the sha256 (hex) of the normalised content without the
 * row number: two rows with the same fingerprint are the same record.
 */
export const IngestRecordSchema = z.object({
  row: z.number().int().positive(),
  reportedOn: IsoDateSchema,
  occurredFrom: IsoLocalDateTimeSchema.nullable(),
  occurredTo: IsoLocalDateTimeSchema.nullable(),
  lng: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  precision: LocationPrecisionSchema,
  placeType: TaxonomyCodeSchema,
  category: TaxonomyCodeSchema,
  sourceAgency: z.string().min(1).max(32),
  sourceGrade: SourceGradeSchema,
  intelligenceGrade: IntelligenceGradeSchema,
  handlingCode: HandlingCodeSchema,
  summary: z.string().max(500).nullable(),
  externalRef: z.string().max(100).nullable(),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
});
export type IngestRecord = z.infer<typeof IngestRecordSchema>;

/** Stable machine codes of row-level problems. Messages never quote the cell's content. */
export const ROW_ERROR_CODES = [
  'required',
  'invalid-date',
  'future-date',
  'date-before-2000',
  'date-order',
  'invalid-number',
  'invalid-coordinate',
  'no-location',
  'multiple-locations',
  'lat-lng-swapped',
  'easting-northing-swapped',
  'outside-area',
  'invalid-grid-reference',
  'invalid-precision',
  'unknown-category',
  'unknown-place-type',
  'unknown-agency',
  'invalid-grading',
  'invalid-reference',
  'personal-data',
  'formula-injection',
  'too-long',
  'too-many-fields',
  'duplicate-row',
  'invalid-feature',
] as const;
export const RowErrorCodeSchema = z.enum(ROW_ERROR_CODES);
export type RowErrorCode = z.infer<typeof RowErrorCodeSchema>;

/** Where a row with problems is, as far as it could be read: for the analyst to find it. */
export const RowWhereSchema = z.object({
  /** The row's coordinates (WGS84), when they parse and are in range (inside the area or not). */
  at: z.object({ lng: z.number(), lat: z.number() }).optional(),
  /** The row's own place description (police.uk "location", e.g. "On or near Mill Street"). */
  place: z.string().max(100).optional(),
});
export type RowWhere = z.infer<typeof RowWhereSchema>;

/**
 * `column` is the header name as written in the file (GeoJSON: the property, or "geometry").
 * `at` / `place` are added by the upload to the errors it keeps for the preview (see RowWhere).
 */
export const RowErrorSchema = z
  .object({
    row: z.number().int().positive(),
    column: z.string().nullable(),
    code: RowErrorCodeSchema,
    message: z.string(),
  })
  .extend(RowWhereSchema.shape);
export type RowError = z.infer<typeof RowErrorSchema>;

/** Why a row was left out without being an error (police.uk rows police.uk publishes unlocated). */
export const SKIP_REASONS = ['no-location', 'excluded-crime-type'] as const;
export const SkipReasonSchema = z.enum(SKIP_REASONS);
export type SkipReason = z.infer<typeof SkipReasonSchema>;

/** Whole-file problems: the file is rejected before or while reading rows. */
export const FILE_ERROR_CODES = [
  'empty-file',
  'header-only',
  'binary-file',
  'invalid-encoding',
  'unknown-format',
  'wrong-profile',
  'missing-columns',
  'unknown-columns',
  'duplicate-columns',
  'truncated',
  'malformed-csv',
  'invalid-json',
  'not-a-feature-collection',
  'unsupported-crs',
] as const;
export const FileErrorCodeSchema = z.enum(FILE_ERROR_CODES);
export type FileErrorCode = z.infer<typeof FileErrorCodeSchema>;

export const FileErrorSchema = z.object({
  code: FileErrorCodeSchema,
  message: z.string(),
});
export type FileError = z.infer<typeof FileErrorSchema>;

/** What was detected about a file; the UI shows it next to the preview. */
export const IngestFileInfoSchema = z.object({
  profile: UploadProfileSchema,
  encoding: z.enum(['utf-8', 'windows-1252', 'utf-16le']).nullable(),
  delimiter: z.enum([',', ';', '\t']).nullable(),
  columns: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type IngestFileInfo = z.infer<typeof IngestFileInfoSchema>;

/** Counts shown after validation (issue 4: rows {total, valid, invalid, skipped}). */
export const IngestCountsSchema = z.object({
  total: z.number().int().nonnegative(),
  valid: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
});
export type IngestCounts = z.infer<typeof IngestCountsSchema>;
