import { ROLES, type Role } from '@hotspot/contracts';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppDeps, AppEnv, SessionUser } from '../deps.ts';
import { PROBLEM, problemResponse } from './problem.ts';

/**
 * Who may call a route.
 * - `public`: anyone, signed in or not.
 * - `roles`: signed-in users with one of these roles and a completed second factor.
 *   `scope: 'own-agency'` means the handler must further restrict rows to the caller's agency
 *   (partners see only their agency's actions); the middleware cannot know the rows.
 *   `pendingSession: true` also admits a session whose second factor is still outstanding
 *   (only the sign-in and enrolment routes).
 */
export type RoutePolicy =
  | { readonly public: true }
  | {
      readonly roles: readonly Role[];
      readonly scope?: 'own-agency';
      readonly pendingSession?: true;
    };

const ALL_ROLES: readonly Role[] = ROLES;
const ADMIN: readonly Role[] = ['admin'];
const ANALYST: readonly Role[] = ['analyst'];

/**
 * The single place where access is decided: "METHOD /path" (Hono's pattern, `:param`) ->
 * policy. A route without an entry is refused for everyone, and the route x role matrix test
 * fails, so adding a route forces a decision here. DESIGN.md section 5 is the source.
 */
export const ROUTE_POLICY: Readonly<Record<string, RoutePolicy>> = {
  'GET /api/health': { public: true },
  'GET /api/openapi.json': { public: true },
  // Boundaries and the partnership's name/extent are not intelligence: every role needs them
  // to draw the map (the admin too, for the boundary loader).
  'GET /api/partnership': { roles: ALL_ROLES },
  'GET /api/boundaries': { roles: ALL_ROLES },
  'GET /api/taxonomy': { roles: ALL_ROLES },

  'POST /api/auth/login': { public: true },
  'POST /api/auth/mfa': { roles: ALL_ROLES, pendingSession: true },
  'POST /api/auth/mfa/enrol': { roles: ALL_ROLES, pendingSession: true },
  'POST /api/auth/mfa/enrol/confirm': { roles: ALL_ROLES, pendingSession: true },
  'POST /api/auth/logout': { roles: ALL_ROLES, pendingSession: true },
  'GET /api/auth/me': { roles: ALL_ROLES },
  'POST /api/auth/password': { roles: ALL_ROLES },
  // Enrolment links: the one-time code in the body is the credential (no session yet).
  'POST /api/enrolment/start': { public: true },
  'POST /api/enrolment/complete': { public: true },
  // Requests for the analyst role: admins decide; chairs too where the partnership has a
  // single admin (the handler checks), so one admin alone never grants record-level access.
  'GET /api/approvals': { roles: ['admin', 'chair'] },
  'POST /api/approvals/:id/approve': { roles: ['admin', 'chair'] },
  'POST /api/approvals/:id/refuse': { roles: ['admin', 'chair'] },

  'GET /api/admin/users': { roles: ADMIN },
  'POST /api/admin/users': { roles: ADMIN },
  'PATCH /api/admin/users/:id': { roles: ADMIN },
  'POST /api/admin/users/:id/reset-mfa': { roles: ADMIN },
  'POST /api/admin/users/:id/reset-password': { roles: ADMIN },
  'GET /api/admin/agencies': { roles: ADMIN },
  'POST /api/admin/agencies': { roles: ADMIN },
  'PATCH /api/admin/agencies/:id': { roles: ADMIN },
  'GET /api/admin/settings': { roles: ADMIN },
  'PATCH /api/admin/settings': { roles: ADMIN },
  'GET /api/admin/categories': { roles: ADMIN },
  'POST /api/admin/categories': { roles: ADMIN },
  'PATCH /api/admin/categories/:code': { roles: ADMIN },
  'GET /api/admin/place-types': { roles: ADMIN },
  'POST /api/admin/place-types': { roles: ADMIN },
  'PATCH /api/admin/place-types/:code': { roles: ADMIN },
  'GET /api/admin/police-uk-mapping': { roles: ADMIN },
  'PUT /api/admin/police-uk-mapping': { roles: ADMIN },

  'GET /api/audit': { roles: ADMIN },
  'GET /api/audit/verify': { roles: ADMIN },
  'GET /api/audit/export.csv': { roles: ADMIN },

  // Batches and records are record-level intelligence: analysts only (DESIGN.md section 5).
  'GET /api/batches/template.csv': { roles: ANALYST },
  'GET /api/batches/columns': { roles: ANALYST },
  'POST /api/batches': { roles: ANALYST },
  'GET /api/batches': { roles: ANALYST },
  'GET /api/batches/:id': { roles: ANALYST },
  'GET /api/batches/:id/preview': { roles: ANALYST },
  'GET /api/batches/:id/errors.csv': { roles: ANALYST },
  'POST /api/batches/:id/commit': { roles: ANALYST },
  'DELETE /api/batches/:id': { roles: ANALYST },
  'POST /api/records': { roles: ANALYST },
  'GET /api/records/review-due': { roles: ANALYST },
  'POST /api/records/:id/retain': { roles: ANALYST },
  'POST /api/records/review-due/batches/:batchId': { roles: ANALYST },
  'DELETE /api/records/:id': { roles: ANALYST },

  // Map layers (DESIGN.md section 5): record-level points for analysts; aggregate layers for
  // analysts, chairs and viewers; partners see only hotspots tied to their agency's actions
  // (the handler restricts the rows). Non-analyst bodies pass the disclosure module.
  'GET /api/layers/points': { roles: ['analyst'] },
  'GET /api/layers/hexagons': { roles: ['analyst', 'chair', 'viewer'] },
  'GET /api/layers/density': { roles: ['analyst', 'chair', 'viewer'] },
  'GET /api/layers/hotspots': {
    roles: ['analyst', 'chair', 'partner', 'viewer'],
    scope: 'own-agency',
  },
  // Exports hold exactly what the role sees on the map; the handler refuses layers the role
  // may not see (points for non-analysts, anything but hotspots for partners).
  'GET /api/export/layer.csv': {
    roles: ['analyst', 'chair', 'partner', 'viewer'],
    scope: 'own-agency',
  },
  'GET /api/export/layer.geojson': {
    roles: ['analyst', 'chair', 'partner', 'viewer'],
    scope: 'own-agency',
  },
  // Analysis with any parameters: analysts (record-level) and chairs (aggregate output only).
  // Free analysis (any method, parameters, days) is record-level: analysts only. Chairs see
  // Gi* and density from the published table (/api/layers) and confirm what analysts propose.
  'GET /api/analysis/dbscan': { roles: ['analyst'] },
  'GET /api/analysis/gistar': { roles: ['analyst'] },
  'GET /api/analysis/density': { roles: ['analyst'] },
  // Emerging hot spots: analysts on records; chairs and viewers on the published table's monthly
  // values (whole months, published sizes), so meeting mode draws them for every presenter.
  'GET /api/analysis/emerging': { roles: ['analyst', 'chair', 'viewer'] },
  'GET /api/analysis/repeats': { roles: ['analyst'] },
  'POST /api/analysis/summary': { roles: ['analyst', 'chair'] },
  // Forecast: analysts from records; chairs and viewers from the published table (published
  // hexagon sizes, whole months). The backtest and the default method stay analysts'.
  'GET /api/analysis/forecast': { roles: ['analyst', 'chair', 'viewer'] },
  'GET /api/analysis/backtest': { roles: ANALYST },
  'PUT /api/analysis/forecast/default-method': { roles: ANALYST },
  // Replacing ward/district sets is an admin change, not intelligence.
  'POST /api/admin/boundaries': { roles: ADMIN },
  // Partnership responses (issue 8). Hotspot reads are open to partners for hotspots their agency
  // has an action on (the handler answers 404 otherwise); non-analysts get disclosure-controlled
  // outlines and counts. Analysts and chairs run the tasking; only the assigned agency's partners
  // acknowledge, update, complete or decline an action (handler checks the agency, 404 otherwise).
  'POST /api/hotspots': { roles: ['analyst', 'chair'] },
  'GET /api/hotspots': { roles: ['analyst', 'chair', 'partner', 'viewer'], scope: 'own-agency' },
  'GET /api/hotspots/:id': {
    roles: ['analyst', 'chair', 'partner', 'viewer'],
    scope: 'own-agency',
  },
  'PATCH /api/hotspots/:id': { roles: ['analyst', 'chair'] },
  'POST /api/hotspots/:id/actions': { roles: ['analyst', 'chair'] },
  // Compares the hotspot with the rest of the partnership area: beyond what partners may see.
  'GET /api/hotspots/:id/evaluation': { roles: ['analyst', 'chair', 'viewer'] },
  'GET /api/actions': { roles: ['analyst', 'chair', 'partner', 'viewer'], scope: 'own-agency' },
  'GET /api/actions/export.csv': { roles: ['analyst', 'chair'] },
  'GET /api/actions/:id': { roles: ['analyst', 'chair', 'partner', 'viewer'], scope: 'own-agency' },
  // Reassigning or rescheduling an open action is part of assigning actions: the same roles.
  'PATCH /api/actions/:id': { roles: ['analyst', 'chair'] },
  'POST /api/actions/:id/acknowledge': { roles: ['partner'], scope: 'own-agency' },
  // Notes from chairs and analysts too; status changes only from the assigned agency.
  'POST /api/actions/:id/updates': { roles: ['analyst', 'chair', 'partner'], scope: 'own-agency' },
  'POST /api/actions/:id/complete': { roles: ['partner'], scope: 'own-agency' },
  'POST /api/actions/:id/decline': { roles: ['partner'], scope: 'own-agency' },
  'GET /api/suggested-actions': { roles: ['analyst', 'chair'] },
  // Agency names and codes, to choose whom to assign an action to (not intelligence).
  'GET /api/agencies': { roles: ['analyst', 'chair'] },
  'GET /api/admin/suggested-actions': { roles: ADMIN },
  'POST /api/admin/suggested-actions': { roles: ADMIN },
  'PATCH /api/admin/suggested-actions/:id': { roles: ADMIN },
  'DELETE /api/admin/suggested-actions/:id': { roles: ADMIN },
  // Each user's own notices (the handler selects by user).
  'GET /api/notifications': { roles: ALL_ROLES },
  'POST /api/notifications/:id/read': { roles: ALL_ROLES },
  // Tasking meetings (issue 9): chairs and analysts run them; viewers read the meeting view
  // (agenda, attendance) on the meeting screen. Partners may list meetings and get their own
  // copy of the pack (the handler builds it as the partner role: their agency's actions and the
  // hotspots tied to them). Every pack is aggregate-only and audited as a disclosure.
  'POST /api/meetings': { roles: ['analyst', 'chair'] },
  'GET /api/meetings': { roles: ['analyst', 'chair', 'partner', 'viewer'] },
  'GET /api/meetings/:id': { roles: ['analyst', 'chair', 'viewer'] },
  'PATCH /api/meetings/:id': { roles: ['analyst', 'chair'] },
  'GET /api/meetings/:id/agenda': { roles: ['analyst', 'chair', 'viewer'] },
  'PATCH /api/meetings/:id/agenda': { roles: ['analyst', 'chair'] },
  'POST /api/meetings/:id/agenda/generate': { roles: ['analyst', 'chair'] },
  'POST /api/meetings/:id/agenda/items': { roles: ['analyst', 'chair'] },
  'PATCH /api/meetings/:id/agenda/items/:itemId': { roles: ['analyst', 'chair'] },
  'DELETE /api/meetings/:id/agenda/items/:itemId': { roles: ['analyst', 'chair'] },
  'POST /api/meetings/:id/items/:itemId/decision': { roles: ['analyst', 'chair'] },
  'GET /api/meetings/:id/pack.pdf': {
    roles: ['analyst', 'chair', 'partner', 'viewer'],
    scope: 'own-agency',
  },
  'GET /api/meetings/:id/pack.html': {
    roles: ['analyst', 'chair', 'partner', 'viewer'],
    scope: 'own-agency',
  },
  // Saved map views hold parameters only (viewport, layers, filters), no intelligence; anyone
  // who uses the map may open a shared one, and those who run meetings save them.
  'POST /api/views': { roles: ['analyst', 'chair'] },
  'GET /api/views': { roles: ['analyst', 'chair', 'partner', 'viewer'] },
  'GET /api/views/:id': { roles: ['analyst', 'chair', 'partner', 'viewer'] },
};

