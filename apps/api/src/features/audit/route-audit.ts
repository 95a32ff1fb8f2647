import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { matchedEndpoint, policyKey } from '../../http/access-policy.ts';
import { audit } from './audit.ts';

/**
 * Routes that write no audit event, each with the reason. Every other route is audited: by its
 * handler (which names what was read or changed), or else by the safety net below. The test
 * `route-audit.test.ts` checks this list against the OpenAPI document, so a new route is
 * audited unless someone writes down here why not.
 */
export const NOT_AUDITED: Readonly<Record<string, string>> = {
  'GET /api/health': 'liveness probe polled by the proxy and monitoring; no data',
  'GET /api/openapi.json': 'the public description of the API; no data',
  'GET /api/auth/me': "the caller's own account, read by every page; sign-in is audited",
  'GET /api/partnership':
    "the partnership's name, extent and flags to draw the map; no intelligence",
  'GET /api/boundaries': 'published ward and district boundaries; no intelligence',
  'GET /api/taxonomy': 'category and place-type labels; no intelligence',
  'GET /api/batches/template.csv': 'an empty CSV template; no data',
  'GET /api/batches/columns': 'the column list of the template; no data',
  // Not in the OpenAPI document (served outside the API), listed so the decision is visible.
  'GET /assets/*': "the web app's static files; no data",
  'GET /*': "the web app's pages; every API call they make is audited",
};

/**
 * The safety net: a successful request on a route that is not on NOT_AUDITED and whose handler
 * wrote no event of its own is audited as a generic read or call of the route, so no route can
 * be consulted silently because its handler forgot.
 */
export function auditSafetyNet(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.get('audited') || c.res.status >= 400) return;
    const endpoint = matchedEndpoint(c);
    if (!endpoint) return;
    const key = policyKey(endpoint.method, endpoint.path);
    if (key in NOT_AUDITED) return;
    const read = c.req.method === 'GET' || c.req.method === 'HEAD';
    await audit(deps, c, {
      category: read ? 'consultation' : 'alteration',
      action: read ? 'route.read' : 'route.call',
      objectType: 'route',
      objectId: key,
    });
  };
}
