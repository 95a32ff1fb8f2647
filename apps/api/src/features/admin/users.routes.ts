import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { RoleSchema } from '@hotspot/contracts';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { createUser } from '../accounts/create-user.ts';
import { audit } from '../audit/audit.ts';
import { endUserSessions } from '../auth/sessions.ts';

const AdminUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    agency: z.object({ id: z.string(), code: z.string(), name: z.string() }),
    disabled: z.boolean(),
    mfaEnrolled: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('AdminUser');

const NewUserSchema = z
  .strictObject({
    email: z.email().max(320),
    name: z.string().trim().min(1).max(200),
    role: RoleSchema,
    agencyCode: z.string().min(1).max(16),
    /** Initial password, given to the user out of band; checked for length and strength. */
    password: z.string().min(1).max(1024),
  })
  .openapi('NewUser');

const UserChangeSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    role: RoleSchema.optional(),
    agencyCode: z.string().min(1).max(16).optional(),
    disabled: z.boolean().optional(),
  })
  .refine(
    (v) => Object.values(v).some((x) => x !== undefined),
    'Give at least one field to change.',
  )
  .openapi('UserChange');

const IdParamSchema = z.object({ id: z.uuid() });

const json = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

const listUsers = createRoute({
  method: 'get',
  path: '/api/admin/users',
  summary: "The partnership's users (admin)",
  responses: {
    200: {
      description: 'Users',
      content: { 'application/json': { schema: z.object({ users: z.array(AdminUserSchema) }) } },
    },
    ...problemResponses(401, 403),
  },
});

const createUserRoute = createRoute({
  method: 'post',
  path: '/api/admin/users',
  summary: 'Create a user (admin); they set up their second factor at first sign-in',
  request: json(NewUserSchema),
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: AdminUserSchema } } },
    ...problemResponses(400, 401, 403, 409, 422),
  },
});

const changeUser = createRoute({
  method: 'patch',
  path: '/api/admin/users/{id}',
  summary:
    "Change a user's name, role or agency, or disable/enable them; role, agency and disabling end their sessions",
  request: { params: IdParamSchema, ...json(UserChangeSchema) },
  responses: {
    200: { description: 'Changed', content: { 'application/json': { schema: AdminUserSchema } } },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const resetMfa = createRoute({
  method: 'post',
  path: '/api/admin/users/{id}/reset-mfa',
  summary: "Remove a user's second factor and recovery codes; they enrol again at next sign-in",
  request: { params: IdParamSchema },
  responses: { 204: { description: 'Reset' }, ...problemResponses(401, 403, 404, 422) },
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
      const created = await createUser(deps, { ...input, partnershipId: admin.partnershipId });
      // The CLI hands out a TOTP secret; here the user scans their own QR code instead.
      await clearSecondFactor(deps, created.id);
      await audit(deps, c, {
        category: 'admin',
        action: 'user.create',
        objectType: 'user',
        objectId: created.id,
        query: { role: input.role, agencyCode: input.agencyCode },
      });
      return c.json(await oneUser(deps, admin.partnershipId, created.id), 201);
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
      const accessChanged =
        (change.role !== undefined && change.role !== before.role) ||
        (agencyId !== undefined && agencyId !== before.agency.id) ||
        (change.disabled === true && !before.disabled);
      await deps.db.kysely
        .updateTable('app_user')
        .set({
          ...(change.name !== undefined ? { display_name: change.name } : {}),
          ...(change.role !== undefined ? { role: change.role } : {}),
          ...(agencyId !== undefined ? { agency_id: agencyId } : {}),
          ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
          updated_at: deps.clock(),
        })
        .where('id', '=', id)
        .where('partnership_id', '=', admin.partnershipId)
        .execute();
      // What a session may do follows from role and agency: a changed one starts afresh.
      if (accessChanged) await endUserSessions(deps, id);
      await audit(deps, c, {
        category: 'admin',
        action: 'user.change',
        objectType: 'user',
        objectId: id,
        query: {
          role: change.role,
          agencyCode: change.agencyCode,
          disabled: change.disabled,
          nameChanged: change.name !== undefined,
          sessionsEnded: accessChanged,
        },
      });
      return c.json(await oneUser(deps, admin.partnershipId, id), 200);
    })
    .openapi(resetMfa, async (c) => {
      const admin = currentUser(c);
      const { id } = c.req.valid('param');
      await oneUser(deps, admin.partnershipId, id);
      await clearSecondFactor(deps, id);
      await endUserSessions(deps, id);
      await audit(deps, c, {
        category: 'admin',
        action: 'user.reset-second-factor',
        objectType: 'user',
        objectId: id,
      });
      return c.body(null, 204);
    });
}
