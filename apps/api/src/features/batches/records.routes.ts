import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  BatchReviewDecidedSchema,
  ConcernSchema,
  ErasedRecordSchema,
  RecordedConcernSchema,
  RecordIdParamSchema,
  RetainedRecordSchema,
  ReviewDueSchema,
} from '@hotspot/contracts';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import {
  BatchReviewDecisionSchema,
  ReasonOnlySchema,
  RetainRecordSchema,
} from '../../http/request-schemas.ts';
import { audit } from '../audit/index.ts';
import { decideDueRecordsOfBatch, eraseRecord, retainRecord } from './batches.commands.ts';
import { PARTNERSHIP_TIME_ZONE } from './ingest-setup.ts';
import { recordConcern } from './records.commands.ts';
import { reviewDue } from './records.queries.ts';

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
      const record = await recordConcern(deps, currentUser(c), c.req.valid('json'));
      await audit(deps, c, {
        category: 'collection',
        action: 'record.create',
        objectType: 'record',
        objectId: record.id,
        query: { batchId: record.batchId },
      });
      return c.json(record, 201);
    })
    .openapi(reviewDueRoute, async (c) => {
      const query = c.req.valid('query');
      const before = query.before ?? todayIn(deps.clock());
      const due = await reviewDue(deps, currentUser(c).partnershipId, before, query.limit);
      await audit(deps, c, {
        category: 'consultation',
        action: 'records.review-due',
        query: { before, limit: query.limit, returned: due.records.length },
      });
      return c.json(due, 200);
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
