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
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  type Enrolment,
  emailEnrolment,
  type GrantReason,
  inviteUser,
  issueEnrolment,
  refuseIfPending,
  requestAnalystGrant,
} from '../accounts/index.ts';
import { audit } from '../audit/index.ts';
import { endUserSessions } from '../auth/index.ts';

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

const changeUser = createRoute({
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

const resetMfa = createRoute({
  method: 'post',
  path: '/api/admin/users/{id}/reset-mfa',
  summary: "Remove a user's second factor and recovery codes; they enrol again at next sign-in",
  request: { params: UuidParamSchema },
  responses: { 204: { description: 'Reset' }, ...problemResponses(401, 403, 404, 409, 422) },
});

const resetPassword = createRoute({
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

async function loadUsers(deps: AppDeps, partnershipId: string, userId?: string) {
  let query = deps.db.kysely
    .selectFrom('app_user')
    .innerJoin('agency', 'agency.id', 'app_user.agency_id')
    .select([
      'app_user.id',
      'app_user.email',
      'app_user.display_name',
      'app_user.role',
      'app_user.disabled',
      'app_user.mfa_enrolled_at',
      'app_user.created_at',
      (eb) => eb('app_user.password_hash', 'is not', null).as('password_set'),
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('role_grant')
              .select('role_grant.id')
              .whereRef('role_grant.user_id', '=', 'app_user.id')
              .where('role_grant.outcome', '=', 'pending'),
          )
          .as('awaiting_approval'),
      'agency.id as agency_id',
      'agency.code as agency_code',
      'agency.name as agency_name',
    ])
    .where('app_user.partnership_id', '=', partnershipId)
    .orderBy('app_user.email');
  if (userId) query = query.where('app_user.id', '=', userId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.display_name,
    role: r.role,
    agency: { id: r.agency_id, code: r.agency_code, name: r.agency_name },
    disabled: r.disabled,
    mfaEnrolled: r.mfa_enrolled_at !== null,
    passwordSet: Boolean(r.password_set),
    awaitingApproval: Boolean(r.awaiting_approval),
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

async function oneUser(deps: AppDeps, partnershipId: string, userId: string) {
  const [user] = await loadUsers(deps, partnershipId, userId);
  if (!user) throw new ProblemError(PROBLEM.notFound, 'No such user in this partnership.');
  return user;
}

async function agencyIdFor(deps: AppDeps, partnershipId: string, code: string): Promise<string> {
  const agency = await deps.db.kysely
    .selectFrom('agency')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!agency) {
    throw new ProblemError(PROBLEM.validation, `No agency with code ${code}.`, {
      errors: [{ pointer: '/body/agencyCode', detail: 'unknown agency code' }],
    });
  }
  return agency.id;
}

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

/**
 * Credentials of an enabled analyst reset by an admin would let that admin enrol the account
 * as their own: the analyst is disabled until a second person approves.
 */
async function suspendAnalystForReset(
  deps: AppDeps,
  c: Context<AppEnv>,
  admin: { partnershipId: string; id: string },
  user: { id: string; role: string; disabled: boolean },
): Promise<void> {
  if (user.role !== 'analyst' || user.disabled) return;
  await refuseIfPending(deps, user.id);
  const grantId = await deps.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ disabled: true, updated_at: deps.clock() })
      .where('id', '=', user.id)
      .execute();
    return requestAnalystGrant(
      { ...deps, db: { ...deps.db, kysely: trx } },
      {
        partnershipId: admin.partnershipId,
        userId: user.id,
        reason: 'credential-reset',
        enable: true,
        requestedBy: admin.id,
      },
    );
  });
  await auditGrantRequest(deps, c, user.id, grantId, 'credential-reset');
}

async function clearSecondFactor(deps: AppDeps, userId: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ mfa_secret: null, mfa_enrolled_at: null, totp_last_counter: null })
      .where('id', '=', userId)
      .execute();
    await trx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
  });
}

