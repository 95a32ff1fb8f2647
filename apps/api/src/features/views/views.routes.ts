import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { SavedViewConfigSchema, SavedViewListSchema, SavedViewSchema } from '@hotspot/contracts';
import { sql } from 'kysely';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { NewViewSchema } from '../../http/request-schemas.ts';
import { audit } from '../audit/index.ts';

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

type ViewRow = {
  id: string;
  name: string;
  config_version: number;
  config: unknown;
  created_at: Date | string;
  display_name: string;
};

function toSavedView(row: ViewRow) {
  const raw = typeof row.config === 'string' ? JSON.parse(row.config) : row.config;
  return {
    id: row.id,
    name: row.name,
    // Parsed on the way out too: rows are an edge, and an old version is upgraded here.
    config: SavedViewConfigSchema.parse(raw),
    createdBy: row.display_name,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export function viewRoutes(deps: AppDeps) {
  const db = deps.db.kysely;
  const select = (partnershipId: string) =>
    db
      .selectFrom('saved_view as v')
      .innerJoin('app_user as u', 'u.id', 'v.created_by')
      .select(['v.id', 'v.name', 'v.config_version', 'v.config', 'v.created_at', 'u.display_name'])
      .where('v.partnership_id', '=', partnershipId);
  return new OpenAPIHono<AppEnv>()
    .openapi(createViewRoute, async (c) => {
      const user = currentUser(c);
      const body = c.req.valid('json');
      const id = deps.newId();
      await db
        .insertInto('saved_view')
        .values({
          id,
          partnership_id: user.partnershipId,
          name: body.name,
          config_version: body.config.v,
          config: sql<string>`cast(${JSON.stringify(body.config)}::text as jsonb)`,
          created_by: user.id,
          created_at: deps.clock(),
        })
        .execute();
      await audit(deps, c, {
        category: 'alteration',
        action: 'view.create',
        objectType: 'saved_view',
        objectId: id,
        query: { layers: body.config.layers },
      });
      const row = await select(user.partnershipId).where('v.id', '=', id).executeTakeFirstOrThrow();
      return c.json(toSavedView(row as ViewRow), 201);
    })
    .openapi(listViewsRoute, async (c) => {
      const user = currentUser(c);
      const rows = await select(user.partnershipId)
        .orderBy('v.created_at', 'desc')
        .orderBy('v.id')
        .limit(500)
        .execute();
      await audit(deps, c, {
        category: 'consultation',
        action: 'view.list',
        query: { results: rows.length },
      });
      return c.json({ views: rows.map((r) => toSavedView(r as ViewRow)) }, 200);
    })
    .openapi(getViewRoute, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const row = await select(user.partnershipId).where('v.id', '=', id).executeTakeFirst();
      if (!row) throw new ProblemError(PROBLEM.notFound, 'No such saved view.');
      await audit(deps, c, {
        category: 'consultation',
        action: 'view.read',
        objectType: 'saved_view',
        objectId: id,
      });
      return c.json(toSavedView(row as ViewRow), 200);
    });
}
