import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  AuditFilterSchema,
  AuditListQuerySchema,
  AuditPageSchema,
  AuditVerificationSchema,
} from '@hotspot/contracts';
import type { Database } from '@hotspot/db';
import type { SelectQueryBuilder } from 'kysely';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { audit, verifyAuditChain } from './audit.ts';
import { checkpointDir, readCheckpoint } from './checkpoint.ts';
import { csvLine } from './csv.ts';

const listRoute = createRoute({
  method: 'get',
  path: '/api/audit',
  summary: 'Audit events, newest first (admin)',
  request: { query: AuditListQuerySchema },
  responses: {
    200: {
      description: 'A page of events',
      content: { 'application/json': { schema: AuditPageSchema } },
    },
    ...problemResponses(401, 403, 422),
  },
});

const verifyRoute = createRoute({
  method: 'get',
  path: '/api/audit/verify',
  summary:
    'Recompute the keyed chain and compare its head with the checkpoint kept outside the database; names the first missing or broken event',
  responses: {
    200: {
      description: 'Chain status',
      content: { 'application/json': { schema: AuditVerificationSchema } },
    },
    ...problemResponses(401, 403),
  },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/api/audit/export.csv',
  summary: 'Audit events as CSV (cells neutralised against formula injection)',
  request: { query: AuditFilterSchema },
  responses: {
    200: { description: 'CSV, oldest first', content: { 'text/csv': { schema: z.string() } } },
    ...problemResponses(401, 403, 422),
  },
});

const EXPORT_MAX_ROWS = 200_000;

type AuditFilter = z.infer<typeof AuditFilterSchema>;

function filtered(
  deps: AppDeps,
  partnershipId: string,
  filter: AuditFilter,
): SelectQueryBuilder<Database, 'audit_event', object> {
  let query = deps.db.kysely
    .selectFrom('audit_event')
    // Events before sign-in (unknown emails) belong to no partnership; every admin sees them.
    .where((eb) =>
      eb.or([eb('partnership_id', '=', partnershipId), eb('partnership_id', 'is', null)]),
    );
  if (filter.category) query = query.where('category', '=', filter.category);
  if (filter.actor) query = query.where('actor_user_id', '=', filter.actor);
  if (filter.from) query = query.where('occurred_at', '>=', new Date(filter.from));
  if (filter.to) query = query.where('occurred_at', '<', new Date(filter.to));
  return query;
}

function filtersOnly(filter: AuditFilter): Record<string, string> {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

const CSV_COLUMNS = [
  'id',
  'occurred_at',
  'partnership_id',
  'actor_user_id',
  'actor_role',
  'actor_agency',
  'category',
  'action',
  'object_type',
  'object_id',
  'query',
  'outcome',
  'address',
  'request_id',
  'key_id',
  'prev_hash',
  'hash',
] as const;

export function auditRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(listRoute, async (c) => {
      const user = currentUser(c);
      const { cursor, limit, ...filter } = c.req.valid('query');
      let query = filtered(deps, user.partnershipId, filter)
        .selectAll()
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (cursor) query = query.where('id', '<', cursor);
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      await audit(deps, c, {
        category: 'admin',
        action: 'audit.read',
        query: { ...filtersOnly(filter), ...(cursor ? { cursor } : {}) },
      });
      return c.json(
        {
          events: page.map((r) => ({
            id: String(r.id),
            occurredAt: new Date(r.occurred_at).toISOString(),
            partnershipId: r.partnership_id,
            actorUserId: r.actor_user_id,
            actorRole: r.actor_role,
            actorAgency: r.actor_agency,
            category: r.category,
            action: r.action,
            objectType: r.object_type,
            objectId: r.object_id,
            query: r.query ?? null,
            outcome: r.outcome,
            address: r.address,
            requestId: r.request_id,
            keyId: r.key_id,
            hash: r.hash,
          })),
          nextCursor: rows.length > limit ? String(page.at(-1)?.id) : null,
        },
        200,
      );
    })
    .openapi(verifyRoute, async (c) => {
      const result = await verifyAuditChain(
        deps.db.kysely,
        deps.auditKeys,
        readCheckpoint(checkpointDir(deps.env)),
      );
      await audit(deps, c, {
        category: 'admin',
        action: 'audit.verify',
        outcome: result.ok ? 'ok' : `${result.problem}-at-${result.brokenAt}`,
      });
      return c.json(result, 200);
    })
    .openapi(exportRoute, async (c) => {
      const user = currentUser(c);
      const filter = c.req.valid('query');
      const rows = await filtered(deps, user.partnershipId, filter)
        .select(CSV_COLUMNS)
        .orderBy('id', 'asc')
        .limit(EXPORT_MAX_ROWS)
        .execute();
      await audit(deps, c, {
        category: 'disclosure',
        action: 'audit.export',
        query: filtersOnly(filter),
      });
      const lines = [
        csvLine(CSV_COLUMNS),
        ...rows.map((r) => csvLine(CSV_COLUMNS.map((k) => r[k]))),
      ];
      const stamp = deps.clock().toISOString().slice(0, 10);
      return c.body(lines.join(''), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="audit-${stamp}.csv"`,
      });
    });
}