// The web app's static files and SPA fallback: registered for every path, never data.
export const STATIC_ROUTE_PATHS: ReadonlySet<string> = new Set(['*', '/*', '/assets/*']);

export function policyKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/** The endpoint (not middleware) route Hono matched for this request, if any. */
export function matchedEndpoint(c: Context): { method: string; path: string } | undefined {
  return matchedRoutes(c).find((r) => r.method !== 'ALL' && !STATIC_ROUTE_PATHS.has(r.path));
}

/**
 * What the policy needs of sessions and the audit trail, given by the auth feature
 * (`sessionAccess` in features/auth), so that http/ depends on no feature.
 */
export interface SessionAccess {
  loadSession(c: Context<AppEnv>): Promise<
    | {
        session: {
          readonly idHash: string;
          readonly user: SessionUser;
          readonly mfaPassed: boolean;
        };
      }
    | { refused: 'none' | 'expired' | 'revoked' }
  >;
  /** A Set-Cookie header value that deletes the session cookie. */
  clearSessionCookie(c: Context<AppEnv>): string;
  /** Writes a refused request to the audit trail. */
  auditRefusal(c: Context<AppEnv>, routeKey: string): Promise<void>;
}

/**
 * Loads the session from the cookie, puts its user on the context, and applies ROUTE_POLICY
 * to the matched route: 401 without a (complete) session, 403 for a role the route does not
 * admit (audited as a refusal). Mount on /api/* before the routes.
 */
