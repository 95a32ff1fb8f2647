import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { SavedViewListSchema, SavedViewSchema } from '@hotspot/contracts';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { NewViewSchema } from '../../http/request-schemas.ts';
import { audit } from '../audit/index.ts';
import { createView } from './views.commands.ts';
import { findView, listViews } from './views.queries.ts';

const createViewRoute = createRoute({
  method: 'post',
  path: '/api/views',
  summary:
    'Save a map view (viewport, layers, filters) as a versioned config, to share by link or attach to an agenda item',
  request: { body: { content: { 'application/json': { schema: NewViewSchema } }, required: true } },
  responses: {
    201: { description: 'Saved', content: { 'application/json': { schema: SavedViewSchema } } },
    ...problemResponses(401, 403, 422),
  },
});
const listViewsRoute = createRoute({
  method: 'get',
  path: '/api/views',
  summary: "The partnership's saved map views, newest first",
  responses: {
    200: {
      description: 'Views',
      content: { 'application/json': { schema: SavedViewListSchema } },
    },
    ...problemResponses(401, 403),
  },
});
const getViewRoute = createRoute({
  method: 'get',
  path: '/api/views/{id}',
  summary: 'One saved map view (opened by /map?view=<id>)',
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: { description: 'The view', content: { 'application/json': { schema: SavedViewSchema } } },
    ...problemResponses(401, 403, 404, 422),
  },
});

export function viewRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(createViewRoute, async (c) => {
      const body = c.req.valid('json');
      const view = await createView(deps, currentUser(c), body);
      await audit(deps, c, {
        category: 'alteration',
        action: 'view.create',
        objectType: 'saved_view',
        objectId: view.id,
        query: { layers: body.config.layers },
      });
      return c.json(view, 201);
    })
    .openapi(listViewsRoute, async (c) => {
      const views = await listViews(deps, currentUser(c).partnershipId);
      await audit(deps, c, {
        category: 'consultation',
        action: 'view.list',
        query: { results: views.length },
      });
      return c.json({ views }, 200);
    })
    .openapi(getViewRoute, async (c) => {
      const { id } = c.req.valid('param');
      const view = await findView(deps, currentUser(c).partnershipId, id);
      if (!view) throw new ProblemError(PROBLEM.notFound, 'No such saved view.');
      await audit(deps, c, {
        category: 'consultation',
        action: 'view.read',
        objectType: 'saved_view',
        objectId: id,
      });
      return c.json(view, 200);
    });
}
