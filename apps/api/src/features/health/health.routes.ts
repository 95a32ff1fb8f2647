import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { HealthSchema, ProblemSchema } from '@hotspot/contracts';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { databaseHealth } from './health.queries.ts';

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
      return c.json(await databaseHealth(deps), 200);
    } catch {
      throw new ProblemError(PROBLEM.databaseUnavailable, 'The database cannot be reached.');
    }
  });
}
