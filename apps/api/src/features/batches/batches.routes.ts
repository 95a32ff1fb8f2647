import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  BatchColumnsSchema,
  BatchCommittedSchema,
  BatchDetailSchema,
  BatchListSchema,
  BatchPreviewSchema,
  BatchWithdrawnSchema,
  UploadProfileSchema,
  UploadResultSchema,
  UuidParamSchema,
} from '@hotspot/contracts';
import { NATIVE_CSV_COLUMNS, NATIVE_CSV_EXAMPLE, NATIVE_CSV_TEMPLATE } from '@hotspot/ingest';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses, serialisedJson } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { ReasonOnlySchema } from '../../http/request-schemas.ts';
import { audit } from '../audit/index.ts';
import { partnershipVocabulary } from '../partnership/index.ts';
import { commitBatch, withdrawBatch } from './batches.commands.ts';
import {
  batchErrorsCsv,
  batchFileName,
  getBatchDetail,
  listBatches,
  PREVIEW_ROWS,
  previewBatch,
} from './batches.queries.ts';
import { stageUpload, toUploadProblem } from './upload.ts';
import { RAW_UPLOAD_TYPES, readUploadRequest } from './upload-body.ts';

const COLUMN_DOCS = NATIVE_CSV_COLUMNS.map(
  (c) =>
    `- \`${c.name}\` (${c.required === 'yes' ? 'required' : c.required === 'location' ? 'location' : 'optional'}; ${c.format}): ${c.description}`,
).join('\n');
const TEMPLATE_DESCRIPTION = `The native CSV template: the header line only, so an unedited template never uploads example data. Each row needs exactly one location: longitude + latitude, OR easting + northing (British National Grid), OR grid_ref (OS grid reference). Comma, semicolon or tab; UTF-8 (with or without BOM) or Windows-1252.\n\n${COLUMN_DOCS}`;

const templateRoute = createRoute({
  method: 'get',
  path: '/api/batches/template.csv',
  summary: 'Download the native CSV template (analyst)',
  description: TEMPLATE_DESCRIPTION,
  responses: {
    200: { description: 'CSV header line', content: { 'text/csv': { schema: z.string() } } },
    ...problemResponses(401, 403),
  },
});
const columnsRoute = createRoute({
  method: 'get',
  path: '/api/batches/columns',
  summary:
    "The native CSV template's documented columns, an example, and the partnership's codes (analyst)",
  responses: {
    200: {
      description: 'Columns in template order',
      content: {
        'application/json': {
          schema: BatchColumnsSchema,
        },
      },
    },
    ...problemResponses(401, 403),
  },
});

