import { createHash } from 'node:crypto';
import type { IngestCounts, RowError, UploadProfile } from '@hotspot/contracts';
import { IngestFileError, IngestLimitError, ingest } from '@hotspot/ingest';
import { sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { loadIngestSetup, PARTNERSHIP_TIME_ZONE } from './ingest-setup.ts';
import {
  type StagedProblem,
  type StagedRow,
  type StagingTransaction,
  withStagingTransaction,
} from './staging.ts';

/** The problem code of a row located outside the partnership area. */
export const OUTSIDE_AREA = 'outside-area';

/** The upload response lists this many row errors; errors.csv has them all. */
export const FIRST_ERRORS_LIMIT = 1000;
// Rows (and problems) are written in chunks of this size: memory stays flat, and each chunk is
// one COPY or one INSERT statement.
const WRITE_CHUNK_ROWS = 5000;

export interface UploadInput {
  readonly partnershipId: string;
  readonly userId: string;
  readonly fileName: string;
  /** The profile the analyst chose; detected when undefined. */
  readonly profile: UploadProfile | undefined;
  /** 'single' marks the one-concern form, which is a native CSV of one row. */
  readonly storedProfile?: 'single';
  readonly body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** The declared length of a raw body: fewer bytes means the upload was cut off. */
  readonly expectedBytes?: number;
  readonly maxBytes: number;
  readonly maxRows: number;
}

export interface StagedBatch {
  readonly id: string;
  readonly status: 'validated' | 'rejected';
  readonly profile: UploadProfile | 'single';
  readonly rows: IngestCounts;
  readonly errors: readonly RowError[];
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly warnings: readonly string[];
}

/** The request body stopped before its end (client gone, connection reset, form cut short). */
export class UploadInterruptedError extends Error {
  override readonly name = 'UploadInterruptedError';
}

/**
 * Streams an upload through ingest into staging, in ONE transaction: the batch row, its valid
 * rows (batch_row) and all its problems (batch_error). A file error (which may only show at the
 * end, e.g. a truncated file), a cut-off body, a limit or a file already committed throws a
 * ProblemError and rolls everything back, so nothing is half-written.
 * A readable file with no valid row is kept as a 'rejected' batch, so its error report can be read.
 */
export async function stageUpload(
  deps: Pick<AppDeps, 'db' | 'clock' | 'newId'>,
  input: UploadInput,
): Promise<StagedBatch> {
  const setup = await loadIngestSetup(deps.db, input.partnershipId);
  if (input.profile === 'police-uk' && !setup.policeUk) throw noPoliceUkDefaults();
  const hash = createHash('sha256');
  let bytes = 0;
  const source = (async function* () {
    try {
      for await (const chunk of input.body) {
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    } catch {
      throw new UploadInterruptedError('the request body ended with an error');
    }
    if (input.expectedBytes !== undefined && bytes < input.expectedBytes) {
      throw new UploadInterruptedError('the request body is shorter than its content-length');
    }
  })();

  const batchId = deps.newId();
  const now = deps.clock();
  const kysely = deps.db.kysely;
  try {
    return await withStagingTransaction(deps.db, async (tx) => {
      await tx.execute(
        kysely.insertInto('batch').values({
          id: batchId,
          partnership_id: input.partnershipId,
          uploaded_by: input.userId,
          uploaded_at: now,
          file_name: input.fileName,
          // Placeholders until the whole body has been read and hashed (end of this function).
          sha256: '0'.repeat(64),
          profile: input.storedProfile ?? input.profile ?? 'native-csv',
          size_bytes: 0,
          rows_total: 0,
          rows_valid: 0,
          rows_invalid: 0,
          rows_skipped: 0,
          status: 'validated',
        }),
      );
      const sink = new StagingSink(tx, batchId);
      let detected: UploadProfile = input.profile ?? 'native-csv';
      let warnings: readonly string[] = [];
      const counts = { total: 0, valid: 0, invalid: 0, skipped: 0, outside: 0 };
      const firstErrors: RowError[] = [];
      const events = ingest(source, {
        now,
        timeZone: PARTNERSHIP_TIME_ZONE,
        taxonomy: setup.taxonomy,
        area: setup.area,
        maxBytes: input.maxBytes,
        maxRows: input.maxRows,
        ...(input.profile ? { profile: input.profile } : {}),
        ...(setup.policeUk ? { policeUk: setup.policeUk } : {}),
      });
      for await (const event of events) {
        switch (event.kind) {
          case 'file':
            detected = event.info.profile;
            warnings = event.info.warnings;
            break;
          case 'record': {
            counts.valid++;
            const { record } = event;
            await sink.addRow({
              rowNo: record.row,
              reportedOn: record.reportedOn,
              occurredFrom: record.occurredFrom,
              occurredTo: record.occurredTo,
              lng: record.lng,
              lat: record.lat,
              precision: record.precision,
              placeType: record.placeType,
              category: record.category,
              // ingest accepted the code against this very list, so the id exists.
              sourceAgencyId: setup.agencyIds.get(record.sourceAgency) as string,
              sourceGrade: record.sourceGrade,
              intelligenceGrade: record.intelligenceGrade,
              handlingCode: record.handlingCode,
              summary: record.summary,
              externalRef: record.externalRef,
              fingerprint: record.fingerprint,
            });
            break;
          }
          case 'invalid':
            counts.invalid++;
            if (event.errors.every((e) => e.code === OUTSIDE_AREA)) counts.outside++;
            for (const error of event.errors) {
              // Where the row is, when it could be read: the preview lists problems by place.
              if (firstErrors.length < FIRST_ERRORS_LIMIT) {
                firstErrors.push({
                  ...error,
                  ...(event.at ? { at: event.at } : {}),
                  ...(event.place ? { place: event.place } : {}),
                });
              }
              await sink.addProblem(error.row, error.column, error.code, error.message, false);
            }
            break;
          case 'skipped':
            counts.skipped++;
            await sink.addProblem(event.row, null, event.reason, event.message, true);
            break;
        }
      }
      await sink.flush();
      counts.total = counts.valid + counts.invalid + counts.skipped;
      const sha256 = hash.digest('hex');

      const [committed] = await tx.execute(
        kysely
          .selectFrom('batch')
          .select(['id', 'file_name', 'committed_at'])
          .where('partnership_id', '=', input.partnershipId)
          .where('sha256', '=', sha256)
          .where('status', '=', 'committed'),
      );
      if (committed) throw alreadyCommitted(committed);

      const status = counts.valid > 0 ? 'validated' : 'rejected';
      const profile = input.storedProfile ?? detected;
      await tx.execute(
        kysely
          .updateTable('batch')
          .set({
            sha256,
            profile,
            size_bytes: bytes,
            rows_total: counts.total,
            rows_valid: counts.valid,
            rows_invalid: counts.invalid,
            rows_skipped: counts.skipped,
            rows_outside: counts.outside,
            status,
            // Sent as text and cast by the server (postgres.js would encode a jsonb string twice).
            errors: sql<string>`cast(${JSON.stringify(firstErrors)}::text as jsonb)`,
          })
          .where('id', '=', batchId),
      );
      return {
        id: batchId,
        status,
        profile,
        rows: counts,
        errors: firstErrors,
        sha256,
        sizeBytes: bytes,
        warnings,
      } satisfies StagedBatch;
    });
  } catch (error) {
    throw toUploadProblem(error);
  }
}

/** Buffers rows and problems and writes them a chunk at a time, in file order. */
class StagingSink {
  private rows: StagedRow[] = [];
  private problems: StagedProblem[] = [];
  private seq = 0;

  constructor(
    private readonly tx: StagingTransaction,
    private readonly batchId: string,
  ) {}

  async addRow(row: StagedRow): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= WRITE_CHUNK_ROWS) await this.flushRows();
  }

  async addProblem(
    rowNo: number,
    column: string | null,
    code: string,
    message: string,
    skipped: boolean,
  ): Promise<void> {
    this.problems.push({ seq: ++this.seq, rowNo, column, code, message, skipped });
    if (this.problems.length >= WRITE_CHUNK_ROWS) await this.flushProblems();
  }

  async flush(): Promise<void> {
    await this.flushRows();
    await this.flushProblems();
  }

  private async flushRows(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    await this.tx.writeRows(this.batchId, rows);
  }

  private async flushProblems(): Promise<void> {
    const problems = this.problems;
    this.problems = [];
    await this.tx.writeProblems(this.batchId, problems);
  }
}

