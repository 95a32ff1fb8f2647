import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
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
import {
  NewSuggestedActionSchema,
  SuggestedActionChangeSchema,
} from '../../http/request-schemas.ts';
import { audit } from '../audit/index.ts';
import { changeSuggestion, createSuggestion, deleteSuggestion } from './actions.commands.ts';
import { agencyOptions, listSuggestions, oneSuggestion } from './actions.queries.ts';

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
      return c.json({ agencies: await agencyOptions(deps, user.partnershipId) }, 200);
    })
    .openapi(adminListRoute, async (c) => {
      const user = currentUser(c);
      return c.json({ suggestions: await listSuggestions(deps, user.partnershipId) }, 200);
    })
    .openapi(adminCreateRoute, async (c) => {
      const user = currentUser(c);
      const body = c.req.valid('json');
      const id = await createSuggestion(deps, user.partnershipId, body);
      await auditAdmin(deps, c, 'suggested-action.create', id, Object.keys(body));
      return c.json(await oneSuggestion(deps, user.partnershipId, id), 201);
    })
    .openapi(adminChangeRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await changeSuggestion(deps, user.partnershipId, id, body);
      await auditAdmin(deps, c, 'suggested-action.update', id, Object.keys(body));
      return c.json(await oneSuggestion(deps, user.partnershipId, id), 200);
    })
    .openapi(adminDeleteRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      await deleteSuggestion(deps, user.partnershipId, id);
      await auditAdmin(deps, c, 'suggested-action.delete', id, []);
      return c.body(null, 204);
    });
}
