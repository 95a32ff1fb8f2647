import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  type AGENCY_KINDS,
  AgencyOptionListSchema,
  SuggestedActionListSchema,
  SuggestedActionSchema,
  TaxonomyCodeSchema,
  UuidParamSchema,
} from '@hotspot/contracts';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { jsonBody, problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import {
  NewSuggestedActionSchema,
  SuggestedActionChangeSchema,
} from '../../http/request-schemas.ts';
import { audit } from '../audit/index.ts';

const listSchema = {
  'application/json': { schema: SuggestedActionListSchema },
};
const oneSchema = { 'application/json': { schema: SuggestedActionSchema } };

const suggestionsRoute = createRoute({
  method: 'get',
  path: '/api/suggested-actions',
  summary: 'Suggested actions for a place type (or all), for assigning actions to a hotspot',
  request: { query: z.object({ placeType: TaxonomyCodeSchema.optional() }) },
  responses: {
    200: { description: 'Suggestions', content: listSchema },
    ...problemResponses(401, 403, 422),
  },
});
const agenciesRoute = createRoute({
  method: 'get',
  path: '/api/agencies',
  summary: 'The agencies actions can be assigned to',
  responses: {
    200: {
      description: 'Agencies by code',
      content: {
        'application/json': {
          schema: AgencyOptionListSchema,
        },
      },
    },
    ...problemResponses(401, 403),
  },
});
const adminListRoute = createRoute({
  method: 'get',
  path: '/api/admin/suggested-actions',
  summary: "The partnership's suggested actions (admin)",
  responses: {
    200: { description: 'Suggestions', content: listSchema },
    ...problemResponses(401, 403),
  },
});
const adminCreateRoute = createRoute({
  method: 'post',
  path: '/api/admin/suggested-actions',
  summary: 'Add a suggested action (admin)',
  request: jsonBody(NewSuggestedActionSchema),
  responses: {
    201: { description: 'Added', content: oneSchema },
    ...problemResponses(401, 403, 422),
  },
});
const adminChangeRoute = createRoute({
  method: 'patch',
  path: '/api/admin/suggested-actions/{id}',
  summary: 'Change a suggested action (admin)',
  request: { params: UuidParamSchema, ...jsonBody(SuggestedActionChangeSchema) },
  responses: {
    200: { description: 'Changed', content: oneSchema },
    ...problemResponses(401, 403, 404, 422),
  },
});
const adminDeleteRoute = createRoute({
  method: 'delete',
  path: '/api/admin/suggested-actions/{id}',
  summary: 'Remove a suggested action (admin)',
  request: { params: UuidParamSchema },
  responses: { 204: { description: 'Removed' }, ...problemResponses(401, 403, 404, 422) },
});

async function listSuggestions(
  deps: AppDeps,
  partnershipId: string,
  placeType?: string,
  id?: string,
) {
  let query = deps.db.kysely
    .selectFrom('suggested_action')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .orderBy('place_type')
    .orderBy('position')
    .orderBy('title');
  if (placeType) query = query.where('place_type', '=', placeType);
  if (id) query = query.where('id', '=', id);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    placeType: r.place_type,
    priority: r.priority,
    title: r.title,
    detail: r.detail,
    agencyKind: r.agency_kind as (typeof AGENCY_KINDS)[number] | null,
    position: r.position,
  }));
}

async function oneSuggestion(deps: AppDeps, partnershipId: string, id: string) {
  const [row] = await listSuggestions(deps, partnershipId, undefined, id);
  if (!row) throw new ProblemError(PROBLEM.notFound, 'No such suggested action.');
  return row;
}

function auditAdmin(
  deps: AppDeps,
  c: Context<AppEnv>,
  action: string,
  id: string,
  changed: string[],
) {
  return audit(deps, c, {
    category: 'admin',
    action,
    objectType: 'suggested_action',
    objectId: id,
    query: { fields: changed },
  });
}

export function suggestedActionRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(suggestionsRoute, async (c) => {
      const user = currentUser(c);
      const { placeType } = c.req.valid('query');
      return c.json(
        { suggestions: await listSuggestions(deps, user.partnershipId, placeType) },
        200,
      );
    })
    .openapi(agenciesRoute, async (c) => {
      const user = currentUser(c);
      const rows = await deps.db.kysely
        .selectFrom('agency')
        .select(['id', 'code', 'name', 'kind'])
        .where('partnership_id', '=', user.partnershipId)
        .orderBy('code')
        .execute();
      return c.json(
        { agencies: rows.map((r) => ({ ...r, kind: r.kind as (typeof AGENCY_KINDS)[number] })) },
        200,
      );
    })
    .openapi(adminListRoute, async (c) => {
      const user = currentUser(c);
      return c.json({ suggestions: await listSuggestions(deps, user.partnershipId) }, 200);
    })
    .openapi(adminCreateRoute, async (c) => {
      const user = currentUser(c);
      const body = c.req.valid('json');
      const id = deps.newId();
      const now = deps.clock();
      await deps.db.kysely
        .insertInto('suggested_action')
        .values({
          id,
          partnership_id: user.partnershipId,
          place_type: body.placeType,
          priority: body.priority,
          title: body.title,
          detail: body.detail ?? null,
          agency_kind: body.agencyKind ?? null,
          position: body.position ?? 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await auditAdmin(deps, c, 'suggested-action.create', id, Object.keys(body));
      return c.json(await oneSuggestion(deps, user.partnershipId, id), 201);
    })
    .openapi(adminChangeRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const updated = await deps.db.kysely
        .updateTable('suggested_action')
        .set({
          ...(body.placeType !== undefined ? { place_type: body.placeType } : {}),
          ...(body.priority !== undefined ? { priority: body.priority } : {}),
          ...(body.title !== undefined ? { title: body.title } : {}),
          ...(body.detail !== undefined ? { detail: body.detail } : {}),
          ...(body.agencyKind !== undefined ? { agency_kind: body.agencyKind } : {}),
          ...(body.position !== undefined ? { position: body.position } : {}),
          updated_at: deps.clock(),
        })
        .where('id', '=', id)
        .where('partnership_id', '=', user.partnershipId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0)
        throw new ProblemError(PROBLEM.notFound, 'No such suggested action.');
      await auditAdmin(deps, c, 'suggested-action.update', id, Object.keys(body));
      return c.json(await oneSuggestion(deps, user.partnershipId, id), 200);
    })
    .openapi(adminDeleteRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const deleted = await deps.db.kysely
        .deleteFrom('suggested_action')
        .where('id', '=', id)
        .where('partnership_id', '=', user.partnershipId)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0)
        throw new ProblemError(PROBLEM.notFound, 'No such suggested action.');
      await auditAdmin(deps, c, 'suggested-action.delete', id, []);
      return c.body(null, 204);
    });
}