const UploadQuerySchema = z.object({
  profile: UploadProfileSchema.optional().openapi({
    description: 'Raw uploads: the profile; detected from the content when absent',
  }),
  fileName: z.string().trim().min(1).max(255).optional().openapi({
    description: 'Raw uploads: the original file name',
  }),
});
const uploadRoute = createRoute({
  method: 'post',
  path: '/api/batches',
  summary: 'Upload and validate a file (analyst); valid rows are staged until commit',
  description: `Streams the file through validation without holding it in memory. Send multipart/form-data with the fields \`profile\` (optional: native-csv, geojson, police-uk) and \`fileName\` (optional) BEFORE the part \`file\`, or send the file itself as the body (${RAW_UPLOAD_TYPES.join(', ')}) with ?profile=&fileName=. Limits: MAX_UPLOAD_BYTES (default 50 MB) and MAX_UPLOAD_ROWS (default 500,000), enforced while reading (413). A file that cannot be read as a whole (empty, header only, binary, wrong profile, missing or unknown columns, truncated) is refused with 422 and nothing is kept; a file with no valid row is kept as a "rejected" batch so its report can be read. The same file as an already committed batch is refused with 409 naming that batch.`,
  request: {
    query: UploadQuerySchema,
    // Plain OpenAPI schemas, not zod: a zod schema here would make the framework parse (and
    // buffer) the whole body before the handler runs; the handler streams it instead.
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: {
              profile: { type: 'string', enum: ['native-csv', 'geojson', 'police-uk'] },
              fileName: { type: 'string' },
              file: { type: 'string', format: 'binary' },
            },
          },
        },
        'text/csv': { schema: { type: 'string' } },
        'application/geo+json': { schema: { type: 'string' } },
        'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
      },
    },
  },
  responses: {
    201: {
      description: 'Validated (or rejected: no valid row)',
      content: { 'application/json': { schema: UploadResultSchema } },
    },
    ...problemResponses(400, 401, 403, 409, 413, 415, 422),
  },
});
const listRoute = createRoute({
  method: 'get',
  path: '/api/batches',
  summary: "The partnership's batches, newest first (analyst)",
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
  responses: {
    200: {
      description: 'Batches',
      content: { 'application/json': { schema: BatchListSchema } },
    },
    ...problemResponses(401, 403, 422),
  },
});
const getRoute = createRoute({
  method: 'get',
  path: '/api/batches/{id}',
  summary: 'One batch with its first 1,000 errors and problem counts (analyst)',
  request: { params: UuidParamSchema },
  responses: {
    200: {
      description: 'The batch',
      content: { 'application/json': { schema: BatchDetailSchema } },
    },
    ...problemResponses(401, 403, 404, 422),
  },
});
const previewRoute = createRoute({
  method: 'get',
  path: '/api/batches/{id}/preview',
  summary: `The first ${PREVIEW_ROWS} valid rows as GeoJSON points, for the map preview (analyst; audited)`,
  request: { params: UuidParamSchema },
  responses: {
    200: {
      description: 'Points with their fields',
      content: { 'application/geo+json': { schema: BatchPreviewSchema } },
    },
    ...problemResponses(401, 403, 404, 422),
  },
});
const errorsRoute = createRoute({
  method: 'get',
  path: '/api/batches/{id}/errors.csv',
  summary:
    'Every row error and skipped row of a batch as CSV (cells neutralised against formula injection)',
  request: { params: UuidParamSchema },
  responses: {
    200: { description: 'CSV in file order', content: { 'text/csv': { schema: z.string() } } },
    ...problemResponses(401, 403, 404, 422),
  },
});
const commitRoute = createRoute({
  method: 'post',
  path: '/api/batches/{id}/commit',
  summary: 'Commit a validated batch: all its valid rows become records in one transaction',
  request: { params: UuidParamSchema },
  responses: {
    200: {
      description: 'Committed',
      content: {
        'application/json': {
          schema: BatchCommittedSchema,
        },
      },
    },
    ...problemResponses(401, 403, 404, 409, 422),
  },
});
const withdrawRoute = createRoute({
  method: 'delete',
  path: '/api/batches/{id}',
  summary: 'Withdraw a batch: its records are deleted; the batch is kept with who, when and why',
  request: {
    params: UuidParamSchema,
    body: {
      required: true,
      content: { 'application/json': { schema: ReasonOnlySchema } },
    },
  },
  responses: {
    200: {
      description: 'Withdrawn',
      content: {
        'application/json': {
          schema: BatchWithdrawnSchema,
        },
      },
    },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

export function batchRoutes(deps: AppDeps) {
  return (
    new OpenAPIHono<AppEnv>()
      // Registered before /api/batches/{id} so the literal paths win.
      .openapi(templateRoute, (c) =>
        c.body(NATIVE_CSV_TEMPLATE, 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="intelligence-template.csv"',
        }),
      )
      .openapi(columnsRoute, async (c) => {
        const user = currentUser(c);
        const { categories, placeTypes, agencies } = await partnershipVocabulary(
          deps.db,
          user.partnershipId,
        );
        return c.json(
          {
            columns: [...NATIVE_CSV_COLUMNS],
            example: NATIVE_CSV_EXAMPLE,
            vocabulary: { categories, placeTypes, agencies },
          },
          200,
        );
      })
      .openapi(uploadRoute, async (c) => {
        const user = currentUser(c);
        const query = c.req.valid('query');
        const { MAX_UPLOAD_BYTES: maxBytes, MAX_UPLOAD_ROWS: maxRows } = deps.env;
        let upload: Awaited<ReturnType<typeof readUploadRequest>> | undefined;
        try {
          upload = await readUploadRequest(c, maxBytes);
          const profile = UploadProfileSchema.optional().safeParse(upload.profile ?? query.profile);
          if (!profile.success) {
            throw new ProblemError(PROBLEM.validation, 'Unknown profile.', {
              errors: [{ pointer: '/profile', detail: 'native-csv, geojson or police-uk' }],
            });
          }
          const fileName = cleanFileName(upload.fileName ?? query.fileName);
          const staged = await stageUpload(deps, {
            partnershipId: user.partnershipId,
            userId: user.id,
            fileName,
            profile: profile.data,
            body: upload.file,
            expectedBytes: upload.expectedBytes,
            maxBytes,
            maxRows,
          });
          await audit(deps, c, {
            category: 'collection',
            action: 'batch.upload',
            objectType: 'batch',
            objectId: staged.id,
            query: { profile: staged.profile, status: staged.status, rows: staged.rows },
          });
          const detail = await getBatchDetail(deps, user.partnershipId, staged.id);
          return c.json({ ...detail, warnings: [...staged.warnings] }, 201);
        } catch (error) {
          throw toUploadProblem(error);
        } finally {
          upload?.dispose();
        }
      })
      .openapi(listRoute, async (c) => {
        const user = currentUser(c);
        const { limit } = c.req.valid('query');
        const batches = await listBatches(deps.db, user.partnershipId, limit);
        await audit(deps, c, {
          category: 'consultation',
          action: 'batch.list',
          query: { limit, results: batches.length },
        });
        return c.json({ batches }, 200);
      })
      .openapi(getRoute, async (c) => {
        const user = currentUser(c);
        const { id } = c.req.valid('param');
        const detail = await getBatchDetail(deps, user.partnershipId, id);
        await audit(deps, c, {
          category: 'consultation',
          action: 'batch.read',
          objectType: 'batch',
          objectId: id,
        });
        return c.json(detail, 200);
      })
      .openapi(previewRoute, async (c) => {
        const user = currentUser(c);
        const { id } = c.req.valid('param');
        const collection = await previewBatch(deps.db, user.partnershipId, id);
        await audit(deps, c, {
          category: 'consultation',
          action: 'batch.preview',
          objectType: 'batch',
          objectId: id,
          query: { rows: PREVIEW_ROWS },
        });
        return serialisedJson(c, collection, 200, { 'content-type': 'application/geo+json' });
      })
      .openapi(errorsRoute, async (c) => {
        const user = currentUser(c);
        const { id } = c.req.valid('param');
        const fileName = await batchFileName(deps.db, user.partnershipId, id);
        // Audited before the first byte: the report names rows and columns of the file.
        await audit(deps, c, {
          category: 'consultation',
          action: 'batch.errors.export',
          objectType: 'batch',
          objectId: id,
        });
        const base = fileName.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
        return c.body(batchErrorsCsv(deps.db, id), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="errors-${base.slice(0, 80) || 'batch'}.csv"`,
        });
      })
      .openapi(commitRoute, async (c) => {
        const user = currentUser(c);
        const { id } = c.req.valid('param');
        const result = await commitBatch(deps, user.partnershipId, user.id, id);
        await audit(deps, c, {
          category: 'collection',
          action: 'batch.commit',
          objectType: 'batch',
          objectId: id,
          query: { recordsAdded: result.recordsAdded },
        });
        return c.json({ status: 'committed' as const, ...result }, 200);
      })
      .openapi(withdrawRoute, async (c) => {
        const user = currentUser(c);
        const { id } = c.req.valid('param');
        const { reason } = c.req.valid('json');
        const result = await withdrawBatch(deps, user.partnershipId, user.id, id, reason);
        await audit(deps, c, {
          category: 'erasure',
          action: 'batch.withdraw',
          objectType: 'batch',
          objectId: id,
          query: { recordsRemoved: result.recordsRemoved, previousStatus: result.previousStatus },
        });
        return c.json({ status: 'withdrawn' as const, recordsRemoved: result.recordsRemoved }, 200);
      })
  );
}

/** A file name fit to show and store: no path, no control characters, at most 255 characters. */
function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .slice(0, 255);
  return clean || 'upload';
}