export function accessPolicy(
  deps: Pick<AppDeps, 'logger'>,
  sessions: SessionAccess,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const endpoint = matchedEndpoint(c);
    // Nothing matched: let the 404/405 handler answer; it reveals no data.
    if (!endpoint) return next();
    const key = policyKey(endpoint.method, endpoint.path);
    const policy = ROUTE_POLICY[key];

    const loaded = await sessions.loadSession(c);
    const session = 'session' in loaded ? loaded.session : undefined;
    const refusal = 'refused' in loaded ? loaded.refused : 'none';
    if (session) {
      c.set('user', session.user);
      c.set('sessionIdHash', session.idHash);
    }

    if (!policy) {
      deps.logger.error({ route: key }, 'route has no entry in ROUTE_POLICY; refused');
      return refuse(c, sessions, key, 'This route has no access policy.');
    }
    if ('public' in policy) return next();
    if (!session) {
      const res = problemResponse(
        c,
        PROBLEM.unauthenticated,
        refusal === 'expired'
          ? 'Your session has expired. Please sign in again.'
          : refusal === 'revoked'
            ? 'Your session has ended. Please sign in again.'
            : 'Please sign in.',
        refusal === 'none' ? {} : { reason: refusal },
      );
      // The dead cookie goes too, so the browser stops sending it.
      if (refusal !== 'none') res.headers.append('set-cookie', sessions.clearSessionCookie(c));
      return res;
    }
    if (!session.mfaPassed && !policy.pendingSession) {
      return problemResponse(
        c,
        PROBLEM.unauthenticated,
        'Complete the second sign-in step first.',
        {
          reason: 'mfa-pending',
        },
      );
    }
    if (!policy.roles.includes(session.user.role)) {
      return refuse(c, sessions, key, `The ${session.user.role} role may not use this.`);
    }
    return next();
  };
}

async function refuse(
  c: Context<AppEnv>,
  sessions: SessionAccess,
  routeKey: string,
  detail: string,
) {
  await sessions.auditRefusal(c, routeKey);
  return problemResponse(c, PROBLEM.forbidden, detail);
}
