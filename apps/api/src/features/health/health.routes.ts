import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { HealthSchema, ProblemSchema } from '@hotspot/contracts';
import { postgisVersion } from '@hotspot/db';
import { sql } from 'kysely';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';

const route = createRoute({
  method: 'get',
  path: '/api/health',
  summary: 'Liveness and database reachability',
  responses: {
    200: {
      description: 'The API and its database answer',
      content: { 'application/json': { schema: HealthSchema } },
    },
    503: {
      description: 'The database cannot be reached',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export function healthRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
    try {
      await sql`select 1`.execute(deps.db.kysely);
      const postgis = await postgisVersion(deps.db);
      return c.json({ status: 'ok' as const, database: deps.db.kind, postgis }, 200);
    } catch {
      throw new ProblemError(PROBLEM.databaseUnavailable, 'The database cannot be reached.');
    }
  });
}