export function alreadyCommitted(batch: {
  id: string;
  file_name: string;
  committed_at: Date | null;
}): ProblemError {
  const when = batch.committed_at ? new Date(batch.committed_at).toISOString() : null;
  return new ProblemError(
    PROBLEM.conflict,
    `This file was already committed as batch "${batch.file_name}"${when ? ` on ${when.slice(0, 10)}` : ''}. Withdraw that batch first to load it again.`,
    {
      reason: 'already-committed',
      batch: { id: batch.id, fileName: batch.file_name, committedAt: when },
    },
  );
}

function noPoliceUkDefaults(): ProblemError {
  return new ProblemError(
    PROBLEM.validation,
    "police.uk files need a police agency and a place type 'street' or 'other' in the partnership's taxonomy; ask an administrator to add them.",
    { errors: [{ pointer: '/profile', detail: 'police.uk files cannot be read yet.' }] },
  );
}

// Header problems point at the header line; the rest at the file as a whole.
const HEADER_FILE_ERRORS = new Set([
  'header-only',
  'unknown-format',
  'wrong-profile',
  'missing-columns',
  'unknown-columns',
  'duplicate-columns',
]);

/** Turns what can go wrong while reading an upload into the problem the client gets. */
export function toUploadProblem(error: unknown): unknown {
  if (error instanceof ProblemError) return error;
  if (error instanceof IngestLimitError) {
    return new ProblemError(PROBLEM.tooLarge, error.message, {
      limit: { kind: error.kind, value: error.limit },
    });
  }
  if (error instanceof IngestFileError) {
    return new ProblemError(PROBLEM.validation, error.message, {
      errors: [
        {
          pointer: HEADER_FILE_ERRORS.has(error.code) ? '/file/header' : '/file',
          detail: error.message,
        },
      ],
      fileErrors: [{ code: error.code, message: error.message }],
    });
  }
  if (error instanceof UploadInterruptedError) {
    return new ProblemError(
      PROBLEM.badRequest,
      'The upload was cut off before the end of the file; nothing was kept. Please try again.',
      { reason: 'upload-interrupted' },
    );
  }
  // ingest refuses a police.uk file when no defaults were given (the profile was detected).
  if (error instanceof TypeError && /policeUk/.test(error.message)) return noPoliceUkDefaults();
  return error;
}
