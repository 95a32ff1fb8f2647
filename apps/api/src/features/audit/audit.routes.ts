import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  AuditFilterSchema,
  AuditListQuerySchema,
  AuditPageSchema,
  AuditVerificationSchema,
} from '@hotspot/contracts';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { auditCsv, auditPage, filtersOnly, verifyAudit } from './audit.queries.ts';
import { audit } from './audit.ts';

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

export function auditRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(listRoute, async (c) => {
      const { cursor, limit, ...filter } = c.req.valid('query');
      const page = await auditPage(deps, currentUser(c).partnershipId, filter, cursor, limit);
      await audit(deps, c, {
        category: 'admin',
        action: 'audit.read',
        query: { ...filtersOnly(filter), ...(cursor ? { cursor } : {}) },
      });
      return c.json(page, 200);
    })
    .openapi(verifyRoute, async (c) => {
      const result = await verifyAudit(deps);
      await audit(deps, c, {
        category: 'admin',
        action: 'audit.verify',
        outcome: result.ok ? 'ok' : `${result.problem}-at-${result.brokenAt}`,
      });
      return c.json(result, 200);
    })
    .openapi(exportRoute, async (c) => {
      const filter = c.req.valid('query');
      const csv = await auditCsv(deps, currentUser(c).partnershipId, filter);
      await audit(deps, c, {
        category: 'disclosure',
        action: 'audit.export',
        query: filtersOnly(filter),
      });
      const stamp = deps.clock().toISOString().slice(0, 10);
      return c.body(csv, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="audit-${stamp}.csv"`,
      });
    });
}
