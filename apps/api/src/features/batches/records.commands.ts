import type { Concern } from '@hotspot/contracts';
import { NATIVE_FIELDS, type NativeField } from '@hotspot/ingest';
import type { AppDeps, SessionUser } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { commitBatch } from './batches.commands.ts';
import { stageUpload } from './upload.ts';

/** Where a native column's problem points in the JSON body. */
const POINTER_OF: Readonly<Record<NativeField, string>> = {
  reported_on: '/body/reportedOn',
  occurred_from: '/body/occurredFrom',
  occurred_to: '/body/occurredTo',
  longitude: '/body/location',
  latitude: '/body/location',
  easting: '/body/location',
  northing: '/body/location',
  grid_ref: '/body/location',
  location_precision: '/body/precision',
  place_type: '/body/placeType',
  category: '/body/category',
  source_agency: '/body/sourceAgency',
  source_grade: '/body/sourceGrade',
  intelligence_grade: '/body/intelligenceGrade',
  handling_code: '/body/handlingCode',
  summary: '/body/summary',
  external_ref: '/body/externalRef',
};

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The concern as a one-row native CSV, so it is read by exactly the upload's validation. */
export function concernAsNativeCsv(concern: Concern): string {
  const loc = concern.location;
  const cells: Record<NativeField, string> = {
    reported_on: concern.reportedOn,
    occurred_from: concern.occurredFrom ?? '',
    occurred_to: concern.occurredTo ?? '',
    longitude: 'lng' in loc ? String(loc.lng) : '',
    latitude: 'lat' in loc ? String(loc.lat) : '',
    easting: 'easting' in loc ? String(loc.easting) : '',
    northing: 'northing' in loc ? String(loc.northing) : '',
    grid_ref: 'gridRef' in loc ? loc.gridRef : '',
    location_precision: concern.precision ?? '',
    place_type: concern.placeType,
    category: concern.category,
    source_agency: concern.sourceAgency,
    source_grade: concern.sourceGrade,
    intelligence_grade: concern.intelligenceGrade,
    handling_code: concern.handlingCode,
    summary: concern.summary ?? '',
    external_ref: concern.externalRef ?? '',
  };
  return `${NATIVE_FIELDS.join(',')}\r\n${NATIVE_FIELDS.map((f) => csvField(cells[f])).join(',')}\r\n`;
}

/**
 * Records one concern: stages it as a one-row upload (so it is validated exactly as an uploaded
 * row is) and commits it at once. An invalid concern or a failed commit leaves no batch behind.
 */
export async function recordConcern(deps: AppDeps, user: SessionUser, concern: Concern) {
  const csv = new TextEncoder().encode(concernAsNativeCsv(concern));
  const staged = await stageUpload(deps, {
    partnershipId: user.partnershipId,
    userId: user.id,
    fileName: 'Single concern',
    profile: 'native-csv',
    storedProfile: 'single',
    body: [csv],
    maxBytes: deps.env.MAX_UPLOAD_BYTES,
    maxRows: 1,
  });
  if (staged.status !== 'validated') {
    // Nothing to keep: the form shows the errors and the analyst corrects them.
    await deps.db.kysely.deleteFrom('batch').where('id', '=', staged.id).execute();
    throw new ProblemError(PROBLEM.validation, 'The concern is not valid.', {
      errors: staged.errors.map((e) => ({
        pointer: e.column ? (POINTER_OF[e.column as NativeField] ?? '/body') : '/body',
        detail: e.message,
      })),
      rowErrors: staged.errors.map((e) => ({ column: e.column, code: e.code })),
    });
  }
  try {
    await commitBatch(deps, user.partnershipId, user.id, staged.id);
  } catch (error) {
    await deps.db.kysely.deleteFrom('batch').where('id', '=', staged.id).execute();
    throw error;
  }
  const record = await deps.db.kysely
    .selectFrom('intelligence_record')
    .select(['id', 'review_on'])
    .where('batch_id', '=', staged.id)
    .executeTakeFirstOrThrow();
  return { id: String(record.id), batchId: staged.id, reviewOn: record.review_on };
}
