import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  BatchReviewDecidedSchema,
  type Concern,
  ConcernSchema,
  ErasedRecordSchema,
  RecordedConcernSchema,
  RecordIdParamSchema,
  RetainedRecordSchema,
  ReviewDueSchema,
} from '@hotspot/contracts';
import { NATIVE_FIELDS, type NativeField } from '@hotspot/ingest';
import { sql } from 'kysely';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  BatchReviewDecisionSchema,
  ReasonOnlySchema,
  RetainRecordSchema,
} from '../../http/request-schemas.ts';
import { audit } from '../audit/index.ts';
import {
  commitBatch,
  decideDueRecordsOfBatch,
  eraseRecord,
  retainRecord,
} from './batches.commands.ts';
import { PARTNERSHIP_TIME_ZONE } from './ingest-setup.ts';
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

const IsoDate = z.iso.date();

const createRecordRoute = createRoute({
  method: 'post',
  path: '/api/records',
  summary: 'Record a single concern (analyst): validated like an uploaded row, committed at once',
  request: { body: { required: true, content: { 'application/json': { schema: ConcernSchema } } } },
  responses: {
    201: {
      description: 'Recorded',
      content: {
        'application/json': {
          schema: RecordedConcernSchema,
        },
      },
    },
    ...problemResponses(400, 401, 403, 409, 422),
  },
});

const reviewDueRoute = createRoute({
  method: 'get',
  path: '/api/records/review-due',
  summary: 'Records whose review date is on or before `before` (default today), oldest first',
  request: {
    query: z.object({
      before: IsoDate.optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
    }),
  },
  responses: {
    200: {
      description: 'Due records',
      content: {
        'application/json': {
          schema: ReviewDueSchema,
        },
      },
    },
    ...problemResponses(401, 403, 422),
  },
});
const retainRoute = createRoute({
  method: 'post',
  path: '/api/records/{id}/retain',
  summary: 'Keep a record past its review date, with a reason and a new review date',
  request: {
    params: RecordIdParamSchema,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: RetainRecordSchema,
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Retained',
      content: {
        'application/json': { schema: RetainedRecordSchema },
      },
    },
    ...problemResponses(400, 401, 403, 404, 422),
  },
});
const eraseRoute = createRoute({
  method: 'delete',
  path: '/api/records/{id}',
  summary: 'Erase a record for real (audited as erasure)',
  request: {
    params: RecordIdParamSchema,
    body: {
      required: true,
      content: { 'application/json': { schema: ReasonOnlySchema } },
    },
  },
  responses: {
    200: {
      description: 'Erased',
      content: { 'application/json': { schema: ErasedRecordSchema } },
    },
    ...problemResponses(400, 401, 403, 404, 422),
  },
});

