import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../deps.ts';
import { PROBLEM, problemResponse } from './problem.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses state-changing requests that a browser did not send from our own origin. SameSite
 * cookies already stop most cross-site requests; this also covers same-site subdomains and
 * old browsers. Browsers always send Origin on cross-origin POSTs, and Sec-Fetch-Site on all
 * modern ones; a request carrying neither did not come from a browser page (curl, the CLI)
 * and is refused too, so a session cookie can never be ridden without one of them.
 */
export function csrfProtection(deps: Pick<AppDeps, 'env'>): MiddlewareHandler<AppEnv> {
  const publicOrigin = deps.env.PUBLIC_ORIGIN ? new URL(deps.env.PUBLIC_ORIGIN).origin : undefined;
  return async (c, next) => {
    if (!STATE_CHANGING.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    const ownOrigin = new URL(c.req.url).origin;
    const allowed =
      origin !== undefined
        ? origin === ownOrigin || origin === publicOrigin
        : c.req.header('sec-fetch-site') === 'same-origin';
    if (!allowed) {
      return problemResponse(
        c,
        PROBLEM.csrf,
        'State-changing requests must come from this application’s own pages.',
      );
    }
    return next();
  };
}
