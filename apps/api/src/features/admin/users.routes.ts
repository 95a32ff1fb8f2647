import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  AdminUserListSchema,
  AdminUserSchema,
  AdminUserWithEnrolmentSchema,
  NewUserSchema,
  UserChangeSchema,
  UuidParamSchema,
} from '@hotspot/contracts';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { jsonBody, problemResponses } from '../../http/openapi.ts';
import { type Enrolment, emailEnrolment, type GrantReason, inviteUser } from '../accounts/index.ts';
import { audit } from '../audit/index.ts';
import {
  changeUser,
  resetPassword,
  resetSecondFactor,
  suspendAnalystForReset,
} from './admin.commands.ts';
import { loadUsers, oneUser } from './admin.queries.ts';

const listUsers = createRoute({
  method: 'get',
  path: '/api/admin/users',
  summary: "The partnership's users (admin)",
  responses: {
    200: {
      description: 'Users',
      content: { 'application/json': { schema: AdminUserListSchema } },
    },
    ...problemResponses(401, 403),
  },
});

const createUserRoute = createRoute({
  method: 'post',
  path: '/api/admin/users',
  summary:
    'Create a user (admin): answers a one-time enrolment link for them to choose their own password; an analyst waits for a second approval',
  request: jsonBody(NewUserSchema),
  responses: {
    201: {
      description: 'Created; the enrolment link is in the answer once',
      content: { 'application/json': { schema: AdminUserWithEnrolmentSchema } },
    },
    ...problemResponses(400, 401, 403, 409, 422),
  },
});

const changeUserRoute = createRoute({
  method: 'patch',
  path: '/api/admin/users/{id}',
  summary:
    "Change a user's name, role or agency, or disable/enable them; role, agency and disabling end their sessions. Making someone an analyst, or enabling an analyst, waits for a second approval",
  request: { params: UuidParamSchema, ...jsonBody(UserChangeSchema) },
  responses: {
    200: { description: 'Changed', content: { 'application/json': { schema: AdminUserSchema } } },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const resetMfaRoute = createRoute({
  method: 'post',
  path: '/api/admin/users/{id}/reset-mfa',
  summary: "Remove a user's second factor and recovery codes; they enrol again at next sign-in",
  request: { params: UuidParamSchema },
  responses: { 204: { description: 'Reset' }, ...problemResponses(401, 403, 404, 409, 422) },
});

const resetPasswordRoute = createRoute({
  method: 'post',
  path: '/api/admin/users/{id}/reset-password',
  summary:
    "Reset a user's password: the old one stops working and a new one-time enrolment link is answered once; an analyst is disabled until a second approval",
  request: { params: UuidParamSchema },
  responses: {
    200: {
      description: 'Reset',
      content: { 'application/json': { schema: AdminUserWithEnrolmentSchema } },
    },
    ...problemResponses(401, 403, 404, 409, 422),
  },
});

/** Where enrolment links point: the public origin when configured, else this request's. */
function publicOrigin(deps: AppDeps, c: Context<AppEnv>): string {
  return deps.env.PUBLIC_ORIGIN ?? new URL(c.req.url).origin;
}

async function handOver(deps: AppDeps, email: string, enrolment: Enrolment) {
  const emailed = await emailEnrolment(deps, email, enrolment);
  return {
    link: enrolment.link,
    code: enrolment.code,
    expiresAt: enrolment.expiresAt.toISOString(),
    emailed,
  };
}

/** Audits a request for the analyst role (the decision is audited by approvals.routes.ts). */
function auditGrantRequest(
  deps: AppDeps,
  c: Context<AppEnv>,
  userId: string,
  grantId: string,
  reason: GrantReason,
) {
  return audit(deps, c, {
    category: 'admin',
    action: 'user.role-grant.request',
    objectType: 'user',
    objectId: userId,
    outcome: 'pending',
    query: { grantId, role: 'analyst', reason },
  });
}

export function adminUserRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(listUsers, async (c) => {
      const admin = currentUser(c);
      const users = await loadUsers(deps.db, admin.partnershipId);
      await audit(deps, c, {
        category: 'admin',
        action: 'user.list',
        query: { results: users.length },
      });
      return c.json({ users }, 200);
    })
    .openapi(createUserRoute, async (c) => {
      const admin = currentUser(c);
      const input = c.req.valid('json');
      const invited = await inviteUser(
        deps,
        { ...input, partnershipId: admin.partnershipId },
        { requestedBy: admin.id, origin: publicOrigin(deps, c) },
      );
      await audit(deps, c, {
        category: 'admin',
        action: 'user.create',
        objectType: 'user',
        objectId: invited.id,
        query: { role: input.role, agencyCode: input.agencyCode, enrolmentIssued: true },
      });
      if (invited.grantId) await auditGrantRequest(deps, c, invited.id, invited.grantId, 'create');
      const user = await oneUser(deps.db, admin.partnershipId, invited.id);
      return c.json(
        { ...user, enrolment: await handOver(deps, user.email, invited.enrolment) },
        201,
      );
    })
    .openapi(changeUserRoute, async (c) => {
      const admin = currentUser(c);
      const { id } = c.req.valid('param');
      const change = c.req.valid('json');
      const { role, disabled, accessChanged, grantId, grantReason } = await changeUser(
        deps,
        admin,
        id,
        change,
      );
      await audit(deps, c, {
        category: 'admin',
        action: 'user.change',
        objectType: 'user',
        objectId: id,
        query: {
          role,
          agencyCode: change.agencyCode,
          disabled,
          nameChanged: change.name !== undefined,
          sessionsEnded: accessChanged,
          ...(grantId ? { approvalRequested: true } : {}),
        },
      });
      if (grantId && grantReason) await auditGrantRequest(deps, c, id, grantId, grantReason);
      return c.json(await oneUser(deps.db, admin.partnershipId, id), 200);
    })
    .openapi(resetMfaRoute, async (c) => {
      const admin = currentUser(c);
      const { id } = c.req.valid('param');
      const user = await oneUser(deps.db, admin.partnershipId, id);
      const grantId = await suspendAnalystForReset(deps, admin, user);
      if (grantId) await auditGrantRequest(deps, c, id, grantId, 'credential-reset');
      await resetSecondFactor(deps, id);
      await audit(deps, c, {
        category: 'admin',
        action: 'user.reset-second-factor',
        objectType: 'user',
        objectId: id,
      });
      return c.body(null, 204);
    })
    .openapi(resetPasswordRoute, async (c) => {
      const admin = currentUser(c);
      const { id } = c.req.valid('param');
      const user = await oneUser(deps.db, admin.partnershipId, id);
      const grantId = await suspendAnalystForReset(deps, admin, user);
      if (grantId) await auditGrantRequest(deps, c, id, grantId, 'credential-reset');
      const enrolment = await resetPassword(deps, id, admin.id, publicOrigin(deps, c));
      await audit(deps, c, {
        category: 'admin',
        action: 'user.reset-password',
        objectType: 'user',
        objectId: id,
        query: { enrolmentIssued: true },
      });
      const after = await oneUser(deps.db, admin.partnershipId, id);
      return c.json({ ...after, enrolment: await handOver(deps, after.email, enrolment) }, 200);
    });
}
