import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { partnershipAdminRoutes } from './partnership-admin.routes.ts';
import { adminUserRoutes } from './users.routes.ts';

/** /api/admin/*: users, agencies, settings, taxonomy. Admin-only by ROUTE_POLICY. */
export function adminRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .route('/', adminUserRoutes(deps))
    .route('/', partnershipAdminRoutes(deps));
}