const BatchIdParamSchema = z.object({ batchId: z.uuid('a batch id') });
const batchDecisionRoute = createRoute({
  method: 'post',
  path: '/api/records/review-due/batches/{batchId}',
  summary:
    'Keep or erase, with one reason, every record of a batch due for review on or before `before` (default today): all of them or none (audited once, as the single decisions are)',
  request: {
    params: BatchIdParamSchema,
    body: {
      required: true,
      content: { 'application/json': { schema: BatchReviewDecisionSchema } },
    },
  },
  responses: {
    200: {
      description: 'Decided for every due record of the batch',
      content: {
        'application/json': {
          schema: BatchReviewDecidedSchema,
        },
      },
    },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

function todayIn(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: PARTNERSHIP_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export function recordRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(createRecordRoute, async (c) => {
      const user = currentUser(c);
      const concern = c.req.valid('json');
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
      await audit(deps, c, {
        category: 'collection',
        action: 'record.create',
        objectType: 'record',
        objectId: String(record.id),
        query: { batchId: staged.id },
      });
      return c.json({ id: String(record.id), batchId: staged.id, reviewOn: record.review_on }, 201);
    })
    .openapi(reviewDueRoute, async (c) => {
      const user = currentUser(c);
      const query = c.req.valid('query');
      const before = query.before ?? todayIn(deps.clock());
      const rows = await deps.db.kysely
        .selectFrom('intelligence_record as r')
        .innerJoin('agency as a', 'a.id', 'r.source_agency_id')
        .select([
          'r.id',
          'r.batch_id',
          'r.reported_on',
          'r.review_on',
          'r.category',
          'r.place_type',
          'r.precision',
          'a.code as agency',
          'r.summary',
          sql<string>`(select count(*) from record_retention x where x.record_id = r.id)`.as(
            'retained',
          ),
        ])
        .where('r.partnership_id', '=', user.partnershipId)
        .where('r.review_on', '<=', before)
        .orderBy('r.review_on')
        .orderBy('r.id')
        .limit(query.limit)
        .execute();
      // Every batch with due records, however many: the page offers one decision per batch.
      const batches = await deps.db.kysely
        .selectFrom('intelligence_record as r')
        .innerJoin('batch as b', 'b.id', 'r.batch_id')
        .select([
          'b.id',
          'b.file_name',
          'b.uploaded_at',
          sql<string>`count(*)`.as('due'),
          sql<string>`min(r.review_on)::text`.as('first'),
          sql<string>`max(r.review_on)::text`.as('last'),
        ])
        .where('r.partnership_id', '=', user.partnershipId)
        .where('r.review_on', '<=', before)
        .groupBy(['b.id', 'b.file_name', 'b.uploaded_at'])
        .orderBy(sql`min(r.review_on)`)
        .orderBy('b.id')
        .execute();
      await audit(deps, c, {
        category: 'consultation',
        action: 'records.review-due',
        query: { before, limit: query.limit, returned: rows.length },
      });
      return c.json(
        {
          before,
          batches: batches.map((b) => ({
            id: b.id,
            fileName: b.file_name,
            uploadedAt: new Date(b.uploaded_at).toISOString(),
            due: Number(b.due),
            firstReviewOn: b.first,
            lastReviewOn: b.last,
          })),
          records: rows.map((r) => ({
            id: String(r.id),
            batchId: r.batch_id,
            reportedOn: r.reported_on,
            reviewOn: r.review_on,
            category: r.category,
            placeType: r.place_type,
            precision: r.precision,
            sourceAgency: r.agency,
            summary: r.summary,
            retainedTimes: Number(r.retained),
          })),
        },
        200,
      );
    })
    .openapi(retainRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const { reason, reviewOn } = c.req.valid('json');
      const today = todayIn(deps.clock());
      await retainRecord(deps, user, id, { reason, reviewOn, today });
      await audit(deps, c, {
        category: 'alteration',
        action: 'record.retain',
        objectType: 'record',
        objectId: id,
        query: { reviewOn },
      });
      return c.json({ id, reviewOn }, 200);
    })
    .openapi(batchDecisionRoute, async (c) => {
      const user = currentUser(c);
      const { batchId } = c.req.valid('param');
      const body = c.req.valid('json');
      const today = todayIn(deps.clock());
      const before = body.before ?? today;
      const records = await decideDueRecordsOfBatch(deps, user, batchId, body, { today, before });
      await audit(deps, c, {
        category: body.decision === 'erase' ? 'erasure' : 'alteration',
        action: body.decision === 'erase' ? 'records.erase-batch' : 'records.retain-batch',
        objectType: 'batch',
        objectId: batchId,
        query:
          body.decision === 'erase'
            ? { before, records, reason: body.reason }
            : { before, records, reviewOn: body.reviewOn },
      });
      return c.json(
        {
          decision: body.decision,
          records,
          reviewOn: body.decision === 'retain' ? body.reviewOn : null,
        },
        200,
      );
    })
    .openapi(eraseRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      await eraseRecord(deps, user, id);
      await audit(deps, c, {
        category: 'erasure',
        action: 'record.erase',
        objectType: 'record',
        objectId: id,
        query: { reason },
      });
      return c.json({ erased: true as const }, 200);
    });
}
