import type { AppDeps } from '../../deps.ts';
import type { SessionAccess } from '../../http/access-policy.ts';
import { audit } from '../audit/index.ts';
import { clearSessionCookieHeader, loadSession } from './sessions.ts';

/** Sessions and refusal auditing for the access-policy middleware (mounted in app.ts). */
export function sessionAccess(deps: AppDeps): SessionAccess {
  return {
    loadSession: (c) => loadSession(deps, c),
    clearSessionCookie: (c) => clearSessionCookieHeader(c, deps),
    auditRefusal: async (c, routeKey) => {
      await audit(deps, c, {
        category: 'refusal',
        action: 'access.refused',
        objectType: 'route',
        objectId: routeKey,
        outcome: 'refused',
      });
    },
  };
}