export function adminUserRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(listUsers, async (c) => {
      const admin = currentUser(c);
      const users = await loadUsers(deps, admin.partnershipId);
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
      const user = await oneUser(deps, admin.partnershipId, invited.id);
      return c.json(
        { ...user, enrolment: await handOver(deps, user.email, invited.enrolment) },
        201,
      );
    })
    .openapi(changeUser, async (c) => {
      const admin = currentUser(c);
      const { id } = c.req.valid('param');
      const change = c.req.valid('json');
      const before = await oneUser(deps, admin.partnershipId, id);
      if (
        id === admin.id &&
        (change.disabled === true || (change.role && change.role !== 'admin'))
      ) {
        throw new ProblemError(
          PROBLEM.conflict,
          'You cannot disable yourself or remove your own admin role.',
        );
      }
      const agencyId = change.agencyCode
        ? await agencyIdFor(deps, admin.partnershipId, change.agencyCode)
        : undefined;
      const enabling = change.disabled === false && before.disabled;
      // Disabling is never held up; a role change or enabling waits for a pending request.
      if ((change.role !== undefined && change.role !== before.role) || enabling)
        await refuseIfPending(deps, id);
      // The analyst role reads record-level data: it is requested here and given on approval.
      const grantReason: GrantReason | null =
        (change.role ?? before.role) !== 'analyst'
          ? null
          : before.role !== 'analyst'
            ? 'role-change'
            : enabling
              ? 're-enable'
              : null;
      const role = grantReason ? undefined : change.role;
      const disabled = grantReason && enabling ? undefined : change.disabled;
      const accessChanged =
        (role !== undefined && role !== before.role) ||
        (agencyId !== undefined && agencyId !== before.agency.id) ||
        (disabled === true && !before.disabled);
      const grantId = await deps.db.kysely.transaction().execute(async (trx) => {
        await trx
          .updateTable('app_user')
          .set({
            ...(change.name !== undefined ? { display_name: change.name } : {}),
            ...(role !== undefined ? { role } : {}),
            ...(agencyId !== undefined ? { agency_id: agencyId } : {}),
            ...(disabled !== undefined ? { disabled } : {}),
            updated_at: deps.clock(),
          })
          .where('id', '=', id)
          .where('partnership_id', '=', admin.partnershipId)
          .execute();
        if (!grantReason) return null;
        return requestAnalystGrant(
          { ...deps, db: { ...deps.db, kysely: trx } },
          {
            partnershipId: admin.partnershipId,
            userId: id,
            reason: grantReason,
            enable: enabling,
            requestedBy: admin.id,
          },
        );
      });
      // What a session may do follows from role and agency: a changed one starts afresh.
      if (accessChanged) await endUserSessions(deps, id);
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
      return c.json(await oneUser(deps, admin.partnershipId, id), 200);
    })
    .openapi(resetMfa, async (c) => {
      const admin = currentUser(c);
      const { id } = c.req.valid('param');
      const user = await oneUser(deps, admin.partnershipId, id);
      await suspendAnalystForReset(deps, c, admin, user);
      await clearSecondFactor(deps, id);
      await endUserSessions(deps, id);
      await audit(deps, c, {
        category: 'admin',
        action: 'user.reset-second-factor',
        objectType: 'user',
        objectId: id,
      });
      return c.body(null, 204);
    })
    .openapi(resetPassword, async (c) => {
      const admin = currentUser(c);
      const { id } = c.req.valid('param');
      const user = await oneUser(deps, admin.partnershipId, id);
      await suspendAnalystForReset(deps, c, admin, user);
      const enrolment = await deps.db.kysely.transaction().execute(async (trx) => {
        await trx
          .updateTable('app_user')
          .set({ password_hash: null, updated_at: deps.clock() })
          .where('id', '=', id)
          .execute();
        return issueEnrolment(
          { ...deps, db: { ...deps.db, kysely: trx } },
          { userId: id, issuedBy: admin.id, origin: publicOrigin(deps, c) },
        );
      });
      await endUserSessions(deps, id);
      await audit(deps, c, {
        category: 'admin',
        action: 'user.reset-password',
        objectType: 'user',
        objectId: id,
        query: { enrolmentIssued: true },
      });
      const after = await oneUser(deps, admin.partnershipId, id);
      return c.json({ ...after, enrolment: await handOver(deps, after.email, enrolment) }, 200);
    });
}
