import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  BOUNDARY_KINDS,
  BoundaryCollectionSchema,
  PartnershipSchema,
  TaxonomySchema,
} from '@hotspot/contracts';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses, serialisedJson } from '../../http/openapi.ts';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { publishedDataVersion, receivesRecordLevel } from '../disclosure/index.ts';
import {
  boundaryCollection,
  findPartnership,
  partnershipVocabulary,
} from './partnership.queries.ts';

const getPartnership = createRoute({
  method: 'get',
  path: '/api/partnership',
  summary: "The signed-in user's partnership: name, extent, disclosure threshold, map tiles",
  responses: {
    200: {
      description: 'Partnership',
      content: { 'application/json': { schema: PartnershipSchema } },
    },
    ...problemResponses(401, 404),
  },
});

const getBoundaries = createRoute({
  method: 'get',
  path: '/api/boundaries',
  summary: 'Partnership, district or ward boundaries as GeoJSON (WGS84)',
  request: {
    query: z.object({ kind: z.enum(BOUNDARY_KINDS).default('district') }),
  },
  responses: {
    200: {
      description: 'Boundaries',
      content: { 'application/geo+json': { schema: BoundaryCollectionSchema } },
    },
    ...problemResponses(401, 422),
  },
});

const getTaxonomy = createRoute({
  method: 'get',
  path: '/api/taxonomy',
  summary:
    "The partnership's categories, place types and agencies (codes and labels) for filters and legends",
  responses: {
    200: { description: 'Taxonomy', content: { 'application/json': { schema: TaxonomySchema } } },
    ...problemResponses(401),
  },
});

export function partnershipRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(getPartnership, async (c) => {
      const user = currentUser(c);
      const partnership = await findPartnership(deps.db, user.partnershipId);
      if (!partnership) throw new ProblemError(PROBLEM.notFound, 'Partnership not found.');
      // Everyone but analysts sees the version of the published table (DESIGN.md section 5).
      const dataVersion = receivesRecordLevel(user)
        ? partnership.dataVersion
        : await publishedDataVersion(deps.db, user.partnershipId, partnership.dataVersion);
      return c.json(
        {
          ...partnership,
          dataVersion,
          tiles: { url: deps.env.TILE_URL, attribution: deps.env.TILE_ATTRIBUTION },
        },
        200,
      );
    })
    .openapi(getTaxonomy, async (c) => {
      // Labels only: the vocabulary is not intelligence, so every role may read it.
      const user = currentUser(c);
      return c.json(await partnershipVocabulary(deps.db, user.partnershipId), 200);
    })
    .openapi(getBoundaries, async (c) => {
      const user = currentUser(c);
      const { kind } = c.req.valid('query');
      const body = await boundaryCollection(deps.db, user.partnershipId, kind);
      return serialisedJson(c, body, 200, {
        'content-type': 'application/geo+json',
        'cache-control': 'private, max-age=300',
      });
    });
}
